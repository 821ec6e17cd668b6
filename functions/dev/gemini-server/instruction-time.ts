// What the offline model reads of "now" from the instruction it receives, as a model that can read
// the date would: the line chat writes (src/lib/features/chat/time-context.ts, currentTimeLine),
//   Current local time: 2026-12-07 09:15 (Monday), time zone America/Los_Angeles (UTC-08:00).
// and whether it was told the zone is unknown (UTC). Nothing is taken from this machine's clock.
import { isKnownTimeZone, parseIsoDate, type CalendarDate } from '../../src/lib/platform/time/index.js';

export interface InstructionTime {
  date: CalendarDate;
  /** HH:MM */
  time: string;
  timeZone: string;
  /** The instruction said the zone is not known and times are UTC. */
  utcFallback: boolean;
}

/** Anchored at a line start: profile JSON sits on one line, so no profile text can pose as this line. */
const CURRENT_TIME = /^Current local time: (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}) \([A-Za-z]+\), time zone (\S+?) \(/m;

/** "Now" as the instruction (Gemini's systemInstruction, or the system message) states it. */
export function instructionTime(text: string): InstructionTime | undefined {
  const match = CURRENT_TIME.exec(text);
  const date = match ? parseIsoDate(match[1]) : undefined;
  if (!match || date === undefined || !isKnownTimeZone(match[3])) return undefined;
  return { date, time: match[2], timeZone: match[3], utcFallback: /say that it is UTC/.test(text) };
}
