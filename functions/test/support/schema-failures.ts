// Helpers for request-schema tests: a fixed "now" (dates are checked against it) and the fields a
// value fails on.
import { afterEach, beforeEach, vi } from 'vitest';
import type { core } from 'zod/mini';
import { check } from '../../src/lib/platform/validation.js';

export const NOW = new Date('2030-01-01T00:00:00Z');
const DAY_MS = 86_400_000;

/** NOW plus `days`, as an ISO string. */
export const at = (days: number): string => new Date(NOW.getTime() + days * DAY_MS).toISOString();

/** The dotted paths of the issues, or [] when the value is valid. */
export function failures(schema: core.$ZodType, value: unknown): string[] {
  const result = check(schema, value);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
}

/** Date.now() is NOW in every test of the calling file. */
export function fixNowForEachTest(): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}
