import { Timestamp } from 'firebase-admin/firestore';
import type { Firestore } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import {
  eventFromPoolEntry,
  eventPoolDayOf,
  eventPoolEntryOf,
  eventPoolExpiry,
  eventsFromPoolDay,
} from '../../../../../src/lib/features/matching/derived/event-pool.js';
import {
  syncAfterAttendanceWrite,
  syncAfterEventWrite,
} from '../../../../../src/lib/features/matching/derived/event-sync.js';
import { attendanceOf, eventRecord } from '../../../../../src/lib/features/matching/documents.js';
import { rankEventMatches } from '../../../../../src/lib/features/matching/scoring/index.js';

const EVENT = {
  title: 'Sunrise hike',
  tags: ['Hiking', ' outdoors ', 42, 'Photography'],
  location: { venue: 'Trailhead', city: 'Mill Valley', region: 'CA', country: 'USA', lat: 37.9063, lng: -122.5449 },
  startsAt: Timestamp.fromDate(new Date('2026-12-05T15:30:00Z')),
  attendeeCount: 3,
  description: 'never pooled',
};
const ATTENDANCE = { attendeeIds: Array.from({ length: 25 }, (_, i) => `user-${i}`) };

describe('event pool entries', () => {
  it('hold exactly what ranking reads of the documents: bounded tags, the place cell, the first 20 attendees', () => {
    const entry = eventPoolEntryOf(EVENT, ATTENDANCE)!;
    const fromDocs = eventRecord('e1', EVENT)!;
    const pooled = eventFromPoolEntry('e1', JSON.parse(JSON.stringify(entry)))!;
    expect(pooled.tags).toEqual(fromDocs.tags);
    expect(pooled.location).toEqual(fromDocs.location);
    expect(pooled.location?.lat).not.toBe(37.9063);
    expect(pooled.startsAt).toEqual(fromDocs.startsAt);
    expect(pooled.attendeeIds).toEqual(attendanceOf(ATTENDANCE, 'nobody', 20).sample);
    expect(entry.crowd).toHaveLength(20);
    const stored = JSON.stringify(entry);
    for (const secret of ['Sunrise hike', 'never pooled', 'Trailhead', 'user-20']) expect(stored).not.toContain(secret);
  });

  it('rank an event exactly as its documents do', () => {
    const viewer = {
      id: 'v',
      interests: ['hiking', 'photography'],
      location: { city: 'Mill Valley', lat: 37.9, lng: -122.5 },
    };
    const crowd = [{ id: 'user-1', interests: ['outdoors'] }];
    const fromDocs = rankEventMatches(viewer, [eventRecord('e1', EVENT)!], { attendeesByEvent: { e1: crowd } });
    const pooled = eventFromPoolEntry('e1', eventPoolEntryOf(EVENT, ATTENDANCE))!;
    expect(rankEventMatches(viewer, [pooled], { attendeesByEvent: { e1: crowd } })).toEqual(fromDocs);
  });

  it('always carry every place key, so a merge write cannot leave an old position behind', () => {
    const entry = eventPoolEntryOf({ startsAt: EVENT.startsAt, location: { city: 'Oslo' } }, undefined)!;
    expect(entry).toMatchObject({
      city: 'Oslo',
      region: null,
      country: null,
      lat: null,
      lng: null,
      tags: [],
      crowd: [],
    });
  });

  it('do not exist for an event without a usable start, and malformed entries are dropped or emptied', () => {
    expect(eventPoolEntryOf({ title: 'No date' }, ATTENDANCE)).toBeUndefined();
    expect(eventPoolEntryOf(undefined, ATTENDANCE)).toBeUndefined();
    expect(eventFromPoolEntry('x', { t: 'soon' })).toBeUndefined();
    const junk = eventFromPoolEntry('x', { t: 0, tags: 'hiking', lat: 999, lng: 5, crowd: ['a/b', 7, 'ok'] })!;
    expect(junk).toMatchObject({ tags: [], location: undefined, attendeeIds: ['ok'] });
    expect(eventsFromPoolDay({ entries: { a: { t: 1 }, b: null } }).map((event) => event.id)).toEqual(['a']);
    expect(eventsFromPoolDay(undefined)).toEqual([]);
  });

  it('live in the document of their UTC start day, which may expire the day after', () => {
    expect(eventPoolDayOf(new Date('2026-12-05T23:59:59Z'))).toBe('2026-12-05');
    expect(eventPoolDayOf(new Date('2026-12-06T00:00:00Z'))).toBe('2026-12-06');
    expect(eventPoolExpiry('2026-12-05').toDate().toISOString()).toBe('2026-12-07T00:00:00.000Z');
  });
});

describe('event pool triggers skip writes that change nothing pooled, before any read', () => {
  // Any use of it (a collection, a transaction) throws.
  const noDb = new Proxy(
    {},
    {
      get: () => {
        throw new Error('touched Firestore');
      },
    },
  ) as Firestore;

  it('an event edit of its title or head count only', async () => {
    await expect(
      syncAfterEventWrite(noDb, 'e1', EVENT, { ...EVENT, title: 'New title', attendeeCount: 9 }),
    ).resolves.toBe('unchanged');
    await expect(syncAfterEventWrite(noDb, 'e1', EVENT, { ...EVENT, tags: ['Cycling'] })).rejects.toThrow(/Firestore/);
    await expect(syncAfterEventWrite(noDb, 'e1', undefined, EVENT)).rejects.toThrow(/Firestore/);
    await expect(syncAfterEventWrite(noDb, 'e1', EVENT, undefined)).rejects.toThrow(/Firestore/);
  });

  it('an attendee joining beyond the first twenty', async () => {
    const joined = { attendeeIds: [...ATTENDANCE.attendeeIds, 'user-99'] };
    await expect(syncAfterAttendanceWrite(noDb, 'e1', ATTENDANCE, joined)).resolves.toBe('unchanged');
    const early = { attendeeIds: ['user-99', ...ATTENDANCE.attendeeIds] };
    await expect(syncAfterAttendanceWrite(noDb, 'e1', ATTENDANCE, early)).rejects.toThrow(/Firestore/);
  });
});
