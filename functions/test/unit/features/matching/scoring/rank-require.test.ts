// rankUserMatches' requirements: preferences filter people out, they do not only lower a score.
import { describe, expect, it } from 'vitest';
import { rankUserMatches } from '../../../../../src/lib/features/matching/scoring/index.js';

const SF = { city: 'San Francisco', lat: 37.7749, lng: -122.4194 };
const OAKLAND = { city: 'Oakland', lat: 37.8044, lng: -122.2712 };
const viewer = { id: 'me', interests: ['chess'], purposes: ['networking'], location: SF };
const people = [
  { id: 'chess-far', interests: ['chess'], purposes: [], location: { lat: 51.5, lng: -0.12 } },
  { id: 'purpose-near', interests: ['opera'], purposes: ['networking'], location: OAKLAND },
  { id: 'same-city-no-position', interests: ['chess'], purposes: ['networking'], location: { city: 'san francisco' } },
  { id: 'same-region-only', interests: ['chess'], purposes: [], location: { region: 'California' } },
];
const ids = (require?: object) =>
  rankUserMatches(viewer, people, { limit: 10, threshold: -1, require })
    .map((m) => m.id)
    .sort();

describe('rankUserMatches require', () => {
  it('keeps everyone above the threshold without requirements', () => {
    expect(ids()).toEqual(['chess-far', 'purpose-near', 'same-city-no-position', 'same-region-only']);
  });

  it('interests: at least one shared', () => {
    expect(ids({ interests: true })).toEqual(['chess-far', 'same-city-no-position', 'same-region-only']);
  });

  it('purposes: at least one shared', () => {
    expect(ids({ purposes: true })).toEqual(['purpose-near', 'same-city-no-position']);
  });

  it('withinRadius: a band starting below the radius, or the same city without positions; a region is not a distance', () => {
    expect(
      rankUserMatches(viewer, people, { limit: 10, threshold: -1, radiusKm: 20, require: { withinRadius: true } })
        .map((m) => m.id)
        .sort(),
    ).toEqual(['purpose-near', 'same-city-no-position']);
    expect(
      rankUserMatches(viewer, people, { limit: 10, threshold: -1, radiusKm: 5, require: { withinRadius: true } }).map(
        (m) => m.id,
      ),
    ).toEqual(['same-city-no-position']);
  });

  it('all requirements together', () => {
    expect(ids({ interests: true, purposes: true, withinRadius: true })).toEqual(['same-city-no-position']);
  });
});
