// The deployed functions (function-modules.ts lists them, each defined in its handler). Every Cloud
// Run instance serves one function and is started with FUNCTION_TARGET=<its name>, as are the Functions
// emulator's workers: then only that function's module, and what it imports, is loaded, so a cold
// start pays for its own code alone. Deploy discovery sets no FUNCTION_TARGET and gets every function.
// Nothing here reads params or initialises SDKs: deploy discovery loads this module.
import { FUNCTION_MODULES, functionsToLoad } from './function-modules.js';

const exported = exports as Record<string, unknown>;
for (const name of functionsToLoad(process.env.FUNCTION_TARGET)) {
  // require, not import(): discovery and the functions framework read the exports synchronously.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const definition = (require(FUNCTION_MODULES[name]) as Record<string, unknown>)[name];
  if (definition === undefined) throw new Error(`${FUNCTION_MODULES[name]} does not export ${name}`);
  exported[name] = definition;
}
