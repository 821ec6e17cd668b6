// The three matching operations: read the caller, take the candidates from the prepared pools, rank
// them with the pure scorer (./scoring), explain the survivors with one model call, shape the response.
import type { BudgetMeter } from '../../platform/budget/types.js';
import type { Clock } from '../../platform/clock.js';
import type { Firestore } from 'firebase-admin/firestore';
import type { MatchingConfig, MatchTuning } from './settings.js';
import type { Logger } from '../../platform/logging.js';
import { prepareProfile, rankUserMatches, type UserRequirements } from './scoring/index.js';
import { applyPreferences, loadCallerProfile, preferenceRequirements } from './caller.js';
import { CONFIRM_DEPTH, confirmInRankOrder } from './confirm.js';
import { confirmSuggestable } from './exclusions.js';
import type { SharedMatchCache } from './shared-cache.js';
import { ReadCounter, type UserRecord } from './documents.js';
import { confirmEvents, loadPooledEvents } from './event-pool-retrieval.js';
import { rankEventsWithCrowd, type RankedEvents } from './event-ranking.js';
import type { EventWindow } from './event-retrieval.js';
import { explainMatches, type ExplainerDeps, type ExplainStats } from './explain/explainer.js';
import { blocksLoader, poolLoader, type BlocksLoader, type PoolLoader } from './request-reads.js';
import { eventItems, eventMatches, userItems, userMatches, type RankedUsers } from './responses.js';
import type { EventMatch, MatchPreferences, SuggestionsResponse, UserMatch } from './types.js';

export interface MatchServiceDeps {
  db: Firestore;
  explainer: ExplainerDeps;
  /** The per-instance cache of what every caller reads alike (shared-cache.ts); none = read each time. */
  shared?: SharedMatchCache;
  /** "Now" for the event windows: only upcoming events are matched. */
  clock: Clock;
  /** Replaces parts of MATCH_TUNING (tests). */
  tuning?: Partial<MatchTuning>;
}

/** The parts of the request's scope matching reads. */
export interface MatchScope {
  uid: string;
  settings: MatchingConfig;
  signal: AbortSignal;
  log: Logger;
  /** The caller's daily budgets, charged for the explanation call; none: not metered. */
  budget?: BudgetMeter;
}

/** Returned with every response body, for the handler's log line (never sent to the caller). */
export interface MatchRunStats {
  reads: ReadCounter;
  candidates: number;
  explain: ExplainStats;
}

export interface PeopleOptions {
  limit: number;
  radiusKm: number;
  /** What a person must have to be shown (the request's preferences filter: preferences.ts). */
  require?: UserRequirements;
}

/**
 * The people ranking every people surface uses (matchUsers, suggestions, the assistant's
 * suggest_people): the caller's blocks dropped, candidates from the prepared pool, ranked, then the
 * winners re-read in rank order (exclusions.ts: still suggestable, not blocking the caller) and
 * re-scored from those fresh records.
 */
export async function rankPeople(
  db: Firestore,
  viewer: UserRecord,
  options: PeopleOptions,
  reads: ReadCounter,
  pool: PoolLoader = poolLoader(db, reads),
  blocks: BlocksLoader = blocksLoader(db, viewer.id, reads),
): Promise<RankedUsers & { candidates: number }> {
  const [blocked, { profiles }] = await Promise.all([blocks(), pool()]);
  const allowed = profiles.filter((candidate) => candidate.id !== viewer.id && !blocked.has(candidate.id ?? ''));
  const scorer = prepareProfile(viewer);
  const { radiusKm, require } = options;
  const wide = rankUserMatches(scorer, allowed, { limit: options.limit * CONFIRM_DEPTH, radiusKm, require });
  const confirmed = await confirmInRankOrder(wide, options.limit, (batch) =>
    confirmSuggestable(db, viewer.id, batch, reads),
  );
  const records = [...confirmed.values()];
  const ranked = rankUserMatches(scorer, records, { limit: options.limit, radiusKm, require });
  return { ranked, byId: new Map(records.map((record) => [record.id, record])), candidates: allowed.length };
}

/**
 * The events of the window ranked for the viewer (event-ranking.ts): from the event pool, the winners
 * re-read (confirmEvents: a deleted or moved event, or one the caller joined since, is never shown),
 * each crowd from the people pool (suggestable people only).
 */
