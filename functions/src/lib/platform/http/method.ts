import type { Request } from 'express';
import { HttpError } from './errors.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export function assertMethod(req: Request, expected: HttpMethod): void {
  if (req.method === expected) return;
  throw new HttpError(405, 'method_not_allowed', `Use ${expected} for this endpoint`, {
    headers: { Allow: `${expected}, OPTIONS` },
  });
}
