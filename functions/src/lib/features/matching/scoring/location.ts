/**
 * Location closeness in [0, 1].
 *
 * Coordinates are never used as given: `fillLocation` snaps them to the representative point of a
 * fixed ~1 km grid cell (coarse-location.ts) as it reads them, so the raw position never reaches the
 * scorer, and everything derived from it (component, band, ranking, explanations) depends only on
 * the two cells. Coordinates are usable when both are finite and in range; (0, 0) is treated as
 * missing, since it is far more often an unset default than a real position.
 *
 * Both sides have usable coordinates: the great-circle distance (haversine) between the two cells'
 * points falls into a band (distance-band.ts: under 1 km, whole km to 10, then 5 km steps), and
 *
 *     location = 1 - (band's lower edge) / radiusKm      (two decimals; 0 from the radius on)
 *
 * so 1 in the same cell, 0.8 for "10-15 km" at the default 50 km radius, 0 at the radius. Linear in
 * the band rather than a smooth curve because it explains itself: "10-15 km apart" maps to a number
 * a reviewer can recompute, and the number says no more than the band.
 *
 * Otherwise: place names, compared after folding case, diacritics, punctuation and whitespace
 * (normalize.ts). Two names are "compatible" when either is missing or they are equal.
 *   same city   (both cities equal; region and country compatible)   1.0
 *   same region (both regions equal; country compatible)             0.6
 *   same country (both countries equal)                              0.3
 *   otherwise, or data missing on either side                        0
 * A country (or region) mismatch vetoes the finer levels: Paris, France is not Paris, Texas, US.
 * No aliasing ("USA" vs "United States"): geocoding would be the next step, as in the seed.
 */
import { coarsenCoordinates, EARTH_RADIUS_KM, type LatLng } from './coarse-location.js';
import { bandScore, bandStartKm, distanceBand } from './distance-band.js';
import { displayText, normalizePlace } from './normalize.js';
import type { LocationMatch, MatchLocation } from './types.js';

export { DEFAULT_RADIUS_KM, resolveRadiusKm } from './distance-band.js';
export const PLACE_SCORES = Object.freeze({ city: 1, region: 0.6, country: 0.3 });

const DEG = Math.PI / 180;

/**
 * Flat on purpose (no nested objects, '' for a missing name): ranking can refill one scratch
 * instance per raw candidate instead of allocating.
 */
export interface PreparedLocation {
  /** Latitude of the grid cell's point (never the raw position) in radians, or NaN when unusable. */
  lat: number;
  lng: number;
  /** cos(lat), precomputed for haversine. */
  cosLat: number;
  /** Folded place names used for comparison; '' when missing. */
  city: string;
  region: string;
  country: string;
  /** The caller's text for each name, shown back through `displayText` when explaining. */
  cityText: string;
  regionText: string;
  countryText: string;
}

export function emptyLocation(): PreparedLocation {
  return {
    lat: NaN,
    lng: NaN,
    cosLat: NaN,
    city: '',
    region: '',
    country: '',
    cityText: '',
    regionText: '',
    countryText: '',
  };
}

export const NO_LOCATION: Readonly<PreparedLocation> = Object.freeze(emptyLocation());

function placeKey(value: unknown): string {
  return typeof value === 'string' ? normalizePlace(value) : '';
}

function usableCoordinates(lat: unknown, lng: unknown): lat is number {
  return (
    typeof lat === 'number' &&
    typeof lng === 'number' &&
    Number.isFinite(lat) &&
    Number.isFinite(lng) &&
    Math.abs(lat) <= 90 &&
    Math.abs(lng) <= 180 &&
    !(lat === 0 && lng === 0)
  );
}

/** Reads a `location` object from untrusted data into `into` (every field overwritten). */
export function fillLocation(value: unknown, into: PreparedLocation): PreparedLocation {
  const raw = (value !== null && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  into.city = placeKey(raw.city);
  into.region = placeKey(raw.region);
  into.country = placeKey(raw.country);
  into.cityText = into.city === '' ? '' : (raw.city as string);
  into.regionText = into.region === '' ? '' : (raw.region as string);
  into.countryText = into.country === '' ? '' : (raw.country as string);
  if (usableCoordinates(raw.lat, raw.lng)) {
    const cell = coarsenCoordinates(raw.lat, raw.lng as number);
    into.lat = cell.lat * DEG;
    into.lng = cell.lng * DEG;
  } else {
    into.lat = NaN;
    into.lng = NaN;
  }
  into.cosLat = Math.cos(into.lat);
  return into;
}

/**
 * A `location` object with its coordinates replaced by their grid cell's point (dropped when
 * unusable) and only the place names kept: what may be held or stored for matching without keeping
 * the exact position. Scoring it gives exactly what scoring the original gives (snapping is
 * idempotent).
 */
export function coarsenLocation(value: unknown): MatchLocation | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const raw = value as Record<string, unknown>;
  const coarse: MatchLocation = {};
  for (const name of ['city', 'region', 'country'] as const) {
    if (typeof raw[name] === 'string') coarse[name] = raw[name];
  }
  const position = coarsePosition(raw.lat, raw.lng);
  if (position !== undefined) Object.assign(coarse, position);
  return coarse;
}

