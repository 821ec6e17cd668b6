// Deterministic, explainable matching: pure functions, no I/O.
export { scoreUserMatch, scoreEventMatch, USER_MATCH_WEIGHTS, EVENT_MATCH_WEIGHTS } from './score.js';
export { rankUserMatches, rankEventMatches, DEFAULT_LIMIT, DEFAULT_THRESHOLD, MAX_LIMIT } from './rank.js';
export {
  prepareProfile,
  preparedFromKeys,
  isPreparedProfile,
  type PreparedProfile,
  type StoredMatchKeys,
} from './profile.js';
export { DEFAULT_RADIUS_KM, PLACE_SCORES, coarsenLocation, coarsePosition } from './location.js';
export { MAX_RADIUS_KM, MIN_RADIUS_KM } from './distance-band.js';
export { CELL_KM } from './coarse-location.js';
export { ATTENDEE_INTEREST_WEIGHT, CROWD_MIN_SHARERS } from './event-signal.js';
export { normalizeTag, normalizePlace } from './normalize.js';
export type {
  AttendeesByEvent,
  EventMatchComponents,
  EventMatchExplanation,
  EventMatchScore,
  EventRankOptions,
  LocationMatch,
  MatchComponents,
  MatchEvent,
  MatchExplanation,
  MatchLocation,
  MatchProfile,
  MatchScore,
  RankedEventMatch,
  RankedMatch,
  RankOptions,
  ScoreOptions,
  UserRankOptions,
  UserRequirements,
} from './types.js';
