/**
 * The request log as data, for tests that assert on it. test/setup/quiet-logs.ts routes every entry
 * the code writes (through firebase-functions' logger) here instead of stdout; entries go to every
 * open capture and are otherwise dropped.
 *
 *   const logs = captureLogs();
 *   ... call an in-process handler ...
 *   logs.find('matching')?.documentsRead
 *   logs.stop();
 *
 * In-process code only: the Functions emulator's functions log in their own process.
 */
import type { LogEntry } from 'firebase-functions/logger';

export interface CapturedLogs {
  readonly entries: LogEntry[];
  /** The last entry with this message. */
  find(message: string): LogEntry | undefined;
  stop(): void;
}

// On globalThis, not in this module: vi.resetModules() gives a test fresh module instances, and the
// logger mock must still reach the captures the test opened before.
const CAPTURES = Symbol.for('social-ai-backend.test-log-captures');
function openCaptures(): Set<LogEntry[]> {
  const holder = globalThis as { [CAPTURES]?: Set<LogEntry[]> };
  holder[CAPTURES] ??= new Set();
  return holder[CAPTURES];
}

/** Called by the logger mock for every entry. */
export function recordLogEntry(entry: LogEntry): void {
  for (const entries of openCaptures()) entries.push(entry);
}

export function captureLogs(): CapturedLogs {
  const entries: LogEntry[] = [];
  openCaptures().add(entries);
  return {
    entries,
    find: (message) => entries.findLast((entry) => entry.message === message),
    stop: () => openCaptures().delete(entries),
  };
}
