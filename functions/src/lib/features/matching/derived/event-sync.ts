// Writes an event's prepared-pool entry (event-pool.ts): what the event trigger (events/{id}) and the
// attendance trigger (eventAttendees/{id}) run, and what the backfill runs per upcoming event.
//
// The triggers write only matchEventPool documents, never what they watch, so nothing loops. Events
// can arrive out of order or twice, so the entry is derived in a transaction from the event and its
// attendance as stored now, not from the event's snapshot. A write that changes nothing the entry
// holds (a title, an attendee beyond the first twenty) is skipped before any read.
import { systemClock, type Clock } from '../../../platform/clock.js';
import { FieldPath, FieldValue, Timestamp, type DocumentData, type Firestore } from 'firebase-admin/firestore';
import {
  EVENT_POOL_COLLECTION,
  eventPoolDayOf,
  eventPoolDayOfEntry,
  eventPoolEntriesEqual,
  eventPoolEntryOf,
  eventPoolExpiry,
} from './event-pool.js';
import { attendanceOf } from '../documents.js';
import { MAX_ATTENDEES_PER_EVENT } from '../event-retrieval.js';

export type EventSyncOutcome = 'unchanged' | 'written' | 'removed';

/** The pool write for one event: its entry in the day's document, or its removal. */
function dayWrite(day: string, eventId: string, entry: unknown): DocumentData {
  return {
    entries: { [eventId]: entry },
    expireAt: eventPoolExpiry(day),
    updatedAt: FieldValue.serverTimestamp(),
  };
}

/**
 * Brings the event's pool entry in line with the stored event and attendance. `previousDay` is the
 * start day the event had before this write (the event trigger knows it): when the event moved to
 * another day or was deleted, its entry leaves that day's document.
 */
export async function syncEventPoolEntry(
  db: Firestore,
  eventId: string,
  previousDay?: string,
): Promise<EventSyncOutcome> {
  const pool = db.collection(EVENT_POOL_COLLECTION);
  return db.runTransaction(async (tx) => {
    const [event, attendance] = await tx.getAll(
      db.collection('events').doc(eventId),
      db.collection('eventAttendees').doc(eventId),
    );
    const entry = eventPoolEntryOf(event.data(), attendance.data());
    const day = eventPoolDayOfEntry(entry);
    if (previousDay !== undefined && previousDay !== day)
      tx.set(pool.doc(previousDay), dayWrite(previousDay, eventId, FieldValue.delete()), { merge: true });
    if (day === undefined) return previousDay === undefined ? 'unchanged' : 'removed';
    tx.set(pool.doc(day), dayWrite(day, eventId, entry), { merge: true });
    return 'written';
  });
}

/** The event trigger's step: skipped when nothing the entry holds changed (the crowd is not in events/). */
export async function syncAfterEventWrite(
  db: Firestore,
  eventId: string,
  before: DocumentData | undefined,
  after: DocumentData | undefined,
): Promise<EventSyncOutcome> {
  const was = eventPoolEntryOf(before, undefined);
  const is = eventPoolEntryOf(after, undefined);
  if (was !== undefined && eventPoolEntriesEqual(was, is)) return 'unchanged';
  return syncEventPoolEntry(db, eventId, eventPoolDayOfEntry(was));
}

/** The attendance trigger's step: skipped when the crowd (the first twenty usable ids) is the same. */
export async function syncAfterAttendanceWrite(
  db: Firestore,
  eventId: string,
  before: DocumentData | undefined,
  after: DocumentData | undefined,
): Promise<EventSyncOutcome> {
  const crowd = (data: DocumentData | undefined) => attendanceOf(data, '', MAX_ATTENDEES_PER_EVENT).sample.join('\n');
  if (before !== undefined && after !== undefined && crowd(before) === crowd(after)) return 'unchanged';
  return syncEventPoolEntry(db, eventId);
}

/**
 * The one-off backfill of the event pool: every event starting from today (UTC) on, in pages of
 * `pageSize` ordered by start, each through syncEventPoolEntry. Returns the counts per outcome.
 */
export async function backfillEventPool(
  db: Firestore,
  options: { pageSize?: number; clock?: Clock; onProgress?: (done: number) => void } = {},
): Promise<Record<EventSyncOutcome, number>> {
  const pageSize = options.pageSize ?? 200;
  const today = Date.parse(`${eventPoolDayOf(new Date((options.clock ?? systemClock)()))}T00:00:00Z`);
  const counts: Record<EventSyncOutcome, number> = { unchanged: 0, written: 0, removed: 0 };
  let query = db
    .collection('events')
    .where('startsAt', '>=', Timestamp.fromMillis(today))
    .orderBy('startsAt')
    .orderBy(FieldPath.documentId())
    .select('startsAt')
    .limit(pageSize);
  let done = 0;
  for (;;) {
    const page = await query.get();
    for (const doc of page.docs) counts[await syncEventPoolEntry(db, doc.id)]++;
    done += page.size;
    options.onProgress?.(done);
    if (page.size < pageSize) break;
    const last = page.docs[page.docs.length - 1];
    query = query.startAfter(last.get('startsAt'), last.id);
  }
  return counts;
}
