import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../../dev/seeded-random.js';
import {
  CELL_KM,
  cellBounds,
  cellOf,
  coarsenCoordinates,
  EARTH_RADIUS_KM,
} from '../../../../../src/lib/features/matching/scoring/coarse-location.js';
import { distanceBand, MAX_RADIUS_KM } from '../../../../../src/lib/features/matching/scoring/distance-band.js';
import {
  coarsenLocation,
  coarsePosition,
  DEFAULT_RADIUS_KM,
  distanceKm,
  explainLocation,
  locationScore,
  PLACE_SCORES,
  prepareLocation,
  resolveRadiusKm,
} from '../../../../../src/lib/features/matching/scoring/location.js';

/** A point `km` due north of (lat, lng): along a meridian the great-circle distance is exact. */
function northOf(lat: number, lng: number, km: number) {
  return { lat: lat + (km / EARTH_RADIUS_KM) * (180 / Math.PI), lng };
}

const LISBON = { lat: 38.7223, lng: -9.1393 };

function score(a: unknown, b: unknown, radiusKm = DEFAULT_RADIUS_KM): number {
  return locationScore(prepareLocation(a), prepareLocation(b), radiusKm);
}

// Distances below are chosen in the middle of a band: the cells' points are up to ~0.7 km from the
// raw positions, so a distance within 1 km of a band edge could land in either band.
describe('distance decay', () => {
  it('is 1 anywhere within the same cell', () => {
    const { south, north, west, east } = cellBounds(cellOf(LISBON.lat, LISBON.lng));
    const corner = { lat: south + 1e-9, lng: west + 1e-9 };
    const opposite = { lat: north - 1e-9, lng: east - 1e-9 };
    expect(score(corner, opposite, 1)).toBe(1);
    expect(score(LISBON, LISBON)).toBe(1);
  });

  it("is 1 - (band's lower edge) / radius: 0.5 for 25-30 km at the default 50 km", () => {
    expect(score(LISBON, northOf(LISBON.lat, LISBON.lng, 27.5))).toBe(0.5);
    expect(score(LISBON, northOf(LISBON.lat, LISBON.lng, 3.5))).toBe(1 - 3 / 50);
  });

  it('is 0 from the radius on', () => {
    expect(score(LISBON, northOf(LISBON.lat, LISBON.lng, DEFAULT_RADIUS_KM + 2.5))).toBe(0);
    expect(score(LISBON, northOf(LISBON.lat, LISBON.lng, DEFAULT_RADIUS_KM * 3))).toBe(0);
    expect(score(LISBON, { lat: -33.87, lng: 151.21 })).toBe(0);
  });

  it('honours a custom radius', () => {
    const tenToFifteenKm = northOf(LISBON.lat, LISBON.lng, 12.5);
    expect(score(LISBON, tenToFifteenKm, 20)).toBe(0.5);
    expect(score(LISBON, tenToFifteenKm, 100)).toBe(0.9);
  });

  it('measures a known distance (Lisbon to Porto, about 274 km)', () => {
    const km = distanceKm(prepareLocation(LISBON), prepareLocation({ lat: 41.1579, lng: -8.6291 }));
    expect(km).toBeGreaterThan(270);
    expect(km).toBeLessThan(278);
  });

  it('is symmetric bit for bit, across the antimeridian too', () => {
    const pairs = [
      [LISBON, { lat: 38.9, lng: -9.4 }],
      [
        { lat: 0.1, lng: 179.9 },
        { lat: -0.1, lng: -179.9 },
      ],
      [
        { lat: 89.9, lng: 10 },
        { lat: 89.8, lng: -170 },
      ],
    ];
    for (const [a, b] of pairs) expect(score(a, b)).toBe(score(b, a));
  });

  it('prefers coordinates over place names when both sides have them', () => {
    const a = { ...LISBON, city: 'Lisbon' };
    const b = { ...northOf(LISBON.lat, LISBON.lng, 42.5), city: 'Lisbon' };
    expect(score(a, b)).toBe(0.2);
  });

  it('explains a distance as its band, and nothing beyond the radius', () => {
    const near = northOf(LISBON.lat, LISBON.lng, 12.34);
    expect(explainLocation(prepareLocation(LISBON), prepareLocation(near), 50)).toEqual({
      kind: 'distance',
      minKm: 10,
      maxKm: 15,
    });
    expect(explainLocation(prepareLocation(LISBON), prepareLocation(near), 10)).toBeNull();
    const sameCell = explainLocation(prepareLocation(LISBON), prepareLocation(LISBON), 1);
    expect(sameCell).toEqual({ kind: 'distance', minKm: 0, maxKm: 1 });
  });
});

