// Calendar dates without a zone ("2026-12-12"), the arithmetic the time phrases need, and the English
// names the prompts and cards use. Fixed English on purpose: these texts go to the model and into
// tool results, and must not change with the server's locale.

/** A day on the calendar: month 1-12. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

const DAY_MS = 86_400_000;

function epochDay(date: CalendarDate): number {
  return Date.UTC(date.year, date.month - 1, date.day) / DAY_MS;
}

function fromEpochDay(days: number): CalendarDate {
  const d = new Date(days * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromEpochDay(epochDay(date) + days);
}

/** 0 (Sunday) to 6 (Saturday). */
export function weekdayOf(date: CalendarDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

/** Days from `date` to the next `weekday` on or after it (0-6), or strictly after it (1-7). */
export function daysUntilWeekday(date: CalendarDate, weekday: number, strictlyAfter: boolean): number {
  const ahead = (weekday - weekdayOf(date) + 7) % 7;
  return strictlyAfter && ahead === 0 ? 7 : ahead;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** "2026-12-12". */
export function isoDate(date: CalendarDate): string {
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
}

/** "09:05". */
export function clockText(hour: number, minute: number): string {
  return `${pad(hour)}:${pad(minute)}`;
}

/** "Saturday 12 December 2026". */
export function longDate(date: CalendarDate): string {
  return `${WEEKDAYS[weekdayOf(date)]} ${date.day} ${MONTHS[date.month - 1]} ${date.year}`;
}

/** "Sat 2026-12-12". */
export function shortDate(date: CalendarDate): string {
  return `${WEEKDAYS[weekdayOf(date)].slice(0, 3)} ${isoDate(date)}`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date from "YYYY-MM-DD", or undefined (2026-02-30 is not one). */
export function parseIsoDate(text: string): CalendarDate | undefined {
  const match = ISO_DATE.exec(text);
  if (!match) return undefined;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  const check = addDays(date, 0);
  return check.year === date.year && check.month === date.month && check.day === date.day ? date : undefined;
}
