import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RADIUS_KM,
  distanceKm,
  explainLocation,
  locationScore,
  PLACE_SCORES,
  prepareLocation,
  resolveRadiusKm,
} from '../../../src/lib/matching/location.js';

const EARTH_RADIUS_KM = 6371.0088;

/** A point `km` due north of (lat, lng): along a meridian the great-circle distance is exact. */
function northOf(lat: number, lng: number, km: number) {
  return { lat: lat + (km / EARTH_RADIUS_KM) * (180 / Math.PI), lng };
}

const LISBON = { lat: 38.7223, lng: -9.1393 };

function score(a: unknown, b: unknown, radiusKm = DEFAULT_RADIUS_KM): number {
  return locationScore(prepareLocation(a), prepareLocation(b), radiusKm);
}

describe('distance decay', () => {
  it('is 1 at 0 km', () => {
    expect(score(LISBON, LISBON)).toBe(1);
  });

  it('is 0.5 at half the radius', () => {
    expect(score(LISBON, northOf(LISBON.lat, LISBON.lng, DEFAULT_RADIUS_KM / 2))).toBeCloseTo(0.5, 9);
  });

  it('is 0 at the radius and beyond', () => {
    expect(score(LISBON, northOf(LISBON.lat, LISBON.lng, DEFAULT_RADIUS_KM))).toBeCloseTo(0, 9);
    expect(score(LISBON, northOf(LISBON.lat, LISBON.lng, DEFAULT_RADIUS_KM * 3))).toBe(0);
    expect(score(LISBON, { lat: -33.87, lng: 151.21 })).toBe(0);
  });

  it('honours a custom radius', () => {
    const tenKmAway = northOf(LISBON.lat, LISBON.lng, 10);
    expect(score(LISBON, tenKmAway, 20)).toBeCloseTo(0.5, 9);
    expect(score(LISBON, tenKmAway, 100)).toBeCloseTo(0.9, 9);
  });

  it('measures a known distance (Lisbon to Porto, about 274 km)', () => {
    const km = distanceKm(prepareLocation(LISBON), prepareLocation({ lat: 41.1579, lng: -8.6291 }));
    expect(km).toBeGreaterThan(270);
    expect(km).toBeLessThan(278);
  });

  it('is symmetric bit for bit, across the antimeridian too', () => {
    const pairs = [
      [LISBON, { lat: 38.9, lng: -9.4 }],
      [{ lat: 0.1, lng: 179.9 }, { lat: -0.1, lng: -179.9 }],
      [{ lat: 89.9, lng: 10 }, { lat: 89.8, lng: -170 }],
    ];
    for (const [a, b] of pairs) expect(score(a, b)).toBe(score(b, a));
  });

  it('prefers coordinates over place names when both sides have them', () => {
    const a = { ...LISBON, city: 'Lisbon' };
    const b = { ...northOf(LISBON.lat, LISBON.lng, 40), city: 'Lisbon' };
    expect(score(a, b)).toBeCloseTo(0.2, 9);
  });

  it('explains a distance in km, and nothing beyond the radius', () => {
    const near = northOf(LISBON.lat, LISBON.lng, 12.34);
    expect(explainLocation(prepareLocation(LISBON), prepareLocation(near), 50)).toEqual({ kind: 'distance', km: 12.3 });
    expect(explainLocation(prepareLocation(LISBON), prepareLocation(near), 10)).toBeNull();
  });
});

describe('place match', () => {
  it('scores same city 1, same region 0.6, same country 0.3', () => {
    expect(score({ city: 'Lisbon', country: 'Portugal' }, { city: 'lisbon', country: 'PORTUGAL' })).toBe(PLACE_SCORES.city);
    expect(score({ city: 'Sintra', region: 'Lisboa' }, { city: 'Cascais', region: 'lisboa' })).toBe(PLACE_SCORES.region);
    expect(score({ city: 'Porto', country: 'Portugal' }, { city: 'Faro', country: 'Portugal' })).toBe(PLACE_SCORES.country);
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
  it('accepts a positive finite radius and defaults anything else', () => {
    expect(resolveRadiusKm(10)).toBe(10);
    for (const bad of [0, -5, NaN, Infinity, '10', undefined]) {
      expect(resolveRadiusKm(bad)).toBe(DEFAULT_RADIUS_KM);
    }
  });
});
