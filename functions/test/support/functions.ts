// The deployed functions for tests, taken from the modules lib/index.js loads (src/function-modules.ts).
// Tests cannot import src/index.ts itself: it loads those modules with Node's require, which reads the
// built JavaScript, not the TypeScript the tests run on. test/integration/function-loading.test.ts
// checks the built lib/index.js against the same map.
import path from 'node:path';
import type { Request, Response } from 'express';
import { onRequest } from 'firebase-functions/v2/https';
import { FUNCTION_MODULES, type DeployedFunctionName } from '../../src/function-modules.js';
import type { HandlerOptions } from '../../src/handlers/options.js';
import { RUNTIME_OPTIONS } from '../../src/runtime-options.js';
import type { MountableFunction } from './mount.js';

const SRC = path.resolve(__dirname, '..', '..', 'src');

/**
 * The function `name` as its module defines it (an onRequest handler or a trigger). With `options`, a
 * module that exports `<name>Endpoint` (chat and matching: handlers/options.ts) builds it with them,
 * wrapped in onRequest with its runtime options as the module does; other modules ignore them.
 */
export async function loadFunction<T = MountableFunction>(
  name: DeployedFunctionName,
  options?: HandlerOptions,
): Promise<T> {
  const module = (await import(path.join(SRC, FUNCTION_MODULES[name]))) as Record<string, unknown>;
  const endpoint = module[`${name}Endpoint`];
  if (options && typeof endpoint === 'function') {
    const build = endpoint as (options: HandlerOptions) => (req: Request, res: Response) => Promise<void>;
    return onRequest(RUNTIME_OPTIONS[name as keyof typeof RUNTIME_OPTIONS], build(options)) as T;
  }
  const definition = module[name];
  if (definition === undefined) throw new Error(`${FUNCTION_MODULES[name]} does not export ${name}`);
  return definition as T;
}

/** Several functions by name, ready for mountFunctions. */
export async function loadFunctions<Name extends DeployedFunctionName>(
  names: readonly Name[],
  options?: HandlerOptions,
): Promise<Record<Name, MountableFunction>> {
  const loaded = await Promise.all(names.map(async (name) => [name, await loadFunction(name, options)] as const));
  return Object.fromEntries(loaded) as Record<Name, MountableFunction>;
}
