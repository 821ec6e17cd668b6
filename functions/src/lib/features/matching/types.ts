// Response shapes of matchUsers, matchEvents and suggestions, and the per-request settings the
// service reads from the configuration.
import type { MatchComponents, MatchExplanation } from './scoring/index.js';

/** Where an explanation's text came from. A cached model explanation is still 'model'. */
export type ExplanationSource = 'model' | 'template';

export interface UserMatch {
  userId: string;
  displayName: string | null;
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
  score: number;
  components: MatchComponents;
  matched: MatchExplanation;
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
