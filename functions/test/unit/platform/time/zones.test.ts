// Zones read with the runtime's own data: validity, wall clocks across DST changes and the date line.
import { describe, expect, it } from 'vitest';
import {
  canonicalTimeZone,
  instantOf,
  isKnownTimeZone,
  localMoment,
  localTimeText,
  offsetText,
  wallClockAt,
  zoneOfPlace,
} from '../../../../src/lib/platform/time/index.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('isKnownTimeZone', () => {
  it('accepts names in the runtime list and UTC, in their exact spelling', () => {
    expect(isKnownTimeZone('America/Los_Angeles')).toBe(true);
    expect(isKnownTimeZone('Pacific/Kiritimati')).toBe(true);
    expect(isKnownTimeZone('UTC')).toBe(true);
  });

  it('accepts aliases the runtime resolves to a listed zone, under the listed name', () => {
    expect(canonicalTimeZone('Etc/UTC')).toBe('UTC');
    expect(canonicalTimeZone('US/Pacific')).toBe('America/Los_Angeles');
    expect(canonicalTimeZone('america/los_angeles')).toBe('America/Los_Angeles');
    expect(canonicalTimeZone('Europe/Lisbon')).toBe('Europe/Lisbon');
  });

  it('refuses anything else', () => {
    for (const zone of ['Mars/Olympus_Mons', '', ' UTC', 'Europe/London\n', '+05:00', 'Z', 42, null])
      expect(isKnownTimeZone(zone)).toBe(false);
    expect(isKnownTimeZone('A'.repeat(100))).toBe(false);
    expect(canonicalTimeZone('../../etc/passwd')).toBeUndefined();
  });
});

describe('instantOf (a wall-clock time in a zone)', () => {
  it('reads an ordinary time with the offset of that day', () => {
    expect(iso(instantOf({ year: 2026, month: 12, day: 12, hour: 10 }, 'America/Los_Angeles'))).toBe(
      '2026-12-12T18:00:00.000Z',
    );
    expect(iso(instantOf({ year: 2026, month: 7, day: 12, hour: 10 }, 'America/Los_Angeles'))).toBe(
      '2026-07-12T17:00:00.000Z',
    );
    expect(iso(instantOf({ year: 2026, month: 7, day: 12, hour: 10 }, 'Asia/Kathmandu'))).toBe(
      '2026-07-12T04:15:00.000Z',
    );
  });

  it('moves a time in the spring-forward gap forward by the gap (02:30 -> 03:30)', () => {
    const ms = instantOf({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, 'America/Los_Angeles');
    expect(iso(ms)).toBe('2026-03-08T10:30:00.000Z');
    expect(wallClockAt(ms, 'America/Los_Angeles')).toMatchObject({ hour: 3, minute: 30 });
  });

  it('reads a repeated fall-back time as its first occurrence, north and south', () => {
    // 01:30 on 1 Nov 2026 happens at -07:00 and again at -08:00 in Los Angeles.
    expect(iso(instantOf({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, 'America/Los_Angeles'))).toBe(
      '2026-11-01T08:30:00.000Z',
    );
    // 02:30 on 5 Apr 2026 happens at +11:00 and again at +10:00 in Sydney.
    expect(iso(instantOf({ year: 2026, month: 4, day: 5, hour: 2, minute: 30 }, 'Australia/Sydney'))).toBe(
      '2026-04-04T15:30:00.000Z',
    );
  });

  it('round-trips every hour of a DST-change day', () => {
    for (const zone of ['America/Los_Angeles', 'Europe/London', 'Australia/Sydney']) {
      for (let hour = 0; hour < 24; hour++) {
        for (const [month, day] of [
          [3, 8],
          [3, 29],
          [10, 4],
          [10, 25],
          [11, 1],
        ]) {
          const ms = instantOf({ year: 2026, month, day, hour, minute: 15 }, zone);
          const wall = wallClockAt(ms, zone);
          // Either the same reading, or (in a gap) one hour later.
          expect([hour, hour + 1]).toContain(wall.hour + (wall.day !== day ? 24 : 0));
        }
      }
    }
  });
});

describe('the date line', () => {
  it('one instant is two different local days on either side of it', () => {
    const ms = Date.parse('2026-12-12T12:00:00Z');
    expect(localMoment(ms, 'Pacific/Kiritimati')).toMatchObject({
      date: { year: 2026, month: 12, day: 13 },
      hour: 2,
      weekday: 0,
      offsetMinutes: 14 * 60,
    });
    expect(localMoment(ms, 'Pacific/Pago_Pago')).toMatchObject({
      date: { year: 2026, month: 12, day: 12 },
      hour: 1,
      weekday: 6,
      offsetMinutes: -11 * 60,
    });
  });

  it('Samoa skipped 30 December 2011: a second after the 29th ends it is the 31st', () => {
    const lastOf29th = instantOf({ year: 2011, month: 12, day: 29, hour: 23, minute: 59, second: 59 }, 'Pacific/Apia');
    expect(wallClockAt(lastOf29th + 1000, 'Pacific/Apia')).toMatchObject({ year: 2011, month: 12, day: 31, hour: 0 });
  });
});

describe('texts', () => {
  it('writes offsets and local times in a fixed English form', () => {
    expect(offsetText(-480)).toBe('UTC-08:00');
    expect(offsetText(345)).toBe('UTC+05:45');
    expect(offsetText(0)).toBe('UTC+00:00');
    expect(localTimeText(Date.parse('2026-12-12T18:00:00Z'), 'America/Los_Angeles')).toBe(
      'Saturday 12 December 2026, 10:00',
    );
    expect(localTimeText(Date.parse('2026-12-12T18:00:00Z'), 'Asia/Tokyo')).toBe('Sunday 13 December 2026, 03:00');
  });
});

describe('zoneOfPlace', () => {
  it('knows single-zone countries and US states', () => {
    expect(zoneOfPlace({ country: 'GB' })).toBe('Europe/London');
    expect(zoneOfPlace({ country: 'United Kingdom', region: 'England' })).toBe('Europe/London');
    expect(zoneOfPlace({ country: 'US', region: 'California' })).toBe('America/Los_Angeles');
    expect(zoneOfPlace({ country: 'usa', region: 'NY' })).toBe('America/New_York');
  });

  it('says nothing where the names do not settle the zone', () => {
    expect(zoneOfPlace({ country: 'US', region: 'Indiana' })).toBeUndefined();
    expect(zoneOfPlace({ country: 'US' })).toBeUndefined();
    expect(zoneOfPlace({ country: 'Spain' })).toBeUndefined();
    expect(zoneOfPlace({ region: 'California' })).toBeUndefined();
    expect(zoneOfPlace(undefined)).toBeUndefined();
    expect(zoneOfPlace({ country: 'constructor' })).toBeUndefined();
  });
});
