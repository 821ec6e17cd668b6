/**
 * vitest setupFiles of the unit and integration projects: the structured log (one JSON line per
 * request, and more) goes to test/support/logs.ts captures instead of stdout, so a run prints its
 * results and failures, not thousands of log lines. TEST_LOGS=1 prints them as well.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LogEntry } from 'firebase-functions/logger';
import { beforeAll, vi } from 'vitest';
import { recordLogEntry } from '../support/logs.js';

vi.mock('firebase-functions/logger', async (importOriginal) => {
  const original = await importOriginal<typeof import('firebase-functions/logger')>();
  const { recordLogEntry } = await import('../support/logs.js');
  const echo = process.env.TEST_LOGS === '1';
  return {
    ...original,
    write: (entry: LogEntry) => {
      recordLogEntry(entry);
      if (echo) original.write(entry);
    },
  };
});

// firebase-functions' own lines (such as onCall's one DEBUG line per callable request) come from its
// internal logger, which writes to console methods it saved at load time, past the mock above: those
// saved methods (in its CommonJS and its ES module build) route the same way.
type ConsoleMethods = Record<string, (...args: unknown[]) => void> & { [ROUTED]?: true };
const ROUTED = Symbol.for('social-ai-backend.test-console-routed');

function routeConsole(saved: ConsoleMethods): void {
  if (saved[ROUTED]) return;
  saved[ROUTED] = true;
  for (const [name, write] of Object.entries(saved)) {
    saved[name] = (...args: unknown[]) => {
      let entry: LogEntry | undefined;
      try {
        entry = typeof args[0] === 'string' ? (JSON.parse(args[0]) as LogEntry) : undefined;
      } catch {
        entry = undefined;
      }
      if (!entry) return write(...args);
      recordLogEntry(entry);
      if (process.env.TEST_LOGS === '1') write(...args);
    };
  }
}

const nodeRequire = createRequire(__filename);
const loggerDir = path.dirname(nodeRequire.resolve('firebase-functions/logger')); // lib/logger
routeConsole(
  (nodeRequire(path.join(loggerDir, 'common.js')) as { UNPATCHED_CONSOLE: ConsoleMethods }).UNPATCHED_CONSOLE,
);
beforeAll(async () => {
  const esModule = (await import(pathToFileURL(path.join(loggerDir, '..', 'esm', 'logger', 'common.mjs')).href)) as {
    UNPATCHED_CONSOLE: ConsoleMethods;
  };
  routeConsole(esModule.UNPATCHED_CONSOLE);
});
