// Response shapes of matchUsers, matchEvents and suggestions, and the per-request settings the
// service reads from the configuration.
import type {
  EventMatchComponents,
  EventMatchExplanation,
  MatchComponents,
  MatchExplanation,
} from './scoring/index.js';

/** Where an explanation's text came from. A cached model explanation is still 'model'. */
export type ExplanationSource = 'model' | 'template';

export interface UserMatch {
  userId: string;
  displayName: string | null;
  /** Two decimals, as every surface shows scores (components likewise). */
  score: number;
  components: MatchComponents;
  matched: MatchExplanation;
  explanation: string;
  explanationSource: ExplanationSource;
}

export interface EventMatch {
  eventId: string;
  title: string | null;
  /** ISO 8601. */
  startsAt: string;
  /** The event's IANA zone, when it names one. */
  timeZone?: string;
  /** Two decimals, as every surface shows scores. */
  score: number;
  /** The event formula's components only: interests (tags and the shared crowd) and location. */
  components: EventMatchComponents;
  /** The event's own tags that matched, apart from the interests at least 3 of its attendees share. */
  matched: EventMatchExplanation;
  explanation: string;
  explanationSource: ExplanationSource;
}

export interface UserMatchesResponse {
  matches: UserMatch[];
}

export interface EventMatchesResponse {
  matches: EventMatch[];
}

export interface SuggestionsResponse {
  users: UserMatch[];
  events: EventMatch[];
}

/** What the caller may override for one matchUsers request. */
export interface MatchPreferences {
  interests?: string[];
  purposes?: string[];
  maxDistanceKm?: number;
}
