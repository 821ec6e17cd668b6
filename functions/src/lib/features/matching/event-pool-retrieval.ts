// Event candidates from the prepared event pool (derived/event-pool.ts), and the fresh re-read of
// the winners that makes pool entries safe to rank on:
//
//   matchEventPool where __name__ >= day(from) and <= day(until), orderBy __name__ limit 62
//   getAll events/{id}, eventAttendees/{id}     for each ranked winner, in rank order
//
// One read per start day in the window replaces one per event and one per attendance list, and
// every event in the window is ranked, not only the soonest ones. The winners' documents decide
// what is shown: an event deleted, moved out of the window or attended by the caller since its
// entry was written is dropped, and the response shows the event's stored title and start.
import { withFirestoreDeadline } from '../../platform/firestore-deadline.js';
import { FieldPath, type Firestore } from 'firebase-admin/firestore';
import { attendanceOf, eventRecord, type EventRecord, type ReadCounter } from './documents.js';
import { EVENT_POOL_COLLECTION, eventPoolDayOf, eventsFromPoolDay } from './derived/event-pool.js';
import { MAX_ATTENDEES_PER_EVENT, type EventWindow } from './event-retrieval.js';
import type { SharedMatchCache } from './shared-cache.js';

/** Day documents read at most: a window longer than ~2 months ranks its first 62 days that have events. */
export const EVENT_POOL_MAX_DAYS = 62;

function within(window: EventWindow, startsAt: Date): boolean {
  return startsAt.getTime() >= window.from.getTime() && startsAt.getTime() <= window.until.getTime();
}

/**
 * The pooled events starting in the window, soonest first. With `shared`, the day documents are read
 * once per instance and TTL (shared-cache.ts).
 */
export async function loadPooledEvents(
  db: Firestore,
  window: EventWindow,
  reads: ReadCounter,
  shared?: SharedMatchCache,
): Promise<EventRecord[]> {
  const first = eventPoolDayOf(window.from);
  const last = eventPoolDayOf(window.until);
  const load = async () => {
    const snapshot = await withFirestoreDeadline(
      'read the event pool',
      db
        .collection(EVENT_POOL_COLLECTION)
        .where(FieldPath.documentId(), '>=', first)
        .where(FieldPath.documentId(), '<=', last)
        .orderBy(FieldPath.documentId())
        .limit(EVENT_POOL_MAX_DAYS)
        .get(),
    );
    reads.addQuery(snapshot.size);
    return snapshot.docs.flatMap((doc) => eventsFromPoolDay(doc.data()));
  };
  const pooled = shared === undefined ? await load() : await shared.get(`eventPool:${first}:${last}`, load);
  return pooled
    .filter((event) => within(window, event.startsAt))
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || (a.id < b.id ? -1 : 1));
}

/**
 * Of `ids` (ranked winners), the events that may be suggested to `viewerId` now: stored, starting
 * in the window, not attended by the viewer. Returns fresh records by id, each with the crowd
 * sample of its attendance list as stored now.
 */
export async function confirmEvents(
  db: Firestore,
  viewerId: string,
  ids: readonly string[],
  window: EventWindow,
  reads: ReadCounter,
): Promise<Map<string, EventRecord>> {
  const confirmed = new Map<string, EventRecord>();
  if (ids.length === 0) return confirmed;
  const refs = [
    ...ids.map((id) => db.collection('events').doc(id)),
    ...ids.map((id) => db.collection('eventAttendees').doc(id)),
  ];
  const snapshots = await withFirestoreDeadline('confirm events', db.getAll(...refs));
  reads.addLookups(refs.length);
  ids.forEach((id, i) => {
    const data = snapshots[i].data();
    const event = data === undefined ? undefined : eventRecord(id, data);
    if (event === undefined || !within(window, event.startsAt)) return;
    const { viewerAttends, sample } = attendanceOf(snapshots[ids.length + i].data(), viewerId, MAX_ATTENDEES_PER_EVENT);
    if (!viewerAttends) confirmed.set(id, { ...event, viewerAttends, attendeeIds: sample });
  });
  return confirmed;
}
