// The bounded read of user-written documents: what survives of a profile or an event, at what size.
import { Timestamp } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import { coarsePosition } from '../../../../src/lib/features/matching/scoring/index.js';
import {
  attendanceOf,
  boundedPlace,
  eventRecord,
  READ_LIMITS,
  userRecord,
} from '../../../../src/lib/features/matching/documents.js';

const LONE_HIGH = '\ud83d';
const LONE_LOW = '\ude00';

function isWellFormed(text: string): boolean {
  return !/\p{Cs}/u.test(text);
}

describe('userRecord', () => {
  it('keeps only the matching fields: no bio, nothing unknown', () => {
    const record = userRecord('u1', {
      displayName: ' Maya ',
      interests: ['hiking'],
      purposes: ['friendship'],
      location: { city: 'Oakland', lat: 37.8, lng: -122.27 },
      bio: 'secret',
      phone: '+1 555',
    });
    expect(record).toEqual({
      id: 'u1',
      displayName: 'Maya',
      interests: ['hiking'],
      purposes: ['friendship'],
      location: { city: 'Oakland', ...coarsePosition(37.8, -122.27) },
      discoverable: true,
      suggestable: true,
    });
    expect(userRecord('u2', { discoverable: false }).discoverable).toBe(false);
  });

  it('is suggestable only when discoverable and not suspended or deleted (accountState is server-owned)', () => {
    expect(userRecord('u', {}).suggestable).toBe(true);
    expect(userRecord('u', { accountState: 'active' }).suggestable).toBe(true);
    expect(userRecord('u', { accountState: 'suspended' }).suggestable).toBe(false);
    expect(userRecord('u', { accountState: 'deleted' }).suggestable).toBe(false);
    expect(userRecord('u', { discoverable: false }).suggestable).toBe(false);
    // Only the exact state names hide: anything else is treated as active, never as an error.
    expect(userRecord('u', { accountState: 'Suspended ' }).suggestable).toBe(true);
  });

  it('cuts the display name and every tag, and caps the list length', () => {
    const record = userRecord('u1', {
      displayName: 'N'.repeat(100_000),
      interests: Array.from({ length: 10_000 }, (_, i) => `${i} ${'x'.repeat(100_000)}`),
      purposes: ['p'.repeat(5_000)],
    });
    expect(record.displayName).toHaveLength(READ_LIMITS.displayName);
    expect(record.interests).toHaveLength(READ_LIMITS.tagsPerList);
    for (const tag of record.interests ?? []) expect(tag.length).toBeLessThanOrEqual(READ_LIMITS.tagLength);
    expect(record.purposes).toEqual(['p'.repeat(READ_LIMITS.tagLength)]);
  });

  it('drops non-string and blank tags and looks at a bounded number of entries', () => {
    const junk = [...Array.from({ length: READ_LIMITS.tagsScanned }, () => 7), 'hiking'];
    expect(userRecord('u1', { interests: [null, 3, '  ', { a: 1 }, ' chess ', ['x']] }).interests).toEqual(['chess']);
    expect(userRecord('u1', { interests: junk }).interests).toEqual([]);
    expect(userRecord('u1', { interests: 'hiking' }).interests).toBeUndefined();
  });

  it('makes ill-formed text well-formed (lone surrogates become U+FFFD) and never cuts a pair in half', () => {
    const record = userRecord('u1', {
      displayName: `Ma${LONE_HIGH}ya${LONE_LOW}`,
      interests: [`hik${LONE_LOW}ing`, `${'a'.repeat(READ_LIMITS.tagLength - 1)}😀`],
      location: { city: `Oak${LONE_HIGH}land` },
    });
    expect(record.displayName).toBe('Ma\ufffdya\ufffd');
    expect(record.interests).toEqual(['hik\ufffding', 'a'.repeat(READ_LIMITS.tagLength - 1)]);
    expect(record.location?.city).toBe('Oak\ufffdland');
    for (const text of [record.displayName ?? '', ...(record.interests ?? []), record.location?.city ?? '']) {
      expect(isWellFormed(text)).toBe(true);
    }
  });

  it('reads a missing or non-string display name as null', () => {
    expect(userRecord('u1', {}).displayName).toBeNull();
    expect(userRecord('u1', { displayName: { first: 'A' } }).displayName).toBeNull();
    expect(userRecord('u1', { displayName: '   ' }).displayName).toBeNull();
  });
});