describe('distance bands', () => {
  it('are under 1 km, whole km up to 10, then 5 km steps', () => {
    const cases: [number, number, number][] = [
      [0, 0, 1],
      [0.999, 0, 1],
      [1, 1, 2],
      [3.7, 3, 4],
      [9.99, 9, 10],
      [10, 10, 15],
      [14.9, 10, 15],
      [15, 15, 20],
      [47.2, 45, 50],
      [199.9, 195, 200],
      [260, 260, 265],
    ];
    for (const [km, minKm, maxKm] of cases) expect(distanceBand(km), String(km)).toEqual({ minKm, maxKm });
  });
});

describe('the coarse grid', () => {
  const DEG = Math.PI / 180;
  const random = seededRandom(424242);

  function randomPoint(): { lat: number; lng: number } {
    const roll = random();
    // A share near the poles and the antimeridian, where grids usually go wrong.
    const lat = roll < 0.15 ? (random() < 0.5 ? -1 : 1) * (89.9 + random() * 0.1) : (random() - 0.5) * 180;
    const lng =
      roll > 0.85 ? (random() < 0.5 ? -180 + random() * 0.01 : 180 - random() * 0.01) : (random() - 0.5) * 360;
    return { lat, lng };
  }

  it('has cells at least CELL_KM tall and wide everywhere (geohash-6 cells are 0.61 km tall)', () => {
    for (const lat of [0, 12.3, 45, 60, 70, 80, 85, 89, 89.98, 89.995, -45, -89.98]) {
      const { south, north, west, east } = cellBounds(cellOf(lat, 10));
      const heightKm = (north - south) * DEG * EARTH_RADIUS_KM;
      const polewardLat = Math.max(Math.abs(south), Math.abs(north));
      const widthKm = (east - west) * DEG * EARTH_RADIUS_KM * Math.cos(polewardLat * DEG);
      expect(heightKm, `height at ${lat}`).toBeGreaterThanOrEqual(CELL_KM);
      // The polar cap's poleward "edge" is the pole itself: it is one cell around the pole.
      if (east - west < 360) expect(widthKm, `width at ${lat}`).toBeGreaterThanOrEqual(CELL_KM);
      // ... and not much bigger, except within a few km of the poles.
      if (Math.abs(lat) < 89)
        expect(Math.max(heightKm, (east - west) * DEG * EARTH_RADIUS_KM * Math.cos(lat * DEG))).toBeLessThan(
          1.02 * CELL_KM,
        );
    }
  });

  it('snaps every point into its own cell, idempotently', () => {
    for (let i = 0; i < 5000; i++) {
      const { lat, lng } = randomPoint();
      const snapped = coarsenCoordinates(lat, lng);
      expect(cellOf(snapped.lat, snapped.lng)).toEqual(cellOf(lat, lng));
      expect(coarsenCoordinates(snapped.lat, snapped.lng)).toEqual(snapped);
    }
  });

  it('gives two positions in one cell the same prepared location', () => {
    for (let i = 0; i < 2000; i++) {
      const point = randomPoint();
      const { south, north, west, east } = cellBounds(cellOf(point.lat, point.lng));
      const inside = () => ({
        lat: south + random() * (north - south) * 0.999,
        lng: west + random() * (east - west) * 0.999,
      });
      expect(prepareLocation(inside())).toEqual(prepareLocation(inside()));
    }
  });

  it('treats +180° and -180° as one meridian, with neighbours across it about 1 km apart', () => {
    expect(cellOf(10, 180)).toEqual(cellOf(10, -180));
    const east = prepareLocation({ lat: 10, lng: 179.9999 });
    const west = prepareLocation({ lat: 10, lng: -179.9999 });
    expect(distanceBand(distanceKm(east, west))).toEqual({ minKm: 1, maxKm: 2 });
  });

  it('maps the polar caps to the poles', () => {
    expect(coarsenCoordinates(89.9999, 45)).toEqual({ lat: 90, lng: 0 });
    expect(coarsenCoordinates(90, -120)).toEqual({ lat: 90, lng: 0 });
    expect(coarsenCoordinates(-89.9999, -120)).toEqual({ lat: -90, lng: 0 });
  });

  it('never snaps a real position to (0, 0), which reads as "unset"', () => {
    for (const [lat, lng] of [
      [1e-6, 1e-6],
      [-1e-6, -1e-6],
      [0.001, 0],
      [0, 0.001],
    ]) {
      const snapped = coarsenCoordinates(lat, lng);
      expect(snapped.lat === 0 && snapped.lng === 0).toBe(false);
      expect(score({ lat, lng }, { lat, lng })).toBe(1);
    }
  });
});

