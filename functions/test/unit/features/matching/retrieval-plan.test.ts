import { describe, expect, it } from 'vitest';
import { distanceBetween, geohashForLocation } from 'geofire-common';
import {
  MAX_DISJUNCTION_VALUES,
  planCandidateQueries,
  queryValues,
  CELL_WIDENING_KM,
  nearbyBounds,
  withinRadius,
} from '../../../../src/lib/features/matching/candidate-retrieval.js';
import type { EventRecord, UserRecord } from '../../../../src/lib/features/matching/documents.js';
import {
  attendeesFromPool,
  pickAttendeeIds,
  MAX_ATTENDEES_PER_EVENT,
} from '../../../../src/lib/features/matching/event-retrieval.js';
import { resolveEventWindow } from '../../../../src/lib/features/matching/service.js';
import { coarsePosition } from '../../../../src/lib/features/matching/scoring/index.js';

function viewer(fields: Partial<UserRecord>): UserRecord {
  return { id: 'me', displayName: null, discoverable: true, suggestable: true, ...fields };
}

const manyTags = (n: number) => Array.from({ length: n }, (_, i) => `Tag ${i}`);

describe('planCandidateQueries', () => {
  it.each([1, 7, 50, 300, 1001])('limits sum to at most the cap (%i)', (cap) => {
    const plans = planCandidateQueries(
      viewer({ interests: manyTags(50), purposes: ['friendship'], location: { city: 'Oakland' } }),
      cap,
    );
    const total = plans.reduce((sum, plan) => sum + plan.limit, 0);
    expect(total).toBeLessThanOrEqual(cap);
    expect(total).toBeGreaterThanOrEqual(cap - plans.length - 2);
    for (const plan of plans) expect(plan.limit).toBeGreaterThanOrEqual(1);
  });

  it('chunks interests into array-contains-any queries of at most 30 values, at most 60 in all', () => {
    const plans = planCandidateQueries(viewer({ interests: manyTags(50) }), 300);
    const interestQueries = plans.filter((plan) => plan.field === 'interests');
    expect(interestQueries).toHaveLength(2);
    for (const plan of interestQueries) {
      expect(plan.op).toBe('array-contains-any');
      expect((plan.value as string[]).length).toBeLessThanOrEqual(MAX_DISJUNCTION_VALUES);
    }
    // 50 as written + 50 lower-cased variants, capped at 60; the spellings as written come first.
    const values = interestQueries.flatMap((plan) => plan.value as string[]);
    expect(values).toHaveLength(60);
    expect(values.slice(0, 50)).toEqual(manyTags(50));
    // Alone, interests get the whole budget, split evenly across their chunks.
    expect(interestQueries.map((plan) => plan.limit)).toEqual([150, 150]);
  });

  it('splits the budget 2:1:1 between interests, purposes and the city, and gives an absent source its share back', () => {
    const all = planCandidateQueries(
      viewer({ interests: ['hiking'], purposes: ['friendship'], location: { city: 'Oakland' } }),
      300,
    );
    expect(all.map((plan) => [plan.field, plan.limit])).toEqual([
      ['interests', 150],
      ['purposes', 75],
      ['location.city', 75],
    ]);
    const both = planCandidateQueries(viewer({ interests: ['hiking'], purposes: ['friendship'] }), 300);
    expect(both.map((plan) => [plan.field, plan.limit])).toEqual([
      ['interests', 200],
      ['purposes', 100],
    ]);
    const onlyPurposes = planCandidateQueries(viewer({ purposes: ['Networking'] }), 300);
    expect(onlyPurposes).toEqual([
      {
        source: 'purposes',
        field: 'purposes',
        op: 'array-contains-any',
        value: ['Networking', 'networking'],
        limit: 300,
      },
    ]);
  });

  it("queries the caller's city as written and lower-cased with `in`, taking the whole budget when it is the only source", () => {
    expect(planCandidateQueries(viewer({ location: { city: ' San Francisco ' } }), 300)).toEqual([
      { source: 'city', field: 'location.city', op: 'in', value: ['San Francisco', 'san francisco'], limit: 300 },
    ]);
    const lower = planCandidateQueries(viewer({ interests: ['chess'], location: { city: 'oakland' } }), 90);
    expect(lower.map((plan) => [plan.field, plan.value, plan.limit])).toEqual([
      ['interests', ['chess'], 60],
      ['location.city', ['oakland'], 30],
    ]);
  });

  it("gives the city's share to the other sources when the same-city query is turned off (MATCH_SAME_CITY_QUERY=false)", () => {
    const off = planCandidateQueries(
      viewer({ interests: ['hiking'], purposes: ['friendship'], location: { city: 'Oakland' } }),
      300,
      { sameCity: false },
    );
    expect(off.map((plan) => [plan.field, plan.limit])).toEqual([
      ['interests', 200],
      ['purposes', 100],
    ]);
    expect(planCandidateQueries(viewer({ location: { city: 'Oakland' } }), 300, { sameCity: false })).toEqual([]);
  });

  it('plans nothing for a profile with no tags, no city and no position (no unbounded fallback scan)', () => {
    expect(planCandidateQueries(viewer({ interests: [], location: { region: 'California' } }), 300)).toEqual([]);
    expect(planCandidateQueries(viewer({ interests: [], location: { city: '   ' } }), 300)).toEqual([]);
  });
});