describe('boundedPlace', () => {
  it('keeps only city, region and country strings and an in-range lat/lng pair', () => {
    expect(
      boundedPlace({
        city: 'Oakland',
        region: 'California',
        country: 'US',
        lat: 37.8,
        lng: -122.27,
        street: '1 Main St',
        nested: { deep: 'x'.repeat(100_000) },
        geohash: '9q9p',
      }),
    ).toEqual({ city: 'Oakland', region: 'California', country: 'US', ...coarsePosition(37.8, -122.27) });
  });

  it('keeps no exact position: two points in one ~1 km cell read the same', () => {
    const a = boundedPlace({ lat: 37.80001, lng: -122.27001 });
    const b = boundedPlace({ lat: 37.80002, lng: -122.27002 });
    expect(a).toEqual(b);
    expect(a?.lat).not.toBe(37.80001);
  });

  it('drops coordinates that are not finite numbers in range (or the unset (0, 0)), as a pair', () => {
    expect(boundedPlace({ city: 'X', lat: 91, lng: 0 })).toEqual({ city: 'X' });
    expect(boundedPlace({ city: 'X', lat: 10, lng: -180.5 })).toEqual({ city: 'X' });
    expect(boundedPlace({ city: 'X', lat: Number.NaN, lng: 1 })).toEqual({ city: 'X' });
    expect(boundedPlace({ city: 'X', lat: '37.8', lng: '-122' })).toEqual({ city: 'X' });
    expect(boundedPlace({ city: 'X', lat: 37.8 })).toEqual({ city: 'X' });
    expect(boundedPlace({ city: 'X', lat: 0, lng: 0 })).toEqual({ city: 'X' });
    expect(boundedPlace({ lat: -90, lng: 180 })).toEqual(coarsePosition(-90, 180));
  });

  it('drops over-long and non-string place names instead of cutting them', () => {
    expect(boundedPlace({ city: 'c'.repeat(READ_LIMITS.placeName + 1), region: 42, country: 'US' })).toEqual({
      country: 'US',
    });
    expect(boundedPlace({ city: 'c'.repeat(READ_LIMITS.placeName) })?.city).toHaveLength(READ_LIMITS.placeName);
  });

  it('is undefined for anything but a map with a usable field', () => {
    for (const value of [undefined, null, 'Oakland', 42, ['Oakland'], {}, { city: '' }, { venue: 'x' }]) {
      expect(boundedPlace(value)).toBeUndefined();
    }
  });
});

describe('eventRecord', () => {
  const startsAt = Timestamp.fromDate(new Date('2030-01-01T10:00:00Z'));

  it('reads the public fields, bounded, and never attendee ids from the event itself', () => {
    const record = eventRecord('e1', {
      title: `T${'i'.repeat(10_000)}${LONE_HIGH}`,
      tags: ['hiking', `${'y'.repeat(1_000)}`],
      location: { city: 'Oakland', venue: 'Lake', lat: 37.8, lng: -122.27 },
      startsAt,
      attendeeCount: 3,
      attendeeIds: ['a', 'b', 'c'],
    });
    expect(record).toEqual({
      id: 'e1',
      title: `T${'i'.repeat(READ_LIMITS.title - 1)}`,
      tags: ['hiking', 'y'.repeat(READ_LIMITS.tagLength)],
      location: { city: 'Oakland', ...coarsePosition(37.8, -122.27) },
      startsAt: new Date('2030-01-01T10:00:00Z'),
      attendeeCount: 3,
      attendeeIds: [],
      viewerAttends: false,
    });
  });

  it('reads a missing or unusable attendeeCount as 0 and drops events without a start time', () => {
    for (const attendeeCount of [undefined, -2, Number.POSITIVE_INFINITY, '5', null]) {
      expect(eventRecord('e1', { startsAt, attendeeCount })?.attendeeCount).toBe(0);
    }
    expect(eventRecord('e1', { startsAt, attendeeCount: 2.7 })?.attendeeCount).toBe(2);
    expect(eventRecord('e1', { title: 'x', startsAt: '2030-01-01' })).toBeUndefined();
  });
});

describe('attendanceOf', () => {
  it('samples distinct ids usable as document ids and drops the rest', () => {
    const data = {
      attendeeIds: ['a', 'b', 'a', '', 7, null, 'x/y', '.', '..', '__id__', 'u'.repeat(129), `z${LONE_HIGH}`, 'c'],
    };
    expect(attendanceOf(data, 'me', 20)).toEqual({ viewerAttends: false, sample: ['a', 'b', 'c'] });
  });

  it('finds the caller anywhere in a large crowd while keeping only the sample', () => {
    const crowd = Array.from({ length: 5_000 }, (_, i) => `p${i}`);
    crowd.splice(4_321, 0, 'me');
    const attendance = attendanceOf({ attendeeIds: crowd }, 'me', 20);
    expect(attendance.viewerAttends).toBe(true);
    expect(attendance.sample).toEqual(crowd.slice(0, 20));
  });

  it('never samples the caller', () => {
    expect(attendanceOf({ attendeeIds: ['me', 'a'] }, 'me', 1)).toEqual({ viewerAttends: true, sample: ['a'] });
  });

  it('is empty for a missing document or field', () => {
    expect(attendanceOf(undefined, 'me', 20)).toEqual({ viewerAttends: false, sample: [] });
    expect(attendanceOf({ attendeeIds: 'a,b' }, 'me', 20)).toEqual({ viewerAttends: false, sample: [] });
  });
});
