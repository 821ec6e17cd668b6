// Matching as a service: bounded retrieval from Firestore, ranking by the pure scorer in
// features/matching/scoring, one Gemini call for explanations with template fallback.
export { matchUsersFor, matchEventsFor, suggestionsFor, resolveEventWindow, rankPeople } from './service.js';
export type { PeopleOptions } from './service.js';
export { findEventsFor, suggestPeopleFor, publicEvent, eventFilter } from './assistant-queries.js';
export type { AssistantScope, EventCard, PersonCard, PublicEvent, EventSearch } from './assistant-queries.js';
export type { MatchScope, MatchServiceDeps, MatchRunStats } from './service.js';
export { matchServiceDeps } from './deps.js';
export {
  MATCH_TUNING,
  matchingSettings,
  type MatchingConfig,
  type MatchingOptions,
  type MatchTuning,
} from './settings.js';
export { answerMatchEvents, answerMatchUsers, answerSuggestions, type MatchRequest } from './requests.js';
export * from './schemas.js';
export { profileNotFound } from './caller.js';
export { MAX_ATTENDEES_PER_EVENT } from './event-retrieval.js';
export { CROWD_MIN_SHARERS } from './scoring/index.js';
export { ReadCounter } from './documents.js';
export { explainMatches, explanationCacheKey } from './explain/explainer.js';
export type { ExplainItem, Explanation, ExplainerDeps, ExplainerSettings, ExplainStats } from './explain/explainer.js';
export { PROMPT_VERSION } from './explain/prompt.js';
export type { ExplanationModel, ExplanationRequest } from './explain/model.js';
export type * from './types.js';
export { reportMatchRun, MATCH_RUN_LOG_MESSAGE } from './report.js';
export { deriveMatchFields, matchFieldsEqual, MATCH_FIELDS_VERSION } from './derived/fields.js';
export { isHiddenAccountState, HIDDEN_ACCOUNT_STATES } from './account-state.js';
export type { MatchFields } from './derived/fields.js';
export { syncAfterWrite, syncMatchFields, backfillMatchFields, type SyncOutcome } from './derived/sync.js';
export {
  POOL_COLLECTION,
  POOL_SHARD_COUNT,
  POOL_OVERFLOW_LEVELS,
  PoolFullError,
  poolShardOf,
  poolShardAt,
} from './derived/pool.js';
export { storedPoolLevel } from './derived/sync.js';
export {
  syncEventPoolEntry,
  syncAfterEventWrite,
  syncAfterAttendanceWrite,
  backfillEventPool,
  type EventSyncOutcome,
} from './derived/event-sync.js';
export { EVENT_POOL_COLLECTION, eventPoolDayOf } from './derived/event-pool.js';
export { backfillPools, BACKFILL_MARK, POOL_LAYOUT, type BackfillResult } from './derived/backfill.js';
export { instanceSharedCache, SharedMatchCache } from './shared-cache.js';
export { hideFromMatching, removeFromEvents, removePoolEntry } from './erasure.js';
export type { EventErasureCounts, MatchingErasureOptions } from './erasure.js';
export { attendedEventsOf, blocksOf, profileOf } from './export.js';
