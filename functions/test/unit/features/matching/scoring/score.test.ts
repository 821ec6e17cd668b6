import { describe, expect, it } from 'vitest';
import {
  prepareProfile,
  scoreUserMatch,
  USER_MATCH_WEIGHTS,
  type MatchScore,
} from '../../../../../src/lib/features/matching/scoring/index.js';
import { ScratchProfile } from '../../../../../src/lib/features/matching/scoring/profile.js';
import { UserMatchScorer } from '../../../../../src/lib/features/matching/scoring/score.js';
import { cellBounds, cellOf } from '../../../../../src/lib/features/matching/scoring/coarse-location.js';
import { randomProfile, seededRandom } from './random-profiles.js';

/** Two positions at opposite corners of the grid cell holding (lat, lng): about 1.4 km apart. */
function oppositeCorners(lat: number, lng: number) {
  const { south, north, west, east } = cellBounds(cellOf(lat, lng));
  return [
    { lat: south + 1e-6, lng: west + 1e-6 },
    { lat: north - 1e-6, lng: east - 1e-6 },
  ] as const;
}

const RUNS = 2000;

function expectInUnitRange(result: MatchScore): void {
  for (const value of [
    result.score,
    result.components.interests,
    result.components.purpose,
    result.components.location,
  ]) {
    expect(Number.isFinite(value)).toBe(true);
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThanOrEqual(1);
  }
}

describe('scoreUserMatch: properties over random profiles', () => {
  const random = seededRandom(20240611);
  const pairs = Array.from({ length: RUNS }, (_, i) => [
    randomProfile(random, `a${i}`),
    randomProfile(random, `b${i}`),
  ]);

  it('keeps the score and every component in [0, 1]', () => {
    for (const [a, b] of pairs) expectInUnitRange(scoreUserMatch(a, b));
  });

  it('is symmetric: same score and components when swapped', () => {
    for (const [a, b] of pairs) {
      const ab = scoreUserMatch(a, b);
      const ba = scoreUserMatch(b, a);
      expect(ba.score).toBe(ab.score);
      expect(ba.components).toEqual(ab.components);
    }
  });

  it('is the documented weighted sum of its components', () => {
    for (const [a, b] of pairs) {
      const { score, components: c } = scoreUserMatch(a, b);
      expect(score).toBeCloseTo(0.5 * c.interests + 0.3 * c.purpose + 0.2 * c.location, 12);
    }
  });

  it('explains exactly the nonzero components', () => {
    for (const [a, b] of pairs) {
      const { components, matched } = scoreUserMatch(a, b);
      expect(matched.interests.length > 0).toBe(components.interests > 0);
      expect(matched.purposes.length > 0).toBe(components.purpose > 0);
      expect(matched.location !== null).toBe(components.location > 0);
    }
  });

  it('gives the same result for prepared and raw profiles', () => {
    for (const [a, b] of pairs.slice(0, 200)) {
      expect(scoreUserMatch(prepareProfile(a), prepareProfile(b))).toEqual(scoreUserMatch(a, b));
    }
  });

  it('computes the same score on the ranking hot path (scratch-filled, no explanation)', () => {
    const scratch = new ScratchProfile();
    for (const [a, b] of pairs) {
      expect(new UserMatchScorer(a).score(scratch.fill(b))).toBe(scoreUserMatch(a, b).score);
    }
  });

  it('gives a profile with data a perfect match with itself on interests and purposes', () => {
    const self = { interests: ['hiking', 'jazz'], purposes: ['friends'], location: { city: 'Lisbon' } };
    expect(scoreUserMatch(self, { ...self })).toMatchObject({
      score: 1,
      components: { interests: 1, purpose: 1, location: 1 },
    });
  });
});