describe('coarsenLocation', () => {
  it('keeps the place names and the cell, drops the exact position and everything else', () => {
    const raw = {
      city: 'Lisbon',
      region: 'Lisboa',
      country: 'Portugal',
      venue: 'Rua X 12',
      lat: 38.72231,
      lng: -9.13934,
    };
    const coarse = coarsenLocation(raw)!;
    expect(coarse).toEqual({
      city: 'Lisbon',
      region: 'Lisboa',
      country: 'Portugal',
      ...coarsenCoordinates(raw.lat, raw.lng),
    });
    expect(prepareLocation(coarse)).toEqual(prepareLocation(raw));
    expect(coarsenLocation({ city: 'Lisbon', lat: 'x', lng: 3 })).toEqual({ city: 'Lisbon' });
    expect(coarsenLocation('Lisbon')).toBeUndefined();
  });

  it('coarsePosition snaps usable coordinates and, like the scorer, treats (0, 0) as unset', () => {
    expect(coarsePosition(38.72231, -9.13934)).toEqual(coarsenCoordinates(38.72231, -9.13934));
    for (const [lat, lng] of [
      [0, 0],
      [91, 0],
      [NaN, 1],
      ['1', 2],
    ])
      expect(coarsePosition(lat, lng)).toBeUndefined();
  });
});
describe('place match', () => {
  it('scores same city 1, same region 0.6, same country 0.3', () => {
    expect(score({ city: 'Lisbon', country: 'Portugal' }, { city: 'lisbon', country: 'PORTUGAL' })).toBe(
      PLACE_SCORES.city,
    );
    expect(score({ city: 'Sintra', region: 'Lisboa' }, { city: 'Cascais', region: 'lisboa' })).toBe(
      PLACE_SCORES.region,
    );
    expect(score({ city: 'Porto', country: 'Portugal' }, { city: 'Faro', country: 'Portugal' })).toBe(
      PLACE_SCORES.country,
    );
    expect(PLACE_SCORES.city).toBeGreaterThan(PLACE_SCORES.region);
    expect(PLACE_SCORES.region).toBeGreaterThan(PLACE_SCORES.country);
  });

  it('ignores case, diacritics, punctuation and whitespace', () => {
    expect(score({ city: 'São  Paulo' }, { city: 'sao paulo' })).toBe(1);
    expect(score({ city: 'St. Louis' }, { city: 'st louis' })).toBe(1);
  });

  it('lets a country mismatch veto a city match', () => {
    expect(score({ city: 'Paris', country: 'France' }, { city: 'Paris', country: 'United States' })).toBe(0);
  });

  it('lets a region mismatch veto a city match but keep the country', () => {
    const portlandOregon = { city: 'Portland', region: 'Oregon', country: 'US' };
    const portlandMaine = { city: 'Portland', region: 'Maine', country: 'US' };
    expect(score(portlandOregon, portlandMaine)).toBe(PLACE_SCORES.country);
  });

  it('matches a city when one side lacks the country', () => {
    expect(score({ city: 'Lisbon' }, { city: 'Lisbon', country: 'Portugal' })).toBe(1);
  });

  it('falls back to place names when only one side has coordinates', () => {
    expect(score({ ...LISBON, city: 'Lisbon' }, { city: 'Lisbon' })).toBe(1);
  });

  it("explains with the first side's spelling", () => {
    const a = prepareLocation({ city: 'São Paulo' });
    const b = prepareLocation({ city: 'SAO PAULO' });
    expect(explainLocation(a, b, 50)).toEqual({ kind: 'city', place: 'São Paulo' });
    expect(explainLocation(b, a, 50)).toEqual({ kind: 'city', place: 'SAO PAULO' });
  });
});

