// One instant as a person in a zone sees it: their date, weekday, time and UTC offset, and the texts
// the prompts and tool results show them ("Saturday 12 December 2026, 10:00").
import { clockText, longDate, type CalendarDate } from './calendar.js';
import { offsetAt, wallClockAt } from './zones.js';

export interface LocalMoment {
  /** The instant, in ms since the epoch. */
  ms: number;
  timeZone: string;
  date: CalendarDate;
  hour: number;
  minute: number;
  /** 0 (Sunday) to 6. */
  weekday: number;
  /** The zone's offset from UTC at this instant, in minutes. */
  offsetMinutes: number;
}

export function localMoment(ms: number, timeZone: string): LocalMoment {
  const wall = wallClockAt(ms, timeZone);
  return {
    ms,
    timeZone,
    date: { year: wall.year, month: wall.month, day: wall.day },
    hour: wall.hour,
    minute: wall.minute,
    weekday: wall.weekday,
    offsetMinutes: Math.round(offsetAt(ms, timeZone) / 60_000),
  };
}

/** "UTC-08:00", "UTC+05:45", "UTC+00:00". */
export function offsetText(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `UTC${sign}${clockText(Math.floor(abs / 60), abs % 60)}`;
}

/** "Saturday 12 December 2026, 10:00": the wall-clock time of `ms` in `timeZone`. */
export function localTimeText(ms: number, timeZone: string): string {
  const moment = localMoment(ms, timeZone);
  return `${longDate(moment.date)}, ${clockText(moment.hour, moment.minute)}`;
}
