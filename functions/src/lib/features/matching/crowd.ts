// The crowd an event's interest signal may use, for one caller. Who attends is never shown, but the
// crowd's shared interests are, and they weigh in the score, so the crowd is only people the caller
// could be shown at all:
//   - in the prepared people pool (or, before there is one, read and suggestable): discoverable and
//     not suspended or deleted, since the pool holds nobody else;
//   - not blocked by the caller (users/{caller}/blocks, read once per request: exclusions.ts);
//   - not blocking the caller: getAll users/{attendee}/blocks/{caller}, for the attendees of the events
//     about to be shown only (at most 20 each, fewer once deduplicated and filtered), in rank order.
// On top of that, a crowd interest counts only when CROWD_MIN_SHARERS attendees share it
// (scoring/event-signal.ts), so no single attendee's interests ever show or move a score.
import type { Firestore } from 'firebase-admin/firestore';
import { withFirestoreDeadline } from '../../platform/firestore-deadline.js';
import type { EventRecord, ReadCounter } from './documents.js';
import { BLOCKS_COLLECTION } from './exclusions.js';

/** The event with only attendees not in `excluded` (ids the caller blocked, or that blocked them). */
export function withoutAttendees(event: EventRecord, excluded: ReadonlySet<string>): EventRecord {
  if (excluded.size === 0 || !event.attendeeIds.some((id) => excluded.has(id))) return event;
  return { ...event, attendeeIds: event.attendeeIds.filter((id) => !excluded.has(id)) };
}

/**
 * The events with their crowds cut to who may count for `callerId`: `blocked` (the caller's blocks)
 * and every attendee who blocked the caller leave; `inCrowd` says who could count at all (in the
 * pool), so nobody else costs a lookup.
 */
export async function confirmCrowds(
  db: Firestore,
  callerId: string,
  events: ReadonlyMap<string, EventRecord>,
  blocked: ReadonlySet<string>,
  inCrowd: (id: string) => boolean,
  reads: ReadCounter,
): Promise<Map<string, EventRecord>> {
  const ids = new Set<string>();
  for (const event of events.values()) {
    for (const id of event.attendeeIds) if (id !== callerId && !blocked.has(id) && inCrowd(id)) ids.add(id);
  }
  const excluded = new Set(blocked);
  if (ids.size > 0) {
    const list = [...ids];
    const users = db.collection('users');
    const snapshots = await withFirestoreDeadline(
      'read the blocks of attendees',
      db.getAll(...list.map((id) => users.doc(id).collection(BLOCKS_COLLECTION).doc(callerId))),
    );
    reads.addLookups(list.length);
    snapshots.forEach((snapshot, i) => {
      if (snapshot.exists) excluded.add(list[i]);
    });
  }
  const confirmed = new Map<string, EventRecord>();
  for (const [id, event] of events) confirmed.set(id, withoutAttendees(event, excluded));
  return confirmed;
}