describe('scoreUserMatch: weights', () => {
  it('weighs interests alone by 0.5', () => {
    const result = scoreUserMatch({ interests: ['hiking', 'jazz'] }, { interests: ['Hiking'] });
    expect(result.components).toEqual({ interests: Math.sqrt(1 / 2), purpose: 0, location: 0 });
    expect(result.score).toBe(USER_MATCH_WEIGHTS.interests * result.components.interests);
  });

  it('weighs purpose alone by 0.3', () => {
    const result = scoreUserMatch({ purposes: ['Networking'] }, { purposes: ['networking', 'dating'] });
    expect(result.components.interests).toBe(0);
    expect(result.components.location).toBe(0);
    expect(result.components.purpose).toBeGreaterThan(0);
    expect(result.score).toBe(USER_MATCH_WEIGHTS.purpose * result.components.purpose);
  });

  it('weighs location alone by 0.2', () => {
    const result = scoreUserMatch({ location: { region: 'Lisboa' } }, { location: { region: 'LISBOA' } });
    expect(result.components).toEqual({ interests: 0, purpose: 0, location: 0.6 });
    expect(result.score).toBe(USER_MATCH_WEIGHTS.location * 0.6);
  });

  it('uses weights that sum to 1', () => {
    const { interests, purpose, location } = USER_MATCH_WEIGHTS;
    expect(interests + purpose + location).toBe(1);
  });
});

describe('scoreUserMatch: explanations and options', () => {
  it("reports the first argument's matched tags in its own spelling and order", () => {
    const a = { interests: ['Wine', 'Indie Music', 'Cafés', 'AI'], purposes: ['Friends', 'networking'] };
    const b = { interests: ['cafe', 'music', 'painting'], purposes: ['friend'] };
    expect(scoreUserMatch(a, b).matched).toEqual({
      interests: ['Indie Music', 'Cafés'],
      purposes: ['Friends'],
      location: null,
    });
  });

  it('applies the radius option', () => {
    const a = { location: { lat: 38.7, lng: -9.1 } };
    const b = { location: { lat: 38.8, lng: -9.1 } }; // about 11 km north
    const narrow = scoreUserMatch(a, b, { radiusKm: 5 }).components.location;
    const wide = scoreUserMatch(a, b, { radiusKm: 500 }).components.location;
    expect(narrow).toBe(0);
    expect(wide).toBeGreaterThan(0.9);
  });
});

describe('scoreUserMatch: location privacy', () => {
  it('gives the same score, components and explanation for any two positions of the other person in one cell', () => {
    const viewer = { id: 'v', interests: ['hiking'], purposes: ['friends'], location: { lat: 38.7, lng: -9.1 } };
    const random = seededRandom(31);
    for (let i = 0; i < 200; i++) {
      const [near, far] = oppositeCorners(38.7 + (random() - 0.5) * 0.5, -9.1 + (random() - 0.5) * 0.5);
      const other = { id: 'o', interests: ['hiking', 'jazz'], purposes: ['friends'] };
      expect(scoreUserMatch(viewer, { ...other, location: far })).toEqual(
        scoreUserMatch(viewer, { ...other, location: near }),
      );
    }
  });

  it('reports the location component with two decimals, from the band', () => {
    const random = seededRandom(32);
    for (let i = 0; i < 500; i++) {
      const a = { location: { lat: 38.7, lng: -9.1 } };
      const b = { location: { lat: 38.7 + (random() - 0.5) * 0.6, lng: -9.1 + (random() - 0.5) * 0.6 } };
      const { components } = scoreUserMatch(a, b, { radiusKm: 200 });
      expect(Math.round(components.location * 100) / 100).toBe(components.location);
    }
  });
});

describe('scoreUserMatch: missing and malformed data', () => {
  const garbage: unknown[] = [
    undefined,
    null,
    42,
    'string',
    [],
    {},
    { interests: 'hiking' },
    { interests: [null, 1, {}] },
    { purposes: {} },
    { location: 'Lisbon' },
    { location: { lat: 'x', lng: null } },
    { id: 7 },
  ];

  it('scores 0 and never throws', () => {
    const full = {
      id: 'x',
      interests: ['hiking'],
      purposes: ['friends'],
      location: { city: 'Lisbon', lat: 38.7, lng: -9.1 },
    };
    for (const bad of garbage) {
      for (const [a, b] of [
        [bad, full],
        [full, bad],
        [bad, bad],
      ]) {
        const result = scoreUserMatch(a as never, b as never);
        expect(result.score).toBe(0);
        expect(result.matched).toEqual({ interests: [], purposes: [], location: null });
      }
    }
  });
});
