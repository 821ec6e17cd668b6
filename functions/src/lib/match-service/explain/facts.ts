// What an explanation may say about one match: only the signals that produced its score. The model
// and the templates both work from these facts, never from bios, names or other profile text.
import type { LocationMatch, MatchExplanation } from '../../matching/index.js';

export type MatchKind = 'person' | 'event';

export interface ExplanationFacts {
  kind: MatchKind;
  /** Event title (server-written data); absent for people. */
  title?: string;
  /** The caller's own tags that matched, in their spelling. */
  sharedInterests: string[];
  /** The caller's purposes that matched (people only). */
  sharedPurposes: string[];
  /** A phrase about place, e.g. "about 12 km apart", "both in Oakland"; absent when location did not score. */
  place?: string;
}

/** At most this many tags per list reach a prompt or template: enough to explain, bounded tokens. */
export const MAX_FACT_TAGS = 5;

function roundKm(km: number): number {
  return km < 1 ? 1 : km < 10 ? Math.round(km) : Math.round(km / 5) * 5;
}

export function describePlace(location: LocationMatch | null, kind: MatchKind): string | undefined {
  if (location === null) return undefined;
  if (location.kind === 'distance') {
    const km = roundKm(location.km);
    if (location.km < 1) return kind === 'person' ? 'less than 1 km apart' : 'less than 1 km from you';
    return kind === 'person' ? `about ${km} km apart` : `about ${km} km from you`;
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
