// The three matching operations: read the caller, retrieve a bounded candidate set, rank it with
// the pure scorer (./scoring), explain the survivors with one model call, shape the response.
import type { Clock } from '../../platform/clock.js';
import type { Firestore } from 'firebase-admin/firestore';
import type { MatchingConfig } from '../../platform/config/index.js';
import type { Logger } from '../../platform/logging.js';
import { prepareProfile, rankEventMatches, rankUserMatches, type PreparedProfile } from './scoring/index.js';
import { applyPreferences, loadCallerProfile } from './caller.js';
import { loadPoolProfiles } from './candidate-pool.js';
import { retrieveUserCandidates } from './candidate-retrieval.js';
import { confirmSuggestable, loadBlockedIds } from './exclusions.js';
import type { SharedMatchCache } from './shared-cache.js';
import { ReadCounter, type EventRecord, type UserRecord } from './documents.js';
import { confirmEvents, loadPooledEvents } from './event-pool-retrieval.js';
import { attendeesFromPool, loadAttendees, retrieveUpcomingEvents, type EventWindow } from './event-retrieval.js';
import { explainMatches, type ExplainerDeps, type ExplainStats } from './explain/explainer.js';
import { eventItems, eventMatches, userItems, userMatches, type RankedEvents, type RankedUsers } from './responses.js';
import type { EventMatch, MatchPreferences, SuggestionsResponse, UserMatch } from './types.js';

export interface MatchServiceDeps {
  db: Firestore;
  explainer: ExplainerDeps;
  /** The per-instance cache of what every caller reads alike (shared-cache.ts); none = read each time. */
  shared?: SharedMatchCache;
  /** "Now" for the event windows: only upcoming events are matched. */
  clock: Clock;
}

export interface MatchScope {
  uid: string;
  settings: MatchingConfig;
  signal: AbortSignal;
  log: Logger;
}

/** Returned with every response body, for the handler's log line (never sent to the caller). */
export interface MatchRunStats {
  reads: ReadCounter;
  candidates: number;
  explain: ExplainStats;
}

/** The prepared pool, read at most once per request however many rankings use it. */
export type PoolLoader = () => Promise<{ profiles: PreparedProfile[]; byId: Map<string, PreparedProfile> }>;

export function poolLoader(db: Firestore, reads: ReadCounter, shared?: SharedMatchCache): PoolLoader {
  const load = () =>
    loadPoolProfiles(db, reads).then((profiles) => ({
      profiles,
      byId: new Map(profiles.map((profile) => [profile.id as string, profile])),
    }));
  let loaded: ReturnType<PoolLoader> | undefined;
  return () => (loaded ??= shared === undefined ? load() : shared.get('pool', load));
}

/** Winners confirmed per round beyond the ones still needed: a little slack for candidates dropped. */
export const CONFIRM_SLACK = 2;
/** Ranked winners considered at most, as a multiple of the limit, before giving up on filling it. */
export const CONFIRM_DEPTH = 4;

/**
 * Re-reads ranked winners in rank order, in batches of what is still missing plus a little slack,
 * until `limit` are confirmed or the ranking runs out: candidates ranked from a pool are hints, and
 * only what `confirm` returns (read fresh) may be shown.
 */
export async function confirmInRankOrder<T>(
  ranked: readonly { id: string }[],
  limit: number,
  confirm: (ids: string[]) => Promise<Map<string, T>>,
): Promise<Map<string, T>> {
  const confirmed = new Map<string, T>();
  for (let next = 0; next < ranked.length && confirmed.size < limit;) {
    const batch = ranked.slice(next, next + limit - confirmed.size + CONFIRM_SLACK).map((match) => match.id);
    next += batch.length;
    for (const [id, value] of await confirm(batch)) confirmed.set(id, value);
  }
  return confirmed;
}

export interface PeopleOptions {
  limit: number;
  radiusKm: number;
  cap: number;
  sameCity: boolean;
}

/**
 * The people ranking every people surface uses (matchUsers, suggestions, the assistant's
 * suggest_people): the caller's blocks dropped, candidates from the prepared pool (or, while it is
 * empty, the bounded queries), ranked, then the winners re-read in rank order (exclusions.ts: still
 * suggestable, not blocking the caller) and re-scored from those fresh records.
 */
