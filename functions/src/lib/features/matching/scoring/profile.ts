// A profile folded once for scoring: normalised tag keys and parsed location. Ranking a pool of
// candidates repeatedly (a warm instance, a benchmark) should prepare them once with
// `prepareProfile` and pass the prepared values; raw profiles are accepted too and folded per call
// into one reused scratch profile (`ScratchProfile`), so a raw candidate that does not make the
// cut costs no allocation. An explicit prepare step (rather than a hidden cache keyed on the input
// object) means a caller who edits a profile object can never be scored against a stale copy.
import { emptyLocation, fillLocation, locationFromKeys, prepareLocation, type PreparedLocation } from './location.js';
import type { LatLng } from './coarse-location.js';
import { fillTags, prepareTags, type PreparedTags } from './tags.js';
import type { MatchProfile } from './types.js';

const PREPARED = Symbol('matching.preparedProfile');

export interface PreparedProfile {
  readonly [PREPARED]: true;
  /** Non-empty string id, or undefined when the input had none. */
  readonly id: string | undefined;
  readonly interests: PreparedTags;
  readonly purposes: PreparedTags;
  readonly location: PreparedLocation;
}

export function readId(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function isPreparedProfile(value: unknown): value is PreparedProfile {
  return typeof value === 'object' && value !== null && PREPARED in value;
}

function fields(profile: unknown): MatchProfile {
  return typeof profile === 'object' && profile !== null ? (profile as MatchProfile) : {};
}

/** Folds a profile for scoring. Accepts anything: missing or malformed fields become empty. */
export function prepareProfile(profile: MatchProfile | PreparedProfile | null | undefined): PreparedProfile {
  if (isPreparedProfile(profile)) return profile;
  const raw = fields(profile);
  return {
    [PREPARED]: true,
    id: readId(raw.id),
    interests: prepareTags(raw.interests),
    purposes: prepareTags(raw.purposes),
    location: prepareLocation(raw.location),
  };
}

/** Stored, already-normalised matching fields (features/matching/derived/fields.ts). */
export interface StoredMatchKeys {
  id: string;
  interests: readonly string[];
  purposes: readonly string[];
  city: string;
  region: string;
  country: string;
  position: LatLng | null;
}

/**
 * A prepared profile straight from stored keys: the "prepared pool" path, no folding per request.
 * The keys are trusted to be what `prepareProfile` would compute (the server wrote them); tag
 * originals are the keys, which is fine because only the viewer's originals are ever shown.
 */
export function preparedFromKeys(stored: StoredMatchKeys): PreparedProfile {
  return {
    [PREPARED]: true,
    id: readId(stored.id),
    interests: { keys: stored.interests, originals: stored.interests },
    purposes: { keys: stored.purposes, originals: stored.purposes },
    location: locationFromKeys(stored),
  };
}

/**
 * One mutable prepared profile, refilled for each raw candidate. What `fill` returns is valid until
 * the next `fill`: score it, then let it go (keep the raw candidate, not the scratch).
 */
export class ScratchProfile {
  private readonly profile = {
    [PREPARED]: true as const,
    id: undefined as string | undefined,
    interests: { keys: [] as string[], originals: [] as string[] },
    purposes: { keys: [] as string[], originals: [] as string[] },
    location: emptyLocation(),
  };

  /** Prepared candidates pass through untouched; anything else is folded into the scratch. */
  fill(profile: unknown): PreparedProfile {
    if (isPreparedProfile(profile)) return profile;
    const raw = fields(profile);
    const scratch = this.profile;
    scratch.id = readId(raw.id);
    fillTags(raw.interests, scratch.interests);
    fillTags(raw.purposes, scratch.purposes);
    fillLocation(raw.location, scratch.location);
    return scratch;
  }
}
