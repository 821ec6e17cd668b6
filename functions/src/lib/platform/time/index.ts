// Time as people live it: zones, local calendars and the phrases they use (tonight, this weekend).
export {
  canonicalTimeZone,
  isKnownTimeZone,
  instantOf,
  offsetAt,
  wallClockAt,
  UTC_ZONE,
  type WallClock,
  type WallTime,
} from './zones.js';
export {
  addDays,
  daysUntilWeekday,
  isoDate,
  longDate,
  parseIsoDate,
  shortDate,
  weekdayOf,
  WEEKDAYS,
  type CalendarDate,
} from './calendar.js';
export { localMoment, localTimeText, offsetText, type LocalMoment } from './moment.js';
export { isLocalTimeInput, parseLocalTimeInput } from './local-input.js';
export { resolveTimePhrase, type PhraseWindow } from './phrases.js';
export { zoneOfPlace } from './place-zones.js';
