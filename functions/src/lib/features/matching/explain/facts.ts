// What an explanation may say about one match: only the signals that produced its score. The model
// and the templates both work from these facts, never from bios, names or other profile text.
import type { EventMatchExplanation, LocationMatch, MatchExplanation } from '../scoring/index.js';

export type MatchKind = 'person' | 'event';

export interface ExplanationFacts {
  kind: MatchKind;
  /** Event title (server-written data); absent for people. */
  title?: string;
  /** The caller's own tags that matched (a person's interests, or an event's own tags), in their spelling. */
  sharedInterests: string[];
  /** Events: the caller's interests that at least three people going share (never who). */
  crowdInterests?: string[];
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

export function personFacts(matched: MatchExplanation): ExplanationFacts {
  const place = describePlace(matched.location, 'person');
  return {
    kind: 'person',
    sharedInterests: matched.interests.slice(0, MAX_FACT_TAGS),
    sharedPurposes: matched.purposes.slice(0, MAX_FACT_TAGS),
    ...(place !== undefined ? { place } : {}),
  };
}

export function eventFacts(matched: EventMatchExplanation, title?: string | null): ExplanationFacts {
  const place = describePlace(matched.location, 'event');
  const crowd = matched.crowdInterests.slice(0, MAX_FACT_TAGS);
  return {
    kind: 'event',
    ...(title ? { title } : {}),
    sharedInterests: matched.tags.slice(0, MAX_FACT_TAGS),
    ...(crowd.length > 0 ? { crowdInterests: crowd } : {}),
    sharedPurposes: [],
    ...(place !== undefined ? { place } : {}),
  };
}