export async function rankPeople(
  db: Firestore,
  viewer: UserRecord,
  options: PeopleOptions,
  reads: ReadCounter,
  pool: PoolLoader = poolLoader(db, reads),
): Promise<RankedUsers & { candidates: number }> {
  const [blocked, prepared] = await Promise.all([loadBlockedIds(db, viewer.id, reads), pool()]);
  const candidatesFromPool = prepared.profiles;
  const fresh = new Map<string, UserRecord>();
  let candidates: (PreparedProfile | UserRecord)[] = candidatesFromPool;
  if (candidatesFromPool.length === 0) {
    const records = await retrieveUserCandidates(db, viewer, options, reads);
    for (const record of records) fresh.set(record.id, record);
    candidates = records;
  }
  const allowed = candidates.filter((candidate) => candidate.id !== viewer.id && !blocked.has(candidate.id ?? ''));
  const scorer = prepareProfile(viewer);
  const wide = rankUserMatches(scorer, allowed, { limit: options.limit * CONFIRM_DEPTH, radiusKm: options.radiusKm });
  const confirmed = await confirmInRankOrder(wide, options.limit, (batch) =>
    confirmSuggestable(db, viewer.id, batch, reads, fresh),
  );
  const records = [...confirmed.values()];
  const ranked = rankUserMatches(scorer, records, { limit: options.limit, radiusKm: options.radiusKm });
  return { ranked, byId: new Map(records.map((record) => [record.id, record])), candidates: allowed.length };
}

/**
 * Every pooled event in the window ranked (the crowd's interests from the prepared people pool),
 * then the winners re-read in rank order (event-pool-retrieval.ts confirmEvents) and re-scored from
 * those fresh records: an event the caller attends, or one deleted or moved, is never shown.
 */
async function rankPooledEvents(
  db: Firestore,
  viewer: UserRecord,
  window: EventWindow,
  pooled: readonly EventRecord[],
  options: { limit: number; settings: MatchingConfig },
  reads: ReadCounter,
  pool: PoolLoader,
): Promise<RankedEvents> {
  const { radiusKm } = options.settings;
  const { byId: people } = await pool();
  // A caller among an event's first attendees attends it: no need to rank it.
  const open = pooled.filter((event) => !event.attendeeIds.includes(viewer.id));
  const scorer = prepareProfile(viewer);
  const wide = rankEventMatches(scorer, open, {
    limit: options.limit * CONFIRM_DEPTH,
    radiusKm,
    attendeesByEvent: attendeesFromPool(open, viewer.id, people),
  });
  const confirmed = await confirmInRankOrder(wide, options.limit, (batch) =>
    confirmEvents(db, viewer.id, batch, window, reads),
  );
  const events = [...confirmed.values()];
  const ranked = rankEventMatches(scorer, events, {
    limit: options.limit,
    radiusKm,
    attendeesByEvent: attendeesFromPool(events, viewer.id, people),
  });
  return { ranked, byId: new Map(events.map((event) => [event.id, event])) };
}

async function rankEventsFor(
  deps: MatchServiceDeps,
  viewer: UserRecord,
  window: EventWindow,
  options: { limit: number; settings: MatchingConfig },
  reads: ReadCounter,
  pool: PoolLoader,
): Promise<RankedEvents> {
  const { settings } = options;
  const pooledEvents = await loadPooledEvents(deps.db, window, reads, deps.shared);
  if (pooledEvents !== undefined) return rankPooledEvents(deps.db, viewer, window, pooledEvents, options, reads, pool);
  // No event pool for the window yet (not backfilled): the soonest events, straight from events/.
  const upcoming = await retrieveUpcomingEvents(deps.db, window, settings.eventCap, viewer.id, reads, deps.shared);
  // Events the caller already attends are not suggestions.
  const events = upcoming.filter((event) => !event.viewerAttends);
  // The crowd's interests come from the prepared pool when there is one (no read per attendee, and
  // only suggestable people are in it); otherwise from a bounded getAll of attendee profiles.
  const { byId: pooled } = await pool();
  const attendeesByEvent =
    pooled.size > 0
      ? attendeesFromPool(events, viewer.id, pooled)
      : await loadAttendees(deps.db, events, viewer.id, settings.attendeeCap, reads);
  const ranked = rankEventMatches(viewer, events, {
    limit: options.limit,
    radiusKm: settings.radiusKm,
    attendeesByEvent,
  });
  return { ranked, byId: new Map(events.map((event) => [event.id, event])) };
}

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
    { limit: request.limit, radiusKm, cap: scope.settings.candidateCap, sameCity: scope.settings.sameCityQuery },
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
    poolLoader(deps.db, reads, deps.shared),
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
  // One read of the pool serves both lists: the people ranking and the events' crowd signal.
  const pool = poolLoader(deps.db, reads, deps.shared);
  const [users, events] = await Promise.all([
    rankPeople(
      deps.db,
      caller,
      {
        limit: request.limit,
        radiusKm: settings.radiusKm,
        cap: settings.candidateCap,
        sameCity: settings.sameCityQuery,
      },
      reads,
      pool,
    ),
    rankEventsFor(deps, caller, request.window, { limit: request.limit, settings }, reads, pool),
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
