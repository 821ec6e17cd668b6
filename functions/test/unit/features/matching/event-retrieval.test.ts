// The events' crowds from the people pool, and the event window a request resolves to.
import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../../src/lib/features/matching/documents.js';
import { attendeesFromPool, MAX_ATTENDEES_PER_EVENT } from '../../../../src/lib/features/matching/event-retrieval.js';
import { resolveEventWindow } from '../../../../src/lib/features/matching/service.js';

function event(id: string, attendeeIds: string[]): EventRecord {
  return { id, title: id, startsAt: new Date(0), attendeeCount: attendeeIds.length, attendeeIds, viewerAttends: false };
}

describe('attendeesFromPool', () => {
  it("takes each event's crowd from the pool, without the viewer, up to MAX_ATTENDEES_PER_EVENT, leaving out people not in it", () => {
    const crowd = Array.from({ length: 30 }, (_, i) => `p${i}`);
    const pool = new Map(crowd.map((id) => [id, { id, interests: ['jazz'] }]));
    pool.delete('p3'); // not suggestable: not in the pool
    const byEvent = attendeesFromPool(
      [event('a', ['me', 'p1', 'p3', 'p2']), event('big', crowd), event('empty', ['p3'])],
      'me',
      pool,
    );
    expect(byEvent.get('a')?.map((p) => p.id)).toEqual(['p1', 'p2']);
    expect(byEvent.get('big')).toHaveLength(MAX_ATTENDEES_PER_EVENT - 1);
    expect(byEvent.has('empty')).toBe(false);
  });
});

describe('resolveEventWindow', () => {
  const now = new Date('2030-01-01T00:00:00Z');

  it('defaults to now .. now + window days', () => {
    expect(resolveEventWindow({}, 30, now.getTime())).toEqual({ from: now, until: new Date('2030-01-31T00:00:00Z') });
  });

  it('never starts in the past (only upcoming events), keeps a later from and an explicit until', () => {
    expect(
      resolveEventWindow({ from: '2029-06-01T00:00:00Z', until: '2030-02-01T00:00:00Z' }, 30, now.getTime()),
    ).toEqual({
      from: now,
      until: new Date('2030-02-01T00:00:00Z'),
    });
    expect(resolveEventWindow({ from: '2030-03-01T00:00:00Z' }, 10, now.getTime())).toEqual({
      from: new Date('2030-03-01T00:00:00Z'),
      until: new Date('2030-03-11T00:00:00Z'),
    });
  });
});
