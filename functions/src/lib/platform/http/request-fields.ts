// Fields that several request schemas share: ids of the caller's documents, and dates.
import * as z from 'zod/mini';
import { systemClock } from '../clock.js';

// A document id taken from a request (a conversation, an image): Firestore-safe by construction, so
// it can never name another path (no '/'), a dot segment or a reserved __x__ id, and stays short.
const ID = /^[A-Za-z0-9_-]{1,128}$/;
const RESERVED_ID = /^__.*__$/;

export const documentId = z.string().check(
  z.regex(ID, 'letters, digits, _ or -, at most 128'),
  z.refine((id) => !RESERVED_ID.test(id), 'ids of the form __x__ are reserved'),
);

// Dates in request bodies: ISO 8601 date-times with an offset, bounded to a sane range so that
// nothing computed from them (a default window end, a Firestore Timestamp) can overflow.
// Firestore Timestamps end at 9999-12-31 and begin at 0001-01-01; ISO strings reach both.
export const DAY_MS = 86_400_000;
/** Nothing this app schedules or queries lies before this. */
export const EARLIEST_REQUEST_DATE_MS = Date.UTC(2000, 0, 1);
/** How far ahead a request may point (events planned years ahead are fine; year 9999 is not). */
export const MAX_REQUEST_YEARS_AHEAD = 5;

export function latestRequestDateMs(nowMs: number): number {
  return nowMs + MAX_REQUEST_YEARS_AHEAD * 366 * DAY_MS;
}

/** Whether an instant (ms since the epoch) lies in [2000-01-01, now + MAX_REQUEST_YEARS_AHEAD years]. */
export function isWithinRequestDateRange(ms: number, nowMs: number): boolean {
  return Number.isFinite(ms) && ms >= EARLIEST_REQUEST_DATE_MS && ms <= latestRequestDateMs(nowMs);
}

/** An ISO 8601 date-time string (offset required, e.g. Z) within the request date range, checked at parse time. */
export const requestDateTime = z.iso
  .datetime({ offset: true })
  .check(
    z.refine(
      (value) => isWithinRequestDateRange(Date.parse(value), systemClock()),
      `must lie between 2000-01-01 and ${MAX_REQUEST_YEARS_AHEAD} years from now`,
    ),
  );
