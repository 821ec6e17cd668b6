// The fields matching derives from a profile, written server-side into `users/{uid}.match` by the
// profile trigger (handlers/matchProfileSync.ts) and the backfill command, so a request ranks
// stored keys instead of folding raw text (docs/matching.md, "Derived fields"):
//
//   match: { v, visible, interests[], purposes[], city, region, country, placeKey, position, geohash }
//
// Derived from the user-owned fields only (interests, purposes, location, discoverable) plus the
// server-owned `accountState`, read through the same bounds as a request (documents.ts), so the
// stored keys are exactly what the scorer would compute. The position is the ~1 km grid cell's
// point (scoring/coarse-location.ts), never the raw one, and the geohash is the cell point's: a
// geohash range query can then only ever find cells, as the privacy design requires.
import { geohashForLocation } from 'geofire-common';
import type { DocumentData } from 'firebase-admin/firestore';
import { boundedPlace, boundedTags, isSuggestable } from '../documents.js';
import { normalizePlace, prepareProfile } from '../scoring/index.js';
import { POOL_ENTRY_MAX_BYTES, poolEntryBytes, poolEntryOf } from './pool.js';

/**
 * Bumped whenever the derivation changes: the backfill rewrites every profile with an older `v`.
 * 2: tag lists cut to fit the pool entry's byte bound; a hidden profile derives to blank fields.
 */
export const MATCH_FIELDS_VERSION = 2;

/** Geohash characters stored: ~4.8 m x 4.8 m, finer than any cell, so bounds never cut a cell point off. */
export const GEOHASH_PRECISION = 9;

/** Tags kept per list in the derived fields: the request schemas' bounds (30 interests, 10 purposes). */
export const DERIVED_TAG_LIMITS = Object.freeze({ interests: 30, purposes: 10 });

export interface MatchFields {
  v: number;
  /** False when `discoverable: false` or the account state is hidden: out of every suggestion. */
  visible: boolean;
  /** Normalised tag keys (scoring/normalize.ts), distinct, in the person's order. */
  interests: string[];
  purposes: string[];
  /** Folded place names ('' when missing), as the scorer compares them. */
  city: string;
  region: string;
  country: string;
  /** "country|region|city" when a city is known, for an equality query on the place; else null. */
  placeKey: string | null;
  /** The grid cell's point of a usable position, or null. */
  position: { lat: number; lng: number } | null;
  /** Geohash of `position` (geofire-common), or null. */
  geohash: string | null;
}

function folded(name: string | undefined): string {
  return name === undefined ? '' : normalizePlace(name);
}

/**
 * The fields with their tag lists cut, from the end of the longer list, until the pool entry takes at
 * most POOL_ENTRY_MAX_BYTES (pool.ts): a bound in bytes, so CJK text costs what it weighs.
 */
export function fitPoolEntry(fields: MatchFields): MatchFields {
  const interests = [...fields.interests];
  const purposes = [...fields.purposes];
  const size = () => poolEntryBytes(poolEntryOf({ ...fields, interests, purposes }));
  while (size() > POOL_ENTRY_MAX_BYTES && interests.length + purposes.length > 0) {
    if (interests.length >= purposes.length) interests.pop();
    else purposes.pop();
  }
  return interests.length === fields.interests.length && purposes.length === fields.purposes.length
    ? fields
    : { ...fields, interests, purposes };
}

/** What a hidden profile (not discoverable, suspended, deleted) derives to: nothing but `visible: false`. */
function hiddenFields(): MatchFields {
  return {
    v: MATCH_FIELDS_VERSION,
    visible: false,
    interests: [],
    purposes: [],
    city: '',
    region: '',
    country: '',
    placeKey: null,
    position: null,
    geohash: null,
  };
}

/**
 * The derived fields of a `users/{uid}` document's data. Pure and deterministic. A hidden profile
 * derives to blank fields whatever it holds: it is in no pool and no query needs its keys.
 */
export function deriveMatchFields(data: DocumentData): MatchFields {
  // A hidden profile has nothing in the pool, so nothing to derive: its edits are no-ops.
  if (!isSuggestable(data)) return hiddenFields();
  const place = boundedPlace(data.location);
  const prepared = prepareProfile({
    interests: boundedTags(data.interests),
    purposes: boundedTags(data.purposes),
  });
  const city = folded(place?.city);
  const region = folded(place?.region);
  const country = folded(place?.country);
  const position = place?.lat !== undefined && place.lng !== undefined ? { lat: place.lat, lng: place.lng } : null;
  return fitPoolEntry({
    v: MATCH_FIELDS_VERSION,
    visible: true,
    interests: prepared.interests.keys.slice(0, DERIVED_TAG_LIMITS.interests),
    purposes: prepared.purposes.keys.slice(0, DERIVED_TAG_LIMITS.purposes),
    city,
    region,
    country,
    placeKey: city === '' ? null : `${country}|${region}|${city}`,
    position,
    geohash: position === null ? null : geohashForLocation([position.lat, position.lng], GEOHASH_PRECISION),
  });
}

function sameList(a: unknown, b: readonly string[]): boolean {
  return Array.isArray(a) && a.length === b.length && a.every((value, i) => value === b[i]);
}

/**
 * Whether `stored` (the document's current `match` value) already equals `derived`. The trigger
 * writes only when this is false, so its own write, which changes nothing it derives from, ends
 * the chain instead of looping.
 */
export function matchFieldsEqual(stored: unknown, derived: MatchFields): boolean {
  if (stored === null || typeof stored !== 'object') return false;
  const s = stored as Record<string, unknown>;
  const position = s.position as { lat?: unknown; lng?: unknown } | null | undefined;
  const samePosition =
    derived.position === null
      ? position === null
      : typeof position === 'object' &&
        position !== null &&
        position.lat === derived.position.lat &&
        position.lng === derived.position.lng;
  return (
    s.v === derived.v &&
    s.visible === derived.visible &&
    sameList(s.interests, derived.interests) &&
    sameList(s.purposes, derived.purposes) &&
    s.city === derived.city &&
    s.region === derived.region &&
    s.country === derived.country &&
    s.placeKey === derived.placeKey &&
    s.geohash === derived.geohash &&
    samePosition
  );
}
