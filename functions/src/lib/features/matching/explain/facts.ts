// What an explanation may say about one match: only the signals that produced its score. The model
// and the templates both work from these facts, never from bios, names or other profile text.
import type { LocationMatch, MatchExplanation } from '../scoring/index.js';

export type MatchKind = 'person' | 'event';

export interface ExplanationFacts {
  kind: MatchKind;
  /** Event title (server-written data); absent for people. */
  title?: string;
  /** The caller's own tags that matched, in their spelling. */
  sharedInterests: string[];
  /** The caller's purposes that matched (people only). */
  sharedPurposes: string[];
  /** A phrase about place, e.g. "10-15 km apart", "both in Oakland"; absent when location did not score.
   * Built from the distance band only, so the model and the templates never see a finer distance. */
  place?: string;
}

/** At most this many tags per list reach a prompt or template: enough to explain, bounded tokens. */
export const MAX_FACT_TAGS = 5;

/** "less than 1 km" or "10-15 km": the band and nothing finer (features/matching/scoring/distance-band.ts). */
function bandText(minKm: number, maxKm: number): string {
  return minKm === 0 ? `less than ${maxKm} km` : `${minKm}-${maxKm} km`;
}

export function describePlace(location: LocationMatch | null, kind: MatchKind): string | undefined {
  if (location === null) return undefined;
  if (location.kind === 'distance') {
    const band = bandText(location.minKm, location.maxKm);
    return kind === 'person' ? `${band} apart` : `${band} from you`;
  }
  return kind === 'person' ? `both in ${location.place}` : `in ${location.place}, like you`;
}

export function explanationFacts(kind: MatchKind, matched: MatchExplanation, title?: string | null): ExplanationFacts {
  const place = describePlace(matched.location, kind);
  return {
    kind,
    ...(kind === 'event' && title ? { title } : {}),
    sharedInterests: matched.interests.slice(0, MAX_FACT_TAGS),
    sharedPurposes: kind === 'person' ? matched.purposes.slice(0, MAX_FACT_TAGS) : [],
    ...(place !== undefined ? { place } : {}),
  };
}
