// Matching's part of erasing a user (the account-data composition runs the whole job):
//
//   hideFromMatching     first: users/{uid}.accountState = "deleted" and the people-pool entry removed,
//                        so nobody is shown the person from that moment, while the rest runs (every
//                        ranking re-reads its winners, and a deleted or hidden profile never passes)
//   removeFromEvents     the uid out of every eventAttendees list (and each event's public head
//                        count), each event's pool entry rebuilt without them, then every event-pool
//                        day document swept for a crowd that still names them
//   removePoolEntry      the pool entry again at the end (idempotent), once the profile is gone
//
// Every step is idempotent and pages through what is left, so a crash half-way is finished by running
// it again. Memory holds one page. Other people's block lists naming the uid are theirs and stay.
import { FieldPath, FieldValue, type Firestore } from 'firebase-admin/firestore';
import { EVENT_POOL_COLLECTION } from './derived/event-pool.js';
import { syncEventPoolEntry } from './derived/event-sync.js';
import { POOL_COLLECTION, POOL_OVERFLOW_LEVELS, poolShardAt } from './derived/pool.js';
import { poolWrite, storedPoolLevel } from './derived/sync.js';
import { instanceSharedCache } from './shared-cache.js';

export interface MatchingErasureOptions {
  /** Attendance lists per batch (each costs two writes: the list and the event's head count). */
  pageSize?: number;
  /** Called after each committed batch: progress reports, and the crash tests' fault point. */
  afterBatch?: () => Promise<void> | void;
}

const ATTENDANCE_PAGE = 200;
/** Event-pool day documents read at once (each up to 1 MiB). */
const POOL_DAY_PAGE = 10;

/** The entry out of the uid's primary shard and out of any of its overflow documents that holds it. */
export async function removePoolEntry(db: Firestore, uid: string): Promise<void> {
  const pool = db.collection(POOL_COLLECTION);
  const overflow = Array.from({ length: POOL_OVERFLOW_LEVELS }, (_, i) => pool.doc(poolShardAt(uid, i + 1)));
  const holding = (await db.getAll(...overflow)).filter((doc) => doc.get(new FieldPath('entries', uid)) !== undefined);
  const batch = db.batch();
  for (const ref of [pool.doc(poolShardAt(uid, 0)), ...holding.map((doc) => doc.ref)])
    batch.set(ref, poolWrite(uid, undefined), { merge: true });
  await batch.commit();
}

/** Marks the profile deleted (if there is one) and takes the person out of the pool, in one transaction. */
export async function hideFromMatching(db: Firestore, uid: string): Promise<void> {
  const profile = db.collection('users').doc(uid);
  const shard = (level: number) => db.collection(POOL_COLLECTION).doc(poolShardAt(uid, level));
  await db.runTransaction(async (tx) => {
    const snapshot = await tx.get(profile);
    if (snapshot.exists && snapshot.get('accountState') !== 'deleted') tx.update(profile, { accountState: 'deleted' });
    tx.set(shard(0), poolWrite(uid, undefined), { merge: true });
    // A full primary shard put the entry in an overflow document: the profile says which.
    const level = storedPoolLevel(uid, snapshot.data());
    if (level !== 0) tx.set(shard(level), poolWrite(uid, undefined), { merge: true });
  });
  // This instance's pool copy is dropped too (others re-read within a minute, and re-read winners anyway).
  instanceSharedCache.clear();
}

export interface EventErasureCounts {
  attendanceLists: number;
  poolEntries: number;
}

/** Removes the uid from every attendance list and from every crowd in the event pool. */
export async function removeFromEvents(
  db: Firestore,
  uid: string,
  options: MatchingErasureOptions = {},
): Promise<EventErasureCounts> {
  const counts: EventErasureCounts = { attendanceLists: 0, poolEntries: 0 };
  const pageSize = options.pageSize ?? ATTENDANCE_PAGE;
  for (;;) {
    const page = await db
      .collection('eventAttendees')
      .where('attendeeIds', 'array-contains', uid)
      .select()
      .limit(pageSize)
      .get();
    if (page.empty) break;
    const events = await db.getAll(...page.docs.map((doc) => db.collection('events').doc(doc.id)));
    // One batch per page: a list loses the uid and its event's head count drops by one together, so a
    // retry after a crash never counts anyone twice (the query no longer finds a list it committed).
    const batch = db.batch();
    for (const doc of page.docs) batch.update(doc.ref, { attendeeIds: FieldValue.arrayRemove(uid) });
    for (const event of events) {
      const count: unknown = event.get('attendeeCount');
      if (event.exists && typeof count === 'number' && count > 0)
        batch.update(event.ref, { attendeeCount: FieldValue.increment(-1) });
    }
    await batch.commit();
    counts.attendanceLists += page.size;
    for (const doc of page.docs) await syncEventPoolEntry(db, doc.id);
    await options.afterBatch?.();
    if (page.size < pageSize) break;
  }
  counts.poolEntries = await sweepEventPool(db, uid, options);
  return counts;
}

/**
 * Every event-pool day document (past days too: they name people until the TTL policy removes them),
 * each entry whose crowd still names the uid rebuilt from the event and its attendance as stored now.
 */
async function sweepEventPool(db: Firestore, uid: string, options: MatchingErasureOptions): Promise<number> {
  let rebuilt = 0;
  let last: string | undefined;
  for (;;) {
    let query = db.collection(EVENT_POOL_COLLECTION).orderBy(FieldPath.documentId()).limit(POOL_DAY_PAGE);
    if (last !== undefined) query = query.startAfter(last);
    const page = await query.get();
    for (const day of page.docs) {
      const entries: unknown = day.get('entries');
      if (entries === null || typeof entries !== 'object') continue;
      for (const [eventId, entry] of Object.entries(entries as Record<string, { crowd?: unknown }>)) {
        if (!Array.isArray(entry?.crowd) || !entry.crowd.includes(uid)) continue;
        await syncEventPoolEntry(db, eventId, day.id);
        rebuilt++;
      }
    }
    if (page.size < POOL_DAY_PAGE) break;
    last = page.docs[page.docs.length - 1].id;
    await options.afterBatch?.();
  }
  return rebuilt;
}