describe('geo retrieval (geofire-common: bounds in metres, distances in km)', () => {
  const oakland = coarsePosition(37.8044, -122.2712)!;
  const me = viewer({ interests: ['hiking'], location: { city: 'Oakland', ...oakland } });

  it("plans geohash range queries around the caller's cell point with a share of the budget", () => {
    const plans = planCandidateQueries(me, 300, { sameCity: true, radiusKm: 50 });
    const nearby = plans.filter((plan) => plan.source === 'nearby');
    expect(nearby.length).toBeGreaterThanOrEqual(1);
    expect(nearby.length).toBeLessThanOrEqual(9);
    for (const plan of nearby) {
      expect(plan.field).toBe('match.geohash');
      expect(plan.op).toBe('range');
    }
    // 2:1:1 between interests, city and nearby (no purposes): the geo share is split across its ranges.
    const geoBudget = nearby.reduce((sum, plan) => sum + plan.limit, 0);
    expect(geoBudget).toBeLessThanOrEqual(75);
    expect(geoBudget).toBeGreaterThan(75 - nearby.length);
    // No geo query without a position, or with the nested-field queries turned off.
    expect(planCandidateQueries(viewer({ interests: ['hiking'] }), 300).some((p) => p.source === 'nearby')).toBe(false);
    expect(planCandidateQueries(me, 300, { sameCity: false }).some((p) => p.source === 'nearby')).toBe(false);
  });

  it('takes the radius in km and hands geofire-common metres: a point 40 km away is inside the bounds, 400 km is not', () => {
    const bounds = nearbyBounds(me, 50);
    const inside = (lat: number, lng: number) => {
      const hash = geohashForLocation([lat, lng], 9);
      return bounds.some(([start, end]) => hash >= start && hash <= end);
    };
    // ~40 km south-east (San Jose direction) and ~400 km south (Los Angeles direction).
    expect(inside(37.5, -121.95)).toBe(true);
    expect(inside(34.05, -118.24)).toBe(false);
    // Were the km passed as metres, the bounds would cover ~50 m and miss a point 40 km away.
    expect(distanceBetween([oakland.lat, oakland.lng], [37.5, -121.95])).toBeGreaterThan(30);
  });

  it('keeps a geo result only within the radius plus one cell, measured between cell points (km)', () => {
    const near = viewer({ id: 'near', location: coarsePosition(37.5, -121.95) });
    const far = viewer({ id: 'far', location: coarsePosition(37.2, -121.5) });
    const km = distanceBetween([oakland.lat, oakland.lng], [far.location!.lat!, far.location!.lng!]);
    expect(km).toBeGreaterThan(50 + CELL_WIDENING_KM);
    expect(withinRadius(me, near, 50)).toBe(true);
    expect(withinRadius(me, far, 50)).toBe(false);
    expect(withinRadius(me, far, 100)).toBe(true);
    expect(withinRadius(me, viewer({ id: 'nowhere' }), 200)).toBe(false);
  });
});

describe('queryValues', () => {
  it('keeps stored spellings, adds lower-cased variants, drops blanks, non-strings and duplicates', () => {
    expect(queryValues([' Hiking ', 'hiking', 3, '', 'Board Games'], 10)).toEqual([
      'Hiking',
      'hiking',
      'Board Games',
      'board games',
    ]);
    expect(queryValues(['a', 'b', 'c'], 2)).toEqual(['a', 'b']);
    expect(queryValues('hiking', 10)).toEqual([]);
    expect(queryValues(null, 10)).toEqual([]);
  });
});

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

describe('pickAttendeeIds', () => {
  it('takes attendees round-robin across events, skipping the viewer, up to the cap', () => {
    const events = [event('a', ['me', 'a1', 'a2', 'a3']), event('b', ['b1']), event('c', ['c1', 'c2'])];
    expect(pickAttendeeIds(events, 'me', 100)).toEqual(['a1', 'b1', 'c1', 'a2', 'c2', 'a3']);
    expect(pickAttendeeIds(events, 'me', 4)).toEqual(['a1', 'b1', 'c1', 'a2']);
  });

  it('samples at most MAX_ATTENDEES_PER_EVENT of one crowd and counts shared attendees once', () => {
    const crowd = Array.from({ length: 100 }, (_, i) => `p${i}`);
    expect(pickAttendeeIds([event('big', crowd)], 'me', 1000)).toHaveLength(MAX_ATTENDEES_PER_EVENT);
    expect(pickAttendeeIds([event('a', ['x', 'y']), event('b', ['x'])], 'me', 10)).toEqual(['x', 'y']);
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