describe('missing and malformed data', () => {
  it.each([
    ['missing on one side', undefined, { city: 'Lisbon' }],
    ['missing on both sides', undefined, null],
    ['a string instead of an object', 'Lisbon', { city: 'Lisbon' }],
    ['blank names', { city: '  ' }, { city: '' }],
    ['non-string names', { city: 42 }, { city: 42 }],
    ['(0, 0) treated as unset', { lat: 0, lng: 0 }, { lat: 0, lng: 0 }],
    ['out-of-range coordinates', { lat: 91, lng: 0 }, { lat: 91, lng: 0 }],
    ['non-finite coordinates', { lat: NaN, lng: Infinity }, { lat: NaN, lng: Infinity }],
    ['string coordinates', { lat: '38.7', lng: '-9.1' }, { lat: '38.7', lng: '-9.1' }],
  ])('scores 0: %s', (_label, a, b) => {
    expect(score(a, b)).toBe(0);
    expect(explainLocation(prepareLocation(a), prepareLocation(b), 50)).toBeNull();
  });
});

describe('resolveRadiusKm', () => {
  it('keeps the radius in [1, 200] km, rounded up to a band edge, and defaults anything else', () => {
    const cases: [number, number][] = [
      [10, 10],
      [3.2, 4],
      [0.01, 1],
      [12, 15],
      [50, 50],
      [199, 200],
      [20_000, MAX_RADIUS_KM],
    ];
    for (const [given, resolved] of cases) expect(resolveRadiusKm(given), String(given)).toBe(resolved);
    for (const bad of [0, -5, NaN, Infinity, '10', undefined]) {
      expect(resolveRadiusKm(bad)).toBe(DEFAULT_RADIUS_KM);
    }
  });

  it('never lets any radius make the component finer than a band', () => {
    const random = seededRandom(77);
    // Bands starting below each resolved radius: whole km up to 10, then one per 5 km.
    const bandsBelow = (radius: number) => (radius <= 10 ? radius : 10 + (radius - 10) / 5);
    for (const asked of [0.3, 1, 1.5, 2.0001, 7, 12, 50, 200]) {
      const radius = resolveRadiusKm(asked);
      const values = new Set<number>();
      for (let i = 0; i < 3000; i++) {
        const other = northOf(LISBON.lat, LISBON.lng + (random() - 0.5) * 0.1, random() * radius * 1.2);
        values.add(score(LISBON, other, asked));
      }
      // One value per band inside the radius, plus 0 beyond it.
      expect(values.size, `radius ${asked}`).toBeLessThanOrEqual(bandsBelow(radius) + 1);
    }
  });
});
