// The deployed functions for tests, taken from the modules lib/index.js loads (src/function-modules.ts).
// Tests cannot import src/index.ts itself: it loads those modules with Node's require, which reads the
// built JavaScript, not the TypeScript the tests run on. test/integration/function-loading.test.ts
// checks the built lib/index.js against the same map.
import path from 'node:path';
import { FUNCTION_MODULES, type DeployedFunctionName } from '../../src/function-modules.js';
import type { MountableFunction } from './mount.js';

const SRC = path.resolve(__dirname, '..', '..', 'src');

/** The function `name` as its module defines it (an onRequest handler or a trigger). */
export async function loadFunction<T = MountableFunction>(name: DeployedFunctionName): Promise<T> {
  const module = (await import(path.join(SRC, FUNCTION_MODULES[name]))) as Record<string, unknown>;
  const definition = module[name];
  if (definition === undefined) throw new Error(`${FUNCTION_MODULES[name]} does not export ${name}`);
  return definition as T;
}

/** Several functions by name, ready for mountFunctions. */
export async function loadFunctions<Name extends DeployedFunctionName>(
  names: readonly Name[],
): Promise<Record<Name, MountableFunction>> {
  const loaded = await Promise.all(names.map(async (name) => [name, await loadFunction(name)] as const));
  return Object.fromEntries(loaded) as Record<Name, MountableFunction>;
}
