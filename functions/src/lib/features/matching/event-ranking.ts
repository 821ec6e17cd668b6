// The one event ranking every event surface uses (matchEvents, suggestions, the assistant's
// find_events): candidates ranked with the crowd signal from the people the caller may see, the
// winners confirmed in rank order (re-read where they came from the event pool, and their crowds cut
// to who may count: crowd.ts), then re-scored from those confirmed records, so what is shown (the
// score, the crowd's interests) rests only on the confirmed crowd.
import type { Firestore } from 'firebase-admin/firestore';
import { prepareProfile, rankEventMatches, type MatchProfile, type RankedEventMatch } from './scoring/index.js';
import { confirmCrowds, withoutAttendees } from './crowd.js';
import type { EventRecord, ReadCounter, UserRecord } from './documents.js';
import { attendeesFromPool } from './event-retrieval.js';
import { CONFIRM_DEPTH, confirmInRankOrder } from './confirm.js';

export interface RankedEvents {
  ranked: RankedEventMatch[];
  byId: Map<string, EventRecord>;
}

export interface EventRankingInput {
  db: Firestore;
  viewer: UserRecord;
  candidates: readonly EventRecord[];
  /** Who may be in a crowd at all, with the interests the signal reads (the people pool, or read profiles). */
  people: ReadonlyMap<string, MatchProfile>;
  /** Everyone the caller blocked. */
  blocked: ReadonlySet<string>;
  limit: number;
  radiusKm: number;
  /** Only scores above this are kept; -1 keeps every candidate (an explicit search). */
  threshold?: number;
  /** The records that may be shown, by id, read fresh where needed (default: the candidates as they are). */
  confirm?: (ids: string[]) => Promise<Map<string, EventRecord>>;
  reads: ReadCounter;
}

export async function rankEventsWithCrowd(input: EventRankingInput): Promise<RankedEvents> {
  const { db, viewer, people, blocked, limit, radiusKm, threshold, reads } = input;
  // A caller among an event's attendees attends it: not a suggestion.
  const open = input.candidates
    .filter((event) => !event.viewerAttends && !event.attendeeIds.includes(viewer.id))
    .map((event) => withoutAttendees(event, blocked));
  const byCandidate = new Map(open.map((event) => [event.id, event]));
  const confirm = input.confirm ?? (async (ids: string[]) => new Map(ids.map((id) => [id, byCandidate.get(id)!])));
  const scorer = prepareProfile(viewer);
  const wide = rankEventMatches(scorer, open, {
    limit: limit * CONFIRM_DEPTH,
    radiusKm,
    threshold,
    attendeesByEvent: attendeesFromPool(open, viewer.id, people),
  });
  const confirmed = await confirmInRankOrder(wide, limit, async (batch) =>
    confirmCrowds(db, viewer.id, await confirm(batch), blocked, (id) => people.has(id), reads),
  );
  const events = [...confirmed.values()];
  const ranked = rankEventMatches(scorer, events, {
    limit,
    radiusKm,
    threshold,
    attendeesByEvent: attendeesFromPool(events, viewer.id, people),
  });
  return { ranked, byId: new Map(events.map((event) => [event.id, event])) };
}
