// When and where a chat turn happens, as the model is told it: the caller's zone (the request's
// `timeZone`, else the profile's, else UTC, said as such), the local date, weekday and time, the next
// days by name, and how to pass days and times to the tools. Plain text in the system instruction,
// so every model backend gets the same context. The stamp a message is stored with (`SentStamp`)
// lets a later turn read "this Saturday" in an old message from the day it was written.
import {
  addDays,
  canonicalTimeZone,
  isKnownTimeZone,
  isoDate,
  localMoment,
  longDate,
  offsetText,
  parseIsoDate,
  shortDate,
  UTC_ZONE,
  WEEKDAYS,
  type LocalMoment,
} from '../../platform/time/index.js';

import type { ChatTimeZoneSource as TimeZoneSource } from './api-types.js';

export interface TurnTime {
  moment: LocalMoment;
  source: TimeZoneSource;
}

/** The local date and time a message was sent, and the zone they are in. */
export interface SentStamp {
  /** YYYY-MM-DD */
  date: string;
  /** HH:MM */
  time: string;
  timeZone: string;
}

/** The request's zone (already checked by the schema), else a valid profile zone, else UTC. */
export function turnTime(nowMs: number, requested: string | undefined, profileZone: unknown): TurnTime {
  const fromRequest = canonicalTimeZone(requested);
  if (fromRequest !== undefined) return { moment: localMoment(nowMs, fromRequest), source: 'request' };
  const fromProfile = canonicalTimeZone(profileZone);
  if (fromProfile !== undefined) return { moment: localMoment(nowMs, fromProfile), source: 'profile' };
  return { moment: localMoment(nowMs, UTC_ZONE), source: 'default' };
}

function clock(moment: Pick<LocalMoment, 'hour' | 'minute'>): string {
  return `${String(moment.hour).padStart(2, '0')}:${String(moment.minute).padStart(2, '0')}`;
}

export function sentStamp(time: TurnTime): SentStamp {
  const { moment } = time;
  return { date: isoDate(moment.date), time: clock(moment), timeZone: moment.timeZone };
}

/** The stamp with its minutes dropped (HH:00): what the reply cache keys on. */
export function sentToTheHour(stamp: SentStamp): SentStamp {
  return { ...stamp, time: `${stamp.time.slice(0, 2)}:00` };
}

/** A stored stamp, checked (Firestore data is read defensively). */
export function readSentStamp(value: unknown): SentStamp | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { date, time, timeZone } = value as Record<string, unknown>;
  if (typeof date !== 'string' || parseIsoDate(date) === undefined) return undefined;
  if (typeof time !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) return undefined;
  if (!isKnownTimeZone(timeZone)) return undefined;
  return { date, time, timeZone };
}

/** "(Sent Monday 7 December 2026, 09:15, America/Los_Angeles.)": how a replayed user message starts. */
export function sentPrefix(stamp: SentStamp): string {
  const date = parseIsoDate(stamp.date);
  return date ? `(Sent ${longDate(date)}, ${stamp.time}, ${stamp.timeZone}.)` : '';
}

const SOURCE_TEXT: Record<TimeZoneSource, string> = {
  request: 'the time zone of the user’s device',
  profile: 'the time zone in the user’s profile',
  default: 'UTC, because the user’s time zone is not known',
};

/** The line the offline model (functions/dev) reads the date and zone from; keep its shape. */
export function currentTimeLine(moment: LocalMoment): string {
  return (
    `Current local time: ${isoDate(moment.date)} ${clock(moment)} (${WEEKDAYS[moment.weekday]}), ` +
    `time zone ${moment.timeZone} (${offsetText(moment.offsetMinutes)}).`
  );
}

/** The paragraph of the system instruction about now; tool guidance only when tools are declared. */
export function timeInstruction(time: TurnTime, include: { tools: boolean; history: boolean }): string {
  const { moment } = time;
  const nextDays = Array.from({ length: 7 }, (_, i) => shortDate(addDays(moment.date, i + 1))).join(', ');
  const lines = [
    currentTimeLine(moment),
    `Today is ${longDate(moment.date)}, in ${SOURCE_TEXT[time.source]}. The next days: ${nextDays}.`,
  ];
  if (time.source === 'default') lines.push('When you mention a time, say that it is UTC.');
  if (include.history) {
    lines.push(
      'Earlier user messages start with the local date and time they were sent: read words such as ' +
        '"today" or "this Saturday" in them from that date.',
    );
  }
  if (include.tools) {
    lines.push(
      'When the user names a day or a period (today, tonight, tomorrow, this weekend, next Friday), pass ' +
        'find_events from and until in the user’s time zone: a date (YYYY-MM-DD) means that whole local day, ' +
        'a local time is YYYY-MM-DDTHH:MM. Event results give startsAt in UTC and localStart in the user’s ' +
        'time zone: write times as localStart gives them.',
    );
  }
  return lines.join('\n');
}
