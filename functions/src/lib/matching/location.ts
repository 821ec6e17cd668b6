/**
 * Location closeness in [0, 1].
 *
 * Both sides have usable coordinates: linear distance decay,
 *
 *     location = max(0, 1 - d / radiusKm)      (d = great-circle distance, haversine, in km)
 *
 * so 1 at 0 km, 0.5 at half the radius, 0 at the radius and beyond (default radius 50 km). Linear
 * rather than a smooth curve because it explains itself: "12 km apart" maps to a number a reviewer
 * can recompute. Coordinates are usable when both are finite and in range; (0, 0) is treated as
 * missing, since it is far more often an unset default than a real position.
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
import { displayText, normalizePlace } from './normalize.js';
import type { LocationMatch } from './types.js';

export const DEFAULT_RADIUS_KM = 50;
export const PLACE_SCORES = Object.freeze({ city: 1, region: 0.6, country: 0.3 });

/** Mean Earth radius (IUGG), km. */
const EARTH_RADIUS_KM = 6371.0088;
const DEG = Math.PI / 180;

/**
 * Flat on purpose (no nested objects, '' for a missing name): ranking can refill one scratch
 * instance per raw candidate instead of allocating.
 */
export interface PreparedLocation {
  /** Latitude in radians, or NaN when coordinates are unusable. */
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
  return { lat: NaN, lng: NaN, cosLat: NaN, city: '', region: '', country: '', cityText: '', regionText: '', countryText: '' };
}

export const NO_LOCATION: Readonly<PreparedLocation> = Object.freeze(emptyLocation());

function placeKey(value: unknown): string {
  return typeof value === 'string' ? normalizePlace(value) : '';
}

function usableCoordinates(lat: unknown, lng: unknown): lat is number {
  return (
    typeof lat === 'number' && typeof lng === 'number' &&
    Number.isFinite(lat) && Number.isFinite(lng) &&
    Math.abs(lat) <= 90 && Math.abs(lng) <= 180 &&
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
  const usable = usableCoordinates(raw.lat, raw.lng);
  into.lat = usable ? (raw.lat as number) * DEG : NaN;
  into.lng = usable ? (raw.lng as number) * DEG : NaN;
  into.cosLat = Math.cos(into.lat);
  return into;
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
 * Great-circle distance in km. Uses |Δ| so that swapping the points gives a bit-identical result.
 */
export function distanceKm(a: PreparedLocation, b: PreparedLocation): number {
  const sinLat = Math.sin(Math.abs(a.lat - b.lat) / 2);
  const sinLng = Math.sin(Math.abs(a.lng - b.lng) / 2);
  const h = sinLat * sinLat + a.cosLat * b.cosLat * sinLng * sinLng;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A radius option from untrusted input: finite and positive, else the default. */
export function resolveRadiusKm(radiusKm: unknown): number {
  return typeof radiusKm === 'number' && Number.isFinite(radiusKm) && radiusKm > 0
    ? radiusKm
    : DEFAULT_RADIUS_KM;
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

/** The location component. `radiusKm` must already be resolved (positive, finite). */
export function locationScore(a: PreparedLocation, b: PreparedLocation, radiusKm: number): number {
  if (hasCoordinates(a) && hasCoordinates(b)) {
    return Math.max(0, 1 - distanceKm(a, b) / radiusKm);
  }
  const level = sharedPlaceLevel(a, b);
  return level === null ? 0 : PLACE_SCORES[level];
}

/** Why `locationScore` is nonzero, in the first argument's words; null when it is 0. */
export function explainLocation(
  a: PreparedLocation,
  b: PreparedLocation,
  radiusKm: number,
): LocationMatch | null {
  if (hasCoordinates(a) && hasCoordinates(b)) {
    const km = distanceKm(a, b);
    return km < radiusKm ? { kind: 'distance', km: Math.round(km * 10) / 10 } : null;
  }
  const level = sharedPlaceLevel(a, b);
  if (level === null) return null;
  return { kind: level, place: displayText(a[PLACE_TEXT[level]]) };
}
