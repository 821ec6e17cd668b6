// The map of deployed functions (src/function-modules.ts) against what the handlers define: every
// function a handler module exports is in the map, under its module, and every map entry's module
// exports a function of that name. A function defined but not listed would never be deployed; a name
// listed but not defined would break every instance's start.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEPLOYED_FUNCTIONS, FUNCTION_MODULES, functionsToLoad } from '../../src/function-modules.js';

const SRC = path.resolve(__dirname, '..', '..', 'src');
const HANDLERS = path.join(SRC, 'handlers');

/** A deployable function, as firebase-functions builds one: discovery reads its __endpoint. */
function isDeployable(value: unknown): boolean {
  return typeof value === 'function' && typeof (value as { __endpoint?: unknown }).__endpoint === 'object';
}

/** Every deployable export of every handler module: name -> the module's path as the map spells it. */
async function definedFunctions(): Promise<Record<string, string>> {
  const defined: Record<string, string> = {};
  for (const file of readdirSync(HANDLERS).filter((name) => name.endsWith('.ts'))) {
    const module = (await import(path.join(HANDLERS, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (isDeployable(value)) defined[name] = `./handlers/${file.replace(/\.ts$/, '.js')}`;
    }
  }
  return defined;
}

describe('the deployed-function map', () => {
  it('lists exactly the functions the handlers define, each under the module that defines it', async () => {
    const defined = await definedFunctions();
    expect(Object.keys(defined).length).toBeGreaterThanOrEqual(10);
    expect(defined).toEqual({ ...FUNCTION_MODULES });
  });

  it('loads only the target when FUNCTION_TARGET names a deployed function, else every function', () => {
    expect(functionsToLoad('chatStream')).toEqual(['chatStream']);
    expect(functionsToLoad('matchAttendanceSync')).toEqual(['matchAttendanceSync']);
    expect(functionsToLoad(undefined)).toEqual(DEPLOYED_FUNCTIONS);
    // Unknown names (another codebase's, a typo, a prototype key): load everything and let the
    // framework report what it cannot find.
    expect(functionsToLoad('noSuchFunction')).toEqual(DEPLOYED_FUNCTIONS);
    expect(functionsToLoad('toString')).toEqual(DEPLOYED_FUNCTIONS);
    expect(functionsToLoad('')).toEqual(DEPLOYED_FUNCTIONS);
  });
});
