import { HttpError } from '../lib/http/index.js';

/** What every handler answers until its feature lands (after the whole request layer ran). */
export function notImplemented(name: string): never {
  throw new HttpError(501, 'not_implemented', `${name} is not implemented yet`);
}
