// Environment overrides for one test, undone after it (config is read per request, so a test can
// change a param). A variable that was unset before is removed again, not set to "undefined".
import { afterEach } from 'vitest';

/** Registers the undo in this file's afterEach; returns the function that sets overrides. */
export function scopedEnv(): (values: Record<string, string>) => void {
  const saved: Array<[string, string | undefined]> = [];
  afterEach(() => {
    for (const [key, value] of saved.splice(0).reverse()) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
  return (values) => {
    for (const [key, value] of Object.entries(values)) {
      saved.push([key, process.env[key]]);
      process.env[key] = value;
    }
  };
}
