// Top matches for a viewer: score every candidate, keep those strictly above the threshold, return
// the best `limit` (ties by id). Candidates without a string id, the viewer themself and repeated ids
// are left out. Only the survivors get explanations built, so the per-candidate cost is the score.
import { prepareProfile, readId, ScratchProfile, type PreparedProfile } from './profile.js';
import { EventMatchScorer, UserMatchScorer } from './score.js';
import { TopN } from './top-n.js';
import type {
  AttendeesByEvent,
  EventMatchScore,
  EventRankOptions,
  MatchEvent,
  MatchProfile,
  RankedEventMatch,
  RankedMatch,
  UserRankOptions,
} from './types.js';

export const DEFAULT_LIMIT = 5;
export const MAX_LIMIT = 1000;
export const DEFAULT_THRESHOLD = 0.1;

function resolveLimit(limit: unknown): number {
  if (typeof limit !== 'number' || !Number.isFinite(limit) || limit < 0) return DEFAULT_LIMIT;
  return Math.min(Math.floor(limit), MAX_LIMIT);
}

function resolveThreshold(threshold: unknown): number {
  return typeof threshold === 'number' && Number.isFinite(threshold) ? threshold : DEFAULT_THRESHOLD;
}

/** Best-matching people for `user` among `candidates` (raw or prepared profiles). */
export function rankUserMatches(
  user: MatchProfile | PreparedProfile,
  candidates: readonly (MatchProfile | PreparedProfile)[],
  options?: UserRankOptions | null,
): RankedMatch[] {
  if (!Array.isArray(candidates)) return [];
  const scorer = new UserMatchScorer(user, options ?? undefined);
  const viewerId = scorer.viewer.id;
  const threshold = resolveThreshold(options?.threshold);
  const top = new TopN<MatchProfile | PreparedProfile>(resolveLimit(options?.limit));
  const scratch = new ScratchProfile();

  for (const candidate of candidates as readonly unknown[]) {
    if (typeof candidate !== 'object' || candidate === null) continue;
    const prepared = scratch.fill(candidate);
    const id = prepared.id;
    if (id === undefined || id === viewerId || !scorer.meets(prepared, options?.require)) continue;
    const score = scorer.score(prepared);
    // Keep the candidate itself: the scratch is refilled on the next iteration.
    if (score > threshold) top.offer(id, score, candidate as MatchProfile);
  }
  return top.results().map(({ id, item }) => ({ id, ...scorer.explain(prepareProfile(item)) }));
}

function attendeesFor(byEvent: AttendeesByEvent | undefined, eventId: string): readonly MatchProfile[] | undefined {
  if (byEvent === undefined || byEvent === null || typeof byEvent !== 'object') return undefined;
  if (byEvent instanceof Map) return byEvent.get(eventId);
  const record = byEvent as Readonly<Record<string, readonly MatchProfile[]>>;
  return Object.hasOwn(record, eventId) ? record[eventId] : undefined;
}

/** Best-matching events for `user`; attendees' interests count when `attendeesByEvent` has them. */
export function rankEventMatches(
  user: MatchProfile | PreparedProfile,
  events: readonly MatchEvent[],
  options?: EventRankOptions | null,
): RankedEventMatch[] {
  if (!Array.isArray(events)) return [];
  const scorer = new EventMatchScorer(user, options ?? undefined);
  const threshold = resolveThreshold(options?.threshold);
  const top = new TopN<EventMatchScore>(resolveLimit(options?.limit));

  for (const event of events as readonly unknown[]) {
    if (typeof event !== 'object' || event === null) continue;
    const id = readId((event as MatchEvent).id);
    if (id === undefined) continue;
    const result = scorer.explain(event as MatchEvent, attendeesFor(options?.attendeesByEvent, id));
    if (result.score > threshold) top.offer(id, result.score, result);
  }
  return top.results().map(({ id, item }) => ({ id, ...item }));
}
