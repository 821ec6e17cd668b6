/**
 * The request log as data, for tests that assert on it (in-process handlers only: the Functions
 * emulator's log stays in its own process).
 *
 *   const logs = captureLogs();
 *   ... call a handler ...
 *   logs.find('matching')?.documentsRead
 *   logs.stop();
 */
import type { LogEntry } from 'firebase-functions/logger';
import { setLogWriter } from '../../src/lib/platform/logging.js';

export interface CapturedLogs {
  readonly entries: LogEntry[];
  /** The last entry with this message. */
  find(message: string): LogEntry | undefined;
  stop(): void;
}

export function captureLogs(): CapturedLogs {
  const entries: LogEntry[] = [];
  const restore = setLogWriter((entry) => {
    entries.push(entry);
  });
  return {
    entries,
    find: (message) => entries.findLast((entry) => entry.message === message),
    stop: restore,
  };
}
