// Who may never be suggested to the caller, whichever surface asks (matchUsers, suggestions, the
// assistant's people suggestions): people the caller blocked, people who blocked the caller, and
// people who are not suggestable (discoverable: false, or a server-owned suspended / deleted state).
//
//   users/{caller}/blocks               one query: everyone the caller blocked (ids only)
//   getAll users/{id}, users/{id}/blocks/{caller}    for each ranked winner, in rank order
//
// The caller's own blocks are dropped before ranking. The other direction is checked on the winners
// only (a document lookup each, no collection-group query), together with a fresh read of the
// winner's profile, so a block, a suspension or `discoverable: false` takes effect on the very next
// request even when the prepared pool has not caught up yet.
import { withFirestoreDeadline } from '../../platform/firestore-deadline.js';
import type { Firestore } from 'firebase-admin/firestore';
import { toUserRecord, type ReadCounter, type UserRecord } from './documents.js';

/** Blocks read per request; a longer list is cut (first ids by document id). */
export const MAX_BLOCKS_READ = 1_000;

export const BLOCKS_COLLECTION = 'blocks';

export async function loadBlockedIds(db: Firestore, uid: string, reads: ReadCounter): Promise<Set<string>> {
  const snapshot = await withFirestoreDeadline(
    'read blocks',
    db.collection('users').doc(uid).collection(BLOCKS_COLLECTION).select().limit(MAX_BLOCKS_READ).get(),
  );
  reads.addQuery(snapshot.size);
  return new Set(snapshot.docs.map((doc) => doc.id));
}

/**
 * Of `ids` (ranked winners), those that may be shown to `callerId`: suggestable now and not
 * blocking the caller. Returns fresh records by id.
 */
export async function confirmSuggestable(
  db: Firestore,
  callerId: string,
  ids: readonly string[],
  reads: ReadCounter,
): Promise<Map<string, UserRecord>> {
  const confirmed = new Map<string, UserRecord>();
  if (ids.length === 0) return confirmed;
  const users = db.collection('users');
  const refs = [
    ...ids.map((id) => users.doc(id).collection(BLOCKS_COLLECTION).doc(callerId)),
    ...ids.map((id) => users.doc(id)),
  ];
  const snapshots = await withFirestoreDeadline('confirm people', db.getAll(...refs));
  reads.addLookups(refs.length);
  ids.forEach((id, i) => {
    const record = toUserRecord(snapshots[ids.length + i]);
    const blocksCaller = snapshots[i].exists;
    if (record?.suggestable && !blocksCaller) confirmed.set(id, record);
  });
  return confirmed;
}
