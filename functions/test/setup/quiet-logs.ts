/**
 * vitest setupFiles of the unit and integration projects: the structured log (one JSON line per
 * request, and more) goes to test/support/logs.ts captures instead of stdout, so a run prints its
 * results and failures, not thousands of log lines. TEST_LOGS=1 prints them as well.
 */
import type { LogEntry } from 'firebase-functions/logger';
import { vi } from 'vitest';

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
