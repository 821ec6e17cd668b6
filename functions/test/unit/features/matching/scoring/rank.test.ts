import { describe, expect, it } from 'vitest';
import {
  prepareProfile,
  rankEventMatches,
  rankUserMatches,
  scoreEventMatch,
  scoreUserMatch,
  type RankedMatch,
} from '../../../../../src/lib/features/matching/scoring/index.js';
import { cellBounds, cellOf } from '../../../../../src/lib/features/matching/scoring/coarse-location.js';
import { randomEvent, randomProfile, seededRandom, shuffled, type RandomProfile } from './random-profiles.js';

/** The obvious, slow ranking: score all, filter, keep each id's best, full sort, slice. */
function referenceRanking(
  user: RandomProfile,
  candidates: readonly RandomProfile[],
  limit: number,
  threshold: number,
): RankedMatch[] {
  const best = new Map<string, RankedMatch>();
  for (const candidate of candidates) {
    if (candidate.id === user.id) continue;
    const result = { id: candidate.id, ...scoreUserMatch(user, candidate) };
    if (!(result.score > threshold)) continue;
    const previous = best.get(candidate.id);
    if (previous === undefined || result.score > previous.score) best.set(candidate.id, result);
  }
  return [...best.values()]
    .sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
    .slice(0, limit);
}

/** Five interests each, one shared: interest overlap 0.2, score exactly 0.5 * 0.2 = 0.1. */
const AT_THRESHOLD = {
  user: { id: 'u', interests: ['jazz', 'a1111', 'a2222', 'a3333', 'a4444'] },
  candidate: { id: 'c', interests: ['jazz', 'b1111', 'b2222', 'b3333', 'b4444'] },
};

describe('rankUserMatches', () => {
  it('agrees with a full-sort reference over random pools (limit, threshold, ties, duplicates)', () => {
    const random = seededRandom(99);
    for (let round = 0; round < 40; round++) {
      const user = randomProfile(random, `p${Math.floor(random() * 50)}`);
      // Ids drawn from a small range, so the pool holds duplicates and the user's own id.
      const pool = Array.from({ length: 300 }, () => randomProfile(random, `p${Math.floor(random() * 50)}`));
      const limit = Math.floor(random() * 12);
      const threshold = [0.1, 0, 0.3][round % 3];
      expect(rankUserMatches(user, pool, { limit, threshold })).toEqual(referenceRanking(user, pool, limit, threshold));
    }
  });

  it('returns the same numbers as scoreUserMatch for each result', () => {
    const random = seededRandom(5);
    const user = randomProfile(random, 'me');
    const pool = Array.from({ length: 500 }, (_, i) => randomProfile(random, `c${i}`));
    const ranked = rankUserMatches(user, pool, { limit: 20 });
    expect(ranked.length).toBeGreaterThan(0);
    for (const { id, ...result } of ranked) {
      expect(result).toEqual(
        scoreUserMatch(
          user,
          pool.find((c) => c.id === id)!,
        ),
      );
    }
  });

  it('keeps only scores strictly above the threshold', () => {
    const { user, candidate } = AT_THRESHOLD;
    expect(scoreUserMatch(user, candidate).score).toBe(0.1);
    expect(rankUserMatches(user, [candidate])).toEqual([]);
    expect(rankUserMatches(user, [candidate], { threshold: 0.0999 })).toHaveLength(1);
  });

  it('drops zero scores even with a zero threshold', () => {
    expect(
      rankUserMatches({ id: 'u', interests: ['jazz'] }, [{ id: 'c', interests: ['golf'] }], { threshold: 0 }),
    ).toEqual([]);
  });

  it('breaks ties by id, whatever the input order', () => {
    const twin = { interests: ['hiking', 'jazz'], purposes: ['friends'] };
    const pool = ['delta', 'alpha', 'charlie', 'echo', 'bravo'].map((id) => ({ id, ...twin }));
    const random = seededRandom(3);
    const expected = ['alpha', 'bravo', 'charlie'];
    for (let i = 0; i < 20; i++) {
      const ids = rankUserMatches({ id: 'u', ...twin }, shuffled(random, pool), { limit: 3 }).map((m) => m.id);
      expect(ids).toEqual(expected);
    }
  });

  it('gives the same output for any order of a random pool', () => {
    const random = seededRandom(11);
    const user = randomProfile(random, 'me');
    const pool = Array.from({ length: 400 }, (_, i) => randomProfile(random, `c${i}`));
    const first = rankUserMatches(user, pool, { limit: 10 });
    for (let i = 0; i < 5; i++) expect(rankUserMatches(user, shuffled(random, pool), { limit: 10 })).toEqual(first);
  });

  it('defaults to 5 results, honours the limit and returns nothing for limit 0', () => {
    const pool = Array.from({ length: 30 }, (_, i) => ({ id: `c${i}`, interests: ['jazz'] }));
    const user = { id: 'u', interests: ['jazz'] };
    expect(rankUserMatches(user, pool)).toHaveLength(5);
    expect(rankUserMatches(user, pool, { limit: 12 })).toHaveLength(12);
    expect(rankUserMatches(user, pool, { limit: 0 })).toEqual([]);
    expect(rankUserMatches(user, pool, { limit: NaN })).toHaveLength(5);
  });

  it('excludes the user themself, candidates without an id, and duplicate ids', () => {
    const user = { id: 'u', interests: ['jazz', 'golf'] };
    const pool = [
      { id: 'u', interests: ['jazz', 'golf'] },
      { interests: ['jazz', 'golf'] },
      { id: '', interests: ['jazz', 'golf'] },
      { id: 'c', interests: ['jazz'] },
      { id: 'c', interests: ['jazz', 'golf'] },
      null as never,
      'garbage' as never,
    ];
    const ranked = rankUserMatches(user, pool);
    expect(ranked.map((m) => m.id)).toEqual(['c']);
    expect(ranked[0].score).toBe(0.5); // the better of the two "c" entries
  });

  it('accepts prepared candidates and ranks them like raw ones', () => {
    const random = seededRandom(21);
    const user = randomProfile(random, 'me');
    const pool = Array.from({ length: 300 }, (_, i) => randomProfile(random, `c${i}`));
    expect(rankUserMatches(prepareProfile(user), pool.map(prepareProfile))).toEqual(rankUserMatches(user, pool));
  });

  it('ranks two people in one grid cell as equals, whatever their exact positions (order is by id)', () => {
    const viewer = { id: 'u', interests: ['jazz'], location: { lat: 38.7, lng: -9.1 } };
    // A cell north-east of the viewer: "b" at its corner nearest the viewer, "a" at the farthest.
    const { south, north, west, east } = cellBounds(cellOf(38.73, -9.07));
    const a = { id: 'a', interests: ['jazz'], location: { lat: north - 1e-6, lng: east - 1e-6 } };
    const b = { id: 'b', interests: ['jazz'], location: { lat: south + 1e-6, lng: west + 1e-6 } };
    const ranked = rankUserMatches(viewer, [b, a]);
    expect(ranked.map((m) => m.id)).toEqual(['a', 'b']);
    expect(ranked[0].score).toBe(ranked[1].score);
  });

  it('returns [] for a non-array candidate list', () => {
    expect(rankUserMatches({ id: 'u' }, 'nope' as never)).toEqual([]);
  });
});

