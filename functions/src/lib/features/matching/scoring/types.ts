// Input and output shapes of the match scorer. Inputs are deliberately loose (`unknown` fields):
// they come straight from Firestore documents, and missing or malformed data must score 0, never throw.

/** The place fields shared by `users/{uid}.location` and `events/{id}.location`. */
export interface MatchLocation {
  city?: unknown;
  region?: unknown;
  country?: unknown;
  lat?: unknown;
  lng?: unknown;
}

/** The fields of `users/{uid}` the scorer reads. Anything else on the document is ignored. */
export interface MatchProfile {
  id?: unknown;
  interests?: unknown;
  purposes?: unknown;
  location?: unknown;
}

/** The fields of `events/{id}` the scorer reads. */
export interface MatchEvent {
  id?: unknown;
  tags?: unknown;
  location?: unknown;
}

export interface MatchComponents {
  /** Interest overlap in [0, 1]. */
  interests: number;
  /** Purpose overlap in [0, 1]. */
  purpose: number;
  /** Location closeness in [0, 1], from the distance band or the shared place name: two decimals. */
  location: number;
}

/**
 * What made two places score: a distance band (both sides had coordinates; `minKm` <= distance <
 * `maxKm` between the two ~1 km grid cells, never a finer number) or a shared place name.
 */
export type LocationMatch =
  { kind: 'distance'; minKm: number; maxKm: number } | { kind: 'city' | 'region' | 'country'; place: string };

export interface MatchExplanation {
  /** The first argument's (the viewer's) interests that matched, in their original spelling and order. */
  interests: string[];
  /** The first argument's purposes that matched, likewise. */
  purposes: string[];
  /** Why the location component is nonzero (the first argument's place name), or null when it is 0. */
  location: LocationMatch | null;
}

export interface MatchScore {
  /** Weighted sum of the components, in [0, 1]. */
  score: number;
  components: MatchComponents;
  matched: MatchExplanation;
}

/** One ranked result: the candidate's id plus its score and explanation. */
export interface RankedMatch extends MatchScore {
  id: string;
}

/** The event formula's components: there is no purpose in it. */
export interface EventMatchComponents {
  /** Overlap in [0, 1] of the viewer's interests with the event's tags and its crowd's shared interests. */
  interests: number;
  /** Location closeness in [0, 1], as for people. */
  location: number;
}

/** Where an event match's signals come from, in the viewer's spelling and order. */
export interface EventMatchExplanation {
  /** The viewer's interests that the event's own tags match. */
  tags: string[];
  /** The viewer's interests that at least CROWD_MIN_SHARERS of its attendees share (event-signal.ts). */
  crowdInterests: string[];
  location: LocationMatch | null;
}

export interface EventMatchScore {
  score: number;
  components: EventMatchComponents;
  matched: EventMatchExplanation;
}

export interface RankedEventMatch extends EventMatchScore {
  id: string;
}

export interface ScoreOptions {
  /** Distance at which the location component reaches 0 (km). Default 50; kept in [1, 200] and
   * rounded up to a distance-band edge (distance-band.ts). */
  radiusKm?: number;
}

export interface RankOptions extends ScoreOptions {
  /** Maximum results. Default 5, capped at 1000. */
  limit?: number;
  /** Only scores strictly above this are returned. Default 0.1. */
  threshold?: number;
}

/**
 * What a people result must have to be returned at all (preferences filter, they do not only boost):
 * at least one of the viewer's interests, at least one of their purposes, and a place within the radius.
 */
export interface UserRequirements {
  interests?: boolean;
  purposes?: boolean;
  withinRadius?: boolean;
}

export interface UserRankOptions extends RankOptions {
  require?: UserRequirements;
}

/** Attendee profiles per event id, as a Map or a plain object. */
export type AttendeesByEvent =
  ReadonlyMap<string, readonly MatchProfile[]> | Readonly<Record<string, readonly MatchProfile[]>>;

export interface EventRankOptions extends RankOptions {
  attendeesByEvent?: AttendeesByEvent;
}
