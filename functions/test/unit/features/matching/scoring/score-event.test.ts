// Event matches: tags and the crowd's shared interests (an interest counts only when at least k
// attendees share it), location, and no purpose component.
import { describe, expect, it } from 'vitest';
import {
  ATTENDEE_INTEREST_WEIGHT,
  CROWD_MIN_SHARERS,
  EVENT_MATCH_WEIGHTS,
  scoreEventMatch,
  type EventMatchScore,
} from '../../../../../src/lib/features/matching/scoring/index.js';
import { cellBounds, cellOf } from '../../../../../src/lib/features/matching/scoring/coarse-location.js';
import { randomEvent, randomProfile, seededRandom } from './random-profiles.js';

const user = { id: 'u', interests: ['jazz', 'hiking', 'wine'], location: { city: 'Lisbon' } };
const people = (n: number, interests: string[], prefix = 'a') =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, interests }));

function expectInUnitRange(result: EventMatchScore): void {
  for (const value of [result.score, result.components.interests, result.components.location]) {
    expect(Number.isFinite(value)).toBe(true);
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThanOrEqual(1);
  }
}

describe('scoreEventMatch', () => {
  it('uses tags alone when there are no attendees, and has no purpose component', () => {
    const result = scoreEventMatch(user, { id: 'e', tags: ['Jazz', 'blues'] });
    expect(result.components).toEqual({ interests: Math.sqrt((1 / 3) * (1 / 2)), location: 0 });
    expect(result.score).toBe(EVENT_MATCH_WEIGHTS.interests * result.components.interests);
    expect(result.matched).toEqual({ tags: ['jazz'], crowdInterests: [], location: null });
    expect(EVENT_MATCH_WEIGHTS.interests + EVENT_MATCH_WEIGHTS.location).toBe(1);
  });

  it('weighs location by 0.3', () => {
    const result = scoreEventMatch(user, { id: 'e', location: { city: 'lisbon' } });
    expect(result.components).toEqual({ interests: 0, location: 1 });
    expect(result.score).toBe(EVENT_MATCH_WEIGHTS.location);
  });

  it('weights shared crowd interests by their frequency among attendees', () => {
    const attendees = [
      ...people(3, ['hiking', 'golf']),
      { id: 'b1', interests: ['golf', 'chess'] },
      { id: 'b2', interests: ['wine'] },
      { id: 'b3', interests: [] },
    ];
    // hiking 3/6, golf 4/6 count; chess and wine (one attendee each) do not.
    const result = scoreEventMatch(user, { id: 'e', tags: ['blues'] }, attendees);
    const hiking = (ATTENDEE_INTEREST_WEIGHT * 3) / 6;
    const total = 1 + hiking + (ATTENDEE_INTEREST_WEIGHT * 4) / 6;
    expect(result.components.interests).toBeCloseTo(Math.sqrt((1 / 3) * (hiking / total)), 12);
    expect(result.matched).toMatchObject({ tags: [], crowdInterests: ['hiking'] });
  });

  it(`counts a crowd interest only from ${CROWD_MIN_SHARERS} attendees sharing it`, () => {
    const event = { id: 'e', tags: ['blues'] };
    const below = scoreEventMatch(user, event, [
      ...people(CROWD_MIN_SHARERS - 1, ['jazz']),
      ...people(3, ['golf'], 'g'),
    ]);
    const at = scoreEventMatch(user, event, [...people(CROWD_MIN_SHARERS, ['jazz']), ...people(3, ['golf'], 'g')]);
    expect(CROWD_MIN_SHARERS).toBeGreaterThanOrEqual(3);
    expect(below.matched.crowdInterests).toEqual([]);
    expect(below.components.interests).toBe(0);
    expect(at.matched.crowdInterests).toEqual(['jazz']);
    expect(at.components.interests).toBeGreaterThan(0);
  });

  it('one attendee’s unique interest never shows and never moves the score', () => {
    const event = { id: 'e', tags: ['jazz'] };
    const crowd = people(4, ['hiking']);
    const without = scoreEventMatch(user, event, crowd);
    const withUnique = scoreEventMatch(user, event, [...crowd.slice(1), { id: 'a0', interests: ['hiking', 'wine'] }]);
    expect(withUnique).toEqual(without);
    expect(withUnique.matched.crowdInterests).toEqual(['hiking']);
  });

  it('does not let a crowd with scattered interests swamp the event', () => {
    const event = { id: 'e', tags: ['jazz'] };
    // 50 attendees, 20 interests held by 5 each: the crowd adds 20 * 0.5 * 5/50 = 1 in total.
    const crowd = Array.from({ length: 50 }, (_, i) => ({
      id: `p${i}`,
      interests: [`niche${i % 10}`, `other${i % 10}`],
    }));
    const alone = scoreEventMatch(user, event).components.interests;
    const withCrowd = scoreEventMatch(user, event, crowd).components.interests;
    expect(withCrowd).toBeCloseTo(alone * Math.sqrt(1 / 2), 12);
  });

  it('ignores the viewer among the attendees, duplicates and attendees without an id', () => {
    const event = { id: 'e', tags: ['blues'] };
    const base = scoreEventMatch(user, event, people(3, ['golf']));
    const noisy = scoreEventMatch(user, event, [
      ...people(3, ['golf']),
      { id: 'u', interests: ['jazz', 'hiking', 'wine'] },
      ...people(3, ['jazz']).map((p) => ({ ...p, id: 'a1' })),
      { interests: ['wine'] },
      null as never,
    ]);
    expect(noisy).toEqual(base);
    expect(noisy.score).toBe(0);
  });

  it('keeps every component in [0, 1] over random users, events and attendees', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 2000; i++) {
      const attendees = Array.from({ length: Math.floor(random() * 8) }, (_, j) => randomProfile(random, `att${j}`));
      const result = scoreEventMatch(randomProfile(random, 'u'), randomEvent(random, `e${i}`), attendees);
      expectInUnitRange(result);
      expect(Object.keys(result.components).sort()).toEqual(['interests', 'location']);
      expect(result.score).toBeCloseTo(0.7 * result.components.interests + 0.3 * result.components.location, 12);
    }
  });

  it('reads event positions through the same grid: anywhere in one cell scores alike', () => {
    const viewer = { id: 'u', interests: ['jazz'], location: { lat: 38.72, lng: -9.14 } };
    const { south, north, west, east } = cellBounds(cellOf(38.75, -9.2));
    const a = { lat: south + 1e-6, lng: west + 1e-6 };
    const b = { lat: north - 1e-6, lng: east - 1e-6 };
    expect(scoreEventMatch(viewer, { id: 'e', tags: ['jazz'], location: a })).toEqual(
      scoreEventMatch(viewer, { id: 'e', tags: ['jazz'], location: b }),
    );
  });

  it('scores 0 and never throws on malformed input', () => {
    for (const bad of [undefined, null, 3, 'x', { tags: 'jazz' }, { tags: [1, null] }, { location: [] }]) {
      expect(scoreEventMatch(user, bad as never, 'garbage' as never).score).toBe(0);
      expect(scoreEventMatch(bad as never, { id: 'e', tags: ['jazz'] }).score).toBe(0);
    }
  });
});