async function rankEventsFor(
  deps: MatchServiceDeps,
  viewer: UserRecord,
  window: EventWindow,
  options: { limit: number; settings: MatchingConfig },
  reads: ReadCounter,
  loaders: { pool: PoolLoader; blocks: BlocksLoader },
): Promise<RankedEvents> {
  const { settings, limit } = options;
  const [candidates, { byId: people }, blocked] = await Promise.all([
    loadPooledEvents(deps.db, window, reads, deps.shared),
    loaders.pool(),
    loaders.blocks(),
  ]);
  return rankEventsWithCrowd({
    db: deps.db,
    viewer,
    candidates,
    people,
    blocked,
    limit,
    radiusKm: settings.radiusKm,
    reads,
    confirm: (ids: string[]) => confirmEvents(deps.db, viewer.id, ids, window, reads),
  });
}

export { poolLoader } from './request-reads.js';

export async function matchUsersFor(
  deps: MatchServiceDeps,
  scope: MatchScope,
  request: { limit: number; preferences?: MatchPreferences },
): Promise<{ matches: UserMatch[]; stats: MatchRunStats }> {
  const reads = new ReadCounter();
  const caller = await loadCallerProfile(deps.db, scope.uid, reads);
  const viewer = applyPreferences(caller, request.preferences);
  const radiusKm = request.preferences?.maxDistanceKm ?? scope.settings.radiusKm;
  const users = await rankPeople(
    deps.db,
    viewer,
    {
      limit: request.limit,
      radiusKm,
      require: preferenceRequirements(request.preferences),
    },
    reads,
    poolLoader(deps.db, reads, deps.shared),
  );
  const { explanations, stats } = await explainMatches(userItems(caller.id, users), deps.explainer, scope);
  return { matches: userMatches(users, explanations), stats: { reads, candidates: users.candidates, explain: stats } };
}

export async function matchEventsFor(
  deps: MatchServiceDeps,
  scope: MatchScope,
  request: { limit: number; window: EventWindow },
): Promise<{ matches: EventMatch[]; stats: MatchRunStats }> {
  const reads = new ReadCounter();
  const caller = await loadCallerProfile(deps.db, scope.uid, reads);
  const events = await rankEventsFor(
    deps,
    caller,
    request.window,
    { limit: request.limit, settings: scope.settings },
    reads,
    { pool: poolLoader(deps.db, reads, deps.shared), blocks: blocksLoader(deps.db, caller.id, reads) },
  );
  const { explanations, stats } = await explainMatches(eventItems(caller.id, events), deps.explainer, scope);
  return {
    matches: eventMatches(events, explanations),
    stats: { reads, candidates: events.byId.size, explain: stats },
  };
}

/** Top people and events together, with ONE explanation call covering both lists. */
export async function suggestionsFor(
  deps: MatchServiceDeps,
  scope: MatchScope,
  request: { limit: number; window: EventWindow },
): Promise<SuggestionsResponse & { stats: MatchRunStats }> {
  const reads = new ReadCounter();
  const caller = await loadCallerProfile(deps.db, scope.uid, reads);
  const { settings } = scope;
  // One read of the pool and of the caller's blocks serves both lists: people and the events' crowds.
  const pool = poolLoader(deps.db, reads, deps.shared);
  const blocks = blocksLoader(deps.db, caller.id, reads);
  const [users, events] = await Promise.all([
    rankPeople(deps.db, caller, { limit: request.limit, radiusKm: settings.radiusKm }, reads, pool, blocks),
    rankEventsFor(deps, caller, request.window, { limit: request.limit, settings }, reads, { pool, blocks }),
  ]);
  const people = userItems(caller.id, users);
  const { explanations, stats } = await explainMatches(
    [...people, ...eventItems(caller.id, events)],
    deps.explainer,
    scope,
  );
  return {
    users: userMatches(users, explanations.slice(0, people.length)),
    events: eventMatches(events, explanations.slice(people.length)),
    stats: { reads, candidates: users.candidates + events.byId.size, explain: stats },
  };
}

/** `from` (default now, never earlier than now: only upcoming events) to `until` (default from + window). */
export function resolveEventWindow(
  request: { from?: string; until?: string },
  windowDays: number,
  nowMs: number,
): EventWindow {
  const now = new Date(nowMs);
  const requested = request.from === undefined ? now : new Date(request.from);
  const from = requested.getTime() < now.getTime() ? now : requested;
  const until =
    request.until === undefined ? new Date(from.getTime() + windowDays * 86_400_000) : new Date(request.until);
  return { from, until };
}