describe('rankEventMatches', () => {
  const user = { id: 'u', interests: ['jazz', 'hiking'], location: { city: 'Lisbon' } };

  it('ranks by score with ties by id, threshold strictly above, limit', () => {
    const events = [
      { id: 'e3', tags: ['jazz'] },
      { id: 'e1', tags: ['jazz'] },
      { id: 'e2', tags: ['jazz', 'hiking'], location: { city: 'lisbon' } },
      { id: 'e4', tags: ['golf'] },
      { id: 'e5', location: { city: 'Porto' } },
    ];
    const ranked = rankEventMatches(user, events, { limit: 3 });
    expect(ranked.map((m) => m.id)).toEqual(['e2', 'e1', 'e3']);
    expect(ranked[0].score).toBe(1);
    const onlyLocation = rankEventMatches(user, [{ id: 'e', location: { city: 'Lisbon' } }], { threshold: 0.3 });
    expect(onlyLocation).toEqual([]);
  });

  it('keeps the best-scoring entry of a repeated event id', () => {
    const events = [
      { id: 'e', tags: ['golf', 'jazz'] },
      { id: 'e', tags: ['jazz'] },
      { id: 'e', tags: ['golf'] },
    ];
    const ranked = rankEventMatches(user, events);
    expect(ranked).toHaveLength(1);
    expect(ranked[0]).toEqual({ id: 'e', ...scoreEventMatch(user, events[1]) });
  });

  it('counts attendees from a Map or a plain object', () => {
    const events = [{ id: 'e1', tags: ['blues'] }];
    const attendees = ['a', 'b', 'c'].map((id) => ({ id, interests: ['hiking'] }));
    const fromMap = rankEventMatches(user, events, { attendeesByEvent: new Map([['e1', attendees]]) });
    const fromRecord = rankEventMatches(user, events, { attendeesByEvent: { e1: attendees } });
    expect(fromMap).toHaveLength(1);
    expect(fromMap).toEqual(fromRecord);
    expect(fromMap[0]).toEqual({ id: 'e1', ...scoreEventMatch(user, events[0], attendees) });
    expect(rankEventMatches(user, events)).toEqual([]);
  });

  it('does not read inherited keys of a plain attendee record', () => {
    const events = [{ id: 'constructor', tags: ['blues'] }];
    expect(rankEventMatches(user, events, { attendeesByEvent: {} })).toEqual([]);
  });

  it('gives the same output for any order of random events', () => {
    const random = seededRandom(8);
    const viewer = randomProfile(random, 'me');
    const events = Array.from({ length: 200 }, (_, i) => randomEvent(random, `e${i}`));
    const first = rankEventMatches(viewer, events, { limit: 10, threshold: 0 });
    expect(first.length).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) {
      expect(rankEventMatches(viewer, shuffled(random, events), { limit: 10, threshold: 0 })).toEqual(first);
    }
  });
});
