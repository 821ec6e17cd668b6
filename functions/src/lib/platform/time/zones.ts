// IANA time zones with the runtime's own zone data (Intl, ICU): which names are valid, what a zone's
// wall clock reads at an instant, and which instant a wall-clock time in a zone is. No zone data of
// our own, so a zone is exactly as current as the Node runtime's ICU.
//
// Wall-clock times that do not exist or exist twice (DST changes) resolve as most calendars do:
// a time in a spring-forward gap moves forward by the gap (02:30 on a 02:00 -> 03:00 night is 03:30),
// and a time that repeats in the fall-back hour is its first occurrence.

export const UTC_ZONE = 'UTC';

let knownZones: ReadonlySet<string> | undefined;

/** The runtime's list of zone names (Intl.supportedValuesOf), plus UTC, which the list leaves out. */
function zoneList(): ReadonlySet<string> {
  knownZones ??= new Set([UTC_ZONE, ...Intl.supportedValuesOf('timeZone')]);
  return knownZones;
}

/** Zone names are letters, digits and _ + - /; anything else is refused before Intl sees it. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

/**
 * The runtime's own name for `zone` when it is in the runtime's list, else undefined. Aliases the
 * runtime resolves to a listed zone are accepted under that name: devices send "Etc/UTC" or
 * "US/Pacific" as often as "UTC" or "America/Los_Angeles".
 */
export function canonicalTimeZone(zone: unknown): string | undefined {
  if (typeof zone !== 'string' || !ZONE_NAME.test(zone)) return undefined;
  if (zoneList().has(zone)) return zone;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    return zoneList().has(resolved) ? resolved : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `zone` names a zone in the runtime's list (itself or as an alias: see canonicalTimeZone). */
export function isKnownTimeZone(zone: unknown): zone is string {
  return canonicalTimeZone(zone) !== undefined;
}

/** A wall-clock reading: month 1-12, weekday 0 (Sunday) to 6. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** What a clock in `zone` reads at the instant `ms` (whole seconds). */
export function wallClockAt(ms: number, zone: string): WallClock {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const { year, month, day, minute, second } = fields;
  const hour = fields.hour === 24 ? 0 : fields.hour;
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return { year, month, day, hour, minute, second, weekday };
}

/** The zone's offset from UTC at the instant `ms`, in milliseconds (e.g. -8 h for Los Angeles in winter). */
export function offsetAt(ms: number, zone: string): number {
  const wall = wallClockAt(ms, zone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
}

const HALF_DAY_MS = 12 * 3_600_000;

/**
 * The instant at which a clock in `zone` reads `wall`. Offsets are sampled half a day either side:
 * zones never change their offset twice within a day, so the two candidates cover every case.
 */
export function instantOf(wall: WallTime, zone: string): number {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour ?? 0, wall.minute ?? 0, wall.second ?? 0);
  const before = offsetAt(asUtc - HALF_DAY_MS, zone);
  const after = offsetAt(asUtc + HALF_DAY_MS, zone);
  const candidates = [asUtc - before, asUtc - after].filter((ms) => offsetAt(ms, zone) === asUtc - ms);
  // Two readings of the same wall time (the repeated hour): the first. None (the skipped hour): the
  // time read with the offset before the change, which lands after it, shifted forward by the gap.
  return candidates.length > 0 ? Math.min(...candidates) : asUtc - before;
}