/** Untrusted coordinates as their grid cell's point, or undefined when unusable (including (0, 0)). */
export function coarsePosition(lat: unknown, lng: unknown): LatLng | undefined {
  return usableCoordinates(lat, lng) ? coarsenCoordinates(lat, lng as number) : undefined;
}

/**
 * A location from stored derived fields (features/matching/derived): place names already folded and
 * a cell point already snapped. Nothing is folded again (folding is not guaranteed idempotent); the
 * names double as display text, which is only ever shown for the viewer's own side.
 */
export function locationFromKeys(keys: {
  city: string;
  region: string;
  country: string;
  position: LatLng | null;
}): PreparedLocation {
  const lat = keys.position === null ? NaN : keys.position.lat * DEG;
  const lng = keys.position === null ? NaN : keys.position.lng * DEG;
  return {
    lat,
    lng,
    cosLat: Math.cos(lat),
    city: keys.city,
    region: keys.region,
    country: keys.country,
    cityText: keys.city,
    regionText: keys.region,
    countryText: keys.country,
  };
}

/** Reads a `location` object from untrusted data. */
export function prepareLocation(value: unknown): PreparedLocation {
  if (value === null || typeof value !== 'object') return NO_LOCATION;
  return fillLocation(value, emptyLocation());
}

export function hasCoordinates(location: PreparedLocation): boolean {
  return !Number.isNaN(location.lat);
}

/**
 * Great-circle distance in km between the two cells' points. Uses |Δ| so that swapping the points
 * gives a bit-identical result.
 */
export function distanceKm(a: PreparedLocation, b: PreparedLocation): number {
  const sinLat = Math.sin(Math.abs(a.lat - b.lat) / 2);
  const sinLng = Math.sin(Math.abs(a.lng - b.lng) / 2);
  const h = sinLat * sinLat + a.cosLat * b.cosLat * sinLng * sinLng;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

function compatible(x: string, y: string): boolean {
  return x === '' || y === '' || x === y;
}

function same(x: string, y: string): boolean {
  return x !== '' && x === y;
}

type PlaceLevel = 'city' | 'region' | 'country';

/** The finest place level the two share, or null. Symmetric. */
function sharedPlaceLevel(a: PreparedLocation, b: PreparedLocation): PlaceLevel | null {
  if (!compatible(a.country, b.country)) return null;
  if (same(a.city, b.city) && compatible(a.region, b.region)) return 'city';
  if (same(a.region, b.region)) return 'region';
  if (same(a.country, b.country)) return 'country';
  return null;
}

const PLACE_TEXT = { city: 'cityText', region: 'regionText', country: 'countryText' } as const;

/** The location component. `radiusKm` must come from `resolveRadiusKm`. */
export function locationScore(a: PreparedLocation, b: PreparedLocation, radiusKm: number): number {
  if (hasCoordinates(a) && hasCoordinates(b)) {
    return bandScore(bandStartKm(distanceKm(a, b)), radiusKm);
  }
  const level = sharedPlaceLevel(a, b);
  return level === null ? 0 : PLACE_SCORES[level];
}

/**
 * Whether `b` is within `radiusKm` of `a`, as a maximum-distance preference means it: the distance
 * band starts below the radius when both have coordinates; otherwise only the same city counts
 * (a shared region or country says nothing about distance).
 */
export function withinRadius(a: PreparedLocation, b: PreparedLocation, radiusKm: number): boolean {
  if (hasCoordinates(a) && hasCoordinates(b)) return bandStartKm(distanceKm(a, b)) < radiusKm;
  return sharedPlaceLevel(a, b) === 'city';
}

/** Why `locationScore` is nonzero, in the first argument's words; null when it is 0. */
export function explainLocation(a: PreparedLocation, b: PreparedLocation, radiusKm: number): LocationMatch | null {
  if (hasCoordinates(a) && hasCoordinates(b)) {
    const band = distanceBand(distanceKm(a, b));
    return band.minKm < radiusKm ? { kind: 'distance', minKm: band.minKm, maxKm: band.maxKm } : null;
  }
  const level = sharedPlaceLevel(a, b);
  if (level === null) return null;
  return { kind: level, place: displayText(a[PLACE_TEXT[level]]) };
}
