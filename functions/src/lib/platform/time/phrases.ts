// What everyday time phrases mean on a given local date: "tonight", "today", "tomorrow", "this
// weekend", "next weekend", "this week", "next week", "<weekday>" and "next <weekday>". The answer is
// a window of local times, written as a person (or a model) would pass them to find_events: a date
// alone is a whole local day. Pure: the date comes in as a parameter, never from a clock.
//
// The choices, where English is ambiguous:
//   tonight        17:00 today to 03:00 tomorrow (late events count as tonight)
//   this weekend   Saturday and Sunday: the coming ones from Monday to Friday, the current ones on a
//                  weekend day (on Sunday, only Sunday is left)
//   next weekend   the weekend after "this weekend"
//   this week      today to Sunday; next week: the Monday after today to the Sunday after it
//   Friday         the next Friday on or after today (today, on a Friday); also "this Friday", "on Friday"
//   next Friday    the next Friday strictly after today (so on a Friday, a week later)
import { addDays, clockText, daysUntilWeekday, isoDate, weekdayOf, type CalendarDate } from './calendar.js';

export interface PhraseWindow {
  /** The phrase as found, lower-case (e.g. "this weekend"). */
  phrase: string;
  /** Local "YYYY-MM-DD" (from the start of that day) or "YYYY-MM-DDTHH:MM". */
  from: string;
  /** Local "YYYY-MM-DD" (to the end of that day) or "YYYY-MM-DDTHH:MM". */
  until: string;
}

const SATURDAY = 6;
const SUNDAY = 0;
const MONDAY = 1;
const WEEKDAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const WEEKDAY = WEEKDAY_NAMES.join('|');

function days(phrase: string, first: CalendarDate, last: CalendarDate): PhraseWindow {
  return { phrase, from: isoDate(first), until: isoDate(last) };
}

/** Saturday and Sunday of the weekend "this weekend" means on `today`. */
function thisWeekend(today: CalendarDate): [CalendarDate, CalendarDate] {
  const weekday = weekdayOf(today);
  if (weekday === SUNDAY) return [today, today];
  const saturday = addDays(today, daysUntilWeekday(today, SATURDAY, false));
  return [weekday === SATURDAY ? today : saturday, addDays(saturday, 1)];
}

type Rule = [RegExp, (today: CalendarDate, match: RegExpExecArray) => PhraseWindow];

/** Tried in order: longer phrases before the shorter ones they contain. */
const RULES: readonly Rule[] = [
  [
    /\b(tonight|this evening)\b/,
    (today, m) => ({
      phrase: m[1],
      from: `${isoDate(today)}T${clockText(17, 0)}`,
      until: `${isoDate(addDays(today, 1))}T${clockText(3, 0)}`,
    }),
  ],
  [/\btomorrow\b/, (today) => days('tomorrow', addDays(today, 1), addDays(today, 1))],
  [/\btoday\b/, (today) => days('today', today, today)],
  [
    /\bnext weekend\b/,
    (today) => {
      const saturday = addDays(thisWeekend(today)[1], 6);
      return days('next weekend', saturday, addDays(saturday, 1));
    },
  ],
  [/\bweekend\b/, (today) => days('this weekend', ...thisWeekend(today))],
  [
    /\bnext week\b/,
    (today) => {
      const monday = addDays(today, daysUntilWeekday(today, MONDAY, true));
      return days('next week', monday, addDays(monday, 6));
    },
  ],
  [/\bthis week\b/, (today) => days('this week', today, addDays(today, daysUntilWeekday(today, SUNDAY, false)))],
  [
    new RegExp(`\\bnext (${WEEKDAY})\\b`),
    (today, m) => {
      const day = addDays(today, daysUntilWeekday(today, WEEKDAY_NAMES.indexOf(m[1]), true));
      return days(`next ${m[1]}`, day, day);
    },
  ],
  [
    new RegExp(`\\b(${WEEKDAY})s?\\b`),
    (today, m) => {
      const day = addDays(today, daysUntilWeekday(today, WEEKDAY_NAMES.indexOf(m[1]), false));
      return days(m[1], day, day);
    },
  ],
];

/** The window the first time phrase in `text` means on the local date `today`; undefined when there is none. */
export function resolveTimePhrase(text: string, today: CalendarDate): PhraseWindow | undefined {
  const lower = text.toLowerCase();
  for (const [pattern, resolve] of RULES) {
    const match = pattern.exec(lower);
    if (match) return resolve(today, match);
  }
  return undefined;
}
