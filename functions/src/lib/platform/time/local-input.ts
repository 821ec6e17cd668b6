// Times as a person writes them, read in their zone: "2026-12-12" is that whole local day,
// "2026-12-12T18:00" a local wall-clock time, and a time with "Z" or an offset an exact instant.
import { addDays, parseIsoDate } from './calendar.js';
import { instantOf } from './zones.js';

const LOCAL_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?$/;
const EXACT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** Whether `text` is one of the three accepted forms (with a real date and time). */
export function isLocalTimeInput(text: string): boolean {
  return parseLocalTimeInput(text, 'start', 'UTC') !== undefined;
}

/**
 * The instant `text` means in `timeZone`. A date alone is the start of that local day for a window's
 * `start`, and its last millisecond for its `end` (so "until 2026-12-13" includes all of Sunday).
 * Undefined when `text` is none of the accepted forms.
 */
export function parseLocalTimeInput(text: string, edge: 'start' | 'end', timeZone: string): number | undefined {
  const date = parseIsoDate(text);
  if (date !== undefined) {
    return edge === 'start' ? instantOf(date, timeZone) : instantOf(addDays(date, 1), timeZone) - 1;
  }
  const local = LOCAL_TIME.exec(text);
  if (local) {
    const day = parseIsoDate(local[1]);
    const [hour, minute, second] = [Number(local[2]), Number(local[3]), Number(local[4] ?? 0)];
    if (day === undefined || hour > 23 || minute > 59 || second > 59) return undefined;
    return instantOf({ ...day, hour, minute, second }, timeZone);
  }
  if (EXACT_TIME.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}
