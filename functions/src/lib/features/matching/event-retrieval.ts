// Event retrieval for the assistant's find_events, a search that also filters on titles, which the
// event pool does not hold: upcoming events in a time window, soonest first, and who attends them.
// (matchEvents and suggestions rank the event pool: event-pool-retrieval.ts.)
//
//   events where startsAt >= from and startsAt <= until orderBy startsAt limit <eventCap>
//   getAll eventAttendees/{id}   for the retrieved events whose attendeeCount > 0
//
// A range and orderBy on the same single field: Firestore's automatic index serves it, no composite
// index. Recall trade-off: in a busy window only the soonest `eventCap` events are searched.
// Attendance lives apart from the public event (`eventAttendees`, server-only) so that reading an
// event never tells a client who goes; the service reads it to leave out events the caller already
// attends and to sample the crowd's interests.
import { withFirestoreDeadline } from '../../platform/firestore-deadline.js';
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import type { MatchProfile } from './scoring/index.js';
import { attendanceOf, toEventRecord, type EventRecord, type ReadCounter } from './documents.js';
import type { SharedMatchCache } from './shared-cache.js';

/** Attendees sampled per event before any event gets more: the crowd's taste, not its size. */
export const MAX_ATTENDEES_PER_EVENT = 20;

export interface EventWindow {
  from: Date;
  until: Date;
}

/** Attendance ids kept per event in the shared cache: whether a caller attends a bigger event is
 * judged on its first ids only while the cache holds it (docs/matching.md). */
export const MAX_CACHED_ATTENDANCE = 5_000;

/** What is the same for every caller: the window's events and their attendance lists. */
interface UpcomingSnapshot {
  events: EventRecord[];
  attendance: Map<string, unknown[]>;
}

const MINUTE_MS = 60_000;

async function readUpcoming(
  db: Firestore,
  window: EventWindow,
  cap: number,
  reads: ReadCounter,
): Promise<UpcomingSnapshot> {
  const snapshot = await withFirestoreDeadline(
    'query events',
    db
      .collection('events')
      .where('startsAt', '>=', Timestamp.fromDate(window.from))
      .where('startsAt', '<=', Timestamp.fromDate(window.until))
      .orderBy('startsAt')
      .limit(cap)
      .get(),
  );
  reads.addQuery(snapshot.size);
  const events: EventRecord[] = [];
  for (const doc of snapshot.docs) {
    const event = toEventRecord(doc);
    if (event !== undefined) events.push(event);
  }
  // One getAll of eventAttendees/{id} for the events whose public attendeeCount says anyone attends.
  const attendance = new Map<string, unknown[]>();
  const attended = events.filter((event) => event.attendeeCount > 0);
  if (attended.length > 0) {
    const docs = await withFirestoreDeadline(
      'read attendance',
      db.getAll(...attended.map((event) => db.collection('eventAttendees').doc(event.id))),
    );
    reads.addLookups(attended.length);
    attended.forEach((event, i) => {
      const ids: unknown = docs[i].get('attendeeIds');
      if (Array.isArray(ids)) attendance.set(event.id, ids.slice(0, MAX_CACHED_ATTENDANCE));
    });
  }
  return { events, attendance };
}

/**
 * Upcoming events in the window, soonest first, each with whether `viewerId` attends and a sample of
 * its other attendees. With `shared`, the events and attendance of a minute-aligned window are read
 * once per instance and TTL (shared-cache.ts), then cut to this request's exact window.
 */
export async function retrieveUpcomingEvents(
  db: Firestore,
  window: EventWindow,
  cap: number,
  viewerId: string,
  reads: ReadCounter,
  shared?: SharedMatchCache,
): Promise<EventRecord[]> {
  let snapshot: UpcomingSnapshot;
  if (shared === undefined) snapshot = await readUpcoming(db, window, cap, reads);
  else {
    const aligned = {
      from: new Date(Math.floor(window.from.getTime() / MINUTE_MS) * MINUTE_MS),
      until: new Date(Math.ceil(window.until.getTime() / MINUTE_MS) * MINUTE_MS),
    };
    const key = `events:${aligned.from.getTime()}:${aligned.until.getTime()}:${cap}`;
    snapshot = await shared.get(key, () => readUpcoming(db, aligned, cap, reads));
  }
  const from = window.from.getTime();
  const until = window.until.getTime();
  return snapshot.events
    .filter((event) => event.startsAt.getTime() >= from && event.startsAt.getTime() <= until)
    .slice(0, cap)
    .map((event) => {
      const { viewerAttends, sample } = attendanceOf(
        { attendeeIds: snapshot.attendance.get(event.id) },
        viewerId,
        MAX_ATTENDEES_PER_EVENT,
      );
      return { ...event, viewerAttends, attendeeIds: sample };
    });
}

/**
 * Attendee profiles per event from the prepared pool (features/matching/derived/pool.ts): up to
 * MAX_ATTENDEES_PER_EVENT per event, no read per attendee. Attendees not in the pool (not
 * suggestable) are left out.
 */
export function attendeesFromPool(
  events: readonly EventRecord[],
  viewerId: string,
  pool: ReadonlyMap<string, MatchProfile>,
): Map<string, MatchProfile[]> {
  const byEvent = new Map<string, MatchProfile[]>();
  for (const event of events) {
    const attendees = event.attendeeIds
      .filter((id) => id !== viewerId)
      .slice(0, MAX_ATTENDEES_PER_EVENT)
      .flatMap((id) => pool.get(id) ?? []);
    if (attendees.length > 0) byEvent.set(event.id, attendees);
  }
  return byEvent;
}
