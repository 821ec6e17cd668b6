// Writes a profile's derived fields (`users/{uid}.match`) and its prepared-pool entry: what the
// profile trigger runs on every write of `users/{uid}`, and what the backfill runs per profile.
//
// Never loops: the trigger fires again on its own write, re-derives, finds the stored `match` equal
// and writes nothing, so each client write costs at most one extra write and one no-op invocation.
// Events can arrive out of order or twice, so the trigger does not trust the event's snapshot: it
// re-reads the document in a transaction and derives from what is stored now.
import { FieldPath, FieldValue, type DocumentData, type Firestore } from 'firebase-admin/firestore';
import { deriveMatchFields, matchFieldsEqual, type MatchFields } from './fields.js';
import {
  isDocumentTooLarge,
  POOL_COLLECTION,
  POOL_OVERFLOW_LEVELS,
  poolEntryOf,
  PoolFullError,
  poolLevelOf,
  poolShardAt,
} from './pool.js';

export type SyncOutcome = 'unchanged' | 'written' | 'removed';

export interface SyncResult {
  outcome: SyncOutcome;
  /** The fields now stored (undefined when the profile is gone). */
  fields?: MatchFields;
}

/** The pool update for one profile: its entry, or its removal when it is hidden or gone. */
export function poolWrite(uid: string, fields: MatchFields | undefined): DocumentData {
  const entry = fields?.visible ? poolEntryOf(fields) : FieldValue.delete();
  return { entries: { [uid]: entry }, updatedAt: FieldValue.serverTimestamp() };
}

/** Where a profile's pool entry lives: its `match.shard` (an overflow document), else its primary shard. */
export function storedPoolLevel(uid: string, data: DocumentData | undefined): number {
  const match = data?.match as { shard?: unknown } | undefined;
  return poolLevelOf(uid, match?.shard);
}

/** The `match` value to store: the derived fields, plus `shard` when the entry lives in an overflow document. */
function storedMatch(uid: string, fields: MatchFields, level: number): DocumentData {
  return level === 0 ? fields : { ...fields, shard: poolShardAt(uid, level) };
}

/**
 * Brings `users/{uid}.match` and the pool entry in line with the stored profile. `force` rewrites
 * the pool entry even when `match` is already current (the backfill uses it to rebuild the pool).
 * `previous` is the profile's data before a deletion, to find an entry in an overflow document.
 * A full shard document moves the entry to the next overflow document (pool.ts).
 */
export async function syncMatchFields(
  db: Firestore,
  uid: string,
  options: { force?: boolean; previous?: DocumentData } = {},
): Promise<SyncResult> {
  for (let level: number | undefined; ;) {
    try {
      return await syncAtLevel(db, uid, options, level);
    } catch (error) {
      if (!(error instanceof ShardFull)) throw error;
      if (error.level >= POOL_OVERFLOW_LEVELS) throw new PoolFullError(poolShardAt(uid, 0));
      level = error.level + 1;
    }
  }
}

/** The pool document at `level` refused the entry: it is full. */
class ShardFull extends Error {
  constructor(readonly level: number) {
    super(`pool document at level ${level} is full`);
  }
}

/** One transaction: the entry written at `level` (default: where it is stored now). */
async function syncAtLevel(
  db: Firestore,
  uid: string,
  options: { force?: boolean; previous?: DocumentData },
  level: number | undefined,
): Promise<SyncResult> {
  const profile = db.collection('users').doc(uid);
  const shard = (at: number) => db.collection(POOL_COLLECTION).doc(poolShardAt(uid, at));
  let target = 0;
  try {
    return await db.runTransaction(async (tx) => {
      const snapshot = await tx.get(profile);
      const data = snapshot.data();
      if (data === undefined) {
        const stored = storedPoolLevel(uid, options.previous);
        tx.set(shard(0), poolWrite(uid, undefined), { merge: true });
        if (stored !== 0) tx.set(shard(stored), poolWrite(uid, undefined), { merge: true });
        return { outcome: 'removed' };
      }
      const fields = deriveMatchFields(data);
      const stored = storedPoolLevel(uid, data);
      target = level ?? stored;
      const current = matchFieldsEqual(data.match, fields) && target === stored;
      if (current && options.force !== true) return { outcome: 'unchanged', fields };
      if (!current) tx.update(profile, { match: storedMatch(uid, fields, target) });
      tx.set(shard(target), poolWrite(uid, fields), { merge: true });
      if (stored !== target) tx.set(shard(stored), poolWrite(uid, undefined), { merge: true });
      return { outcome: 'written', fields };
    });
  } catch (error) {
    throw isDocumentTooLarge(error) ? new ShardFull(target) : error;
  }
}

/**
 * The one-off backfill: every profile in pages of `pageSize`, in document-id order, each through
 * syncMatchFields with `force` (so the pool is rebuilt too). Returns the counts per outcome.
 */
export async function backfillMatchFields(
  db: Firestore,
  options: { pageSize?: number; onProgress?: (done: number) => void } = {},
): Promise<Record<SyncOutcome, number>> {
  const pageSize = options.pageSize ?? 200;
  const counts: Record<SyncOutcome, number> = { unchanged: 0, written: 0, removed: 0 };
  let last: string | undefined;
  let done = 0;
  for (;;) {
    let query = db.collection('users').orderBy(FieldPath.documentId()).select().limit(pageSize);
    if (last !== undefined) query = query.startAfter(last);
    const page = await query.get();
    if (page.empty) break;
    for (const doc of page.docs) {
      const { outcome } = await syncMatchFields(db, doc.id, { force: true });
      counts[outcome]++;
    }
    done += page.size;
    last = page.docs[page.docs.length - 1].id;
    options.onProgress?.(done);
    if (page.size < pageSize) break;
  }
  return counts;
}

/**
 * The trigger's step for one write of `users/{uid}`: `after` is the event's new data (undefined when
 * the document was deleted), `before` its old data (where a deleted profile's entry was). When it already carries the fields it derives to (the trigger's own
 * write coming back, or a write that changed nothing matching reads) nothing is read or written;
 * otherwise syncMatchFields re-derives from the stored document.
 */
export async function syncAfterWrite(
  db: Firestore,
  uid: string,
  after: DocumentData | undefined,
  before?: DocumentData,
): Promise<SyncResult> {
  if (after !== undefined) {
    const fields = deriveMatchFields(after);
    if (matchFieldsEqual(after.match, fields)) return { outcome: 'unchanged', fields };
  }
  return syncMatchFields(db, uid, { previous: before });
}
