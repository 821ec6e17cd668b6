// Writes a profile's derived fields (`users/{uid}.match`) and its prepared-pool entry: what the
// profile trigger runs on every write of `users/{uid}`, and what the backfill runs per profile.
//
// Never loops: the trigger fires again on its own write, re-derives, finds the stored `match` equal
// and writes nothing. Events can arrive out of order or twice, so the trigger does not trust the
// event's snapshot: it re-reads the document in a transaction and derives from what is stored now.
//
// Coalesced (sync-state.ts): at most one pool write per profile per COALESCE_WINDOW_MS. A write soon
// after the last one takes a lease and writes at the window's end from the profile as stored then;
// every write meanwhile sees the lease in its own event data and returns without a read. So a storm
// of N writes on one profile costs N invocations but a handful of transactions, and the shard it
// shares with others sees one write per window instead of one per client write.
import { FieldPath, FieldValue, Timestamp, type DocumentData, type Firestore } from 'firebase-admin/firestore';
import { systemClock, type Clock } from '../../../platform/clock.js';
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
import { leaseOfOther, leaseValue, nextPoolWriteAt, ownLease, syncStateOf } from './sync-state.js';

/** `coalesced`: another invocation holds the lease and will write this profile's latest state. */
export type SyncOutcome = 'unchanged' | 'written' | 'removed' | 'coalesced';

export interface SyncResult {
  outcome: SyncOutcome;
  /** The fields now stored (undefined when the profile is gone, or when another invocation writes). */
  fields?: MatchFields;
  /** Firestore documents this call read and wrote (what it was billed). */
  reads: number;
  writes: number;
  /** How long it waited for the window to end before writing (coalesced writes only). */
  waitedMs?: number;
}

export interface SyncOptions {
  /** Rewrite the pool entry even when `match` is current (the backfill rebuilds the pool with it). */
  force?: boolean;
  /** The profile's data before a deletion, to find an entry in an overflow document. */
  previous?: DocumentData;
  clock?: Clock;
}

export interface TriggerSyncOptions {
  /** The event's data before the write (a deleted profile's overflow shard). */
  before?: DocumentData;
  /** When the write committed (the new snapshot's update time, Firestore's clock). */
  writeTimeMs?: number;
  /** The CloudEvent id: whose lease is whose (a retried event finds its own). */
  eventId?: string;
  clock?: Clock;
  /** Waits until the window ends; tests pass their own. */
  wait?: (ms: number) => Promise<void>;
}

/** The pool update for one profile: its entry, or its removal when it is hidden or gone. */
export function poolWrite(uid: string, fields: MatchFields | undefined): DocumentData {
  const entry = fields?.visible ? poolEntryOf(fields) : FieldValue.delete();
  return { entries: { [uid]: entry }, updatedAt: FieldValue.serverTimestamp() };
}

/** Where a profile's pool entry lives (0: its primary shard; n: that overflow document). */
export function storedPoolLevel(uid: string, data: DocumentData | undefined): number {
  return poolLevelOf(uid, syncStateOf(data).shard);
}

/**
 * Per instance: for a profile this instance synced, the Firestore read time up to which its pool entry
 * is known current (a transaction read the profile then and left the pool matching it). An event for
 * a write committed before that is already covered: a storm's late events cost no read. Bounded; a
 * miss only means a transaction.
 */
const coveredThrough = new Map<string, number>();
const COVERED_MAX_ENTRIES = 10_000;

function markCovered(uid: string, readTimeMs: number | undefined): void {
  if (readTimeMs === undefined) return;
  if (coveredThrough.size >= COVERED_MAX_ENTRIES && !coveredThrough.has(uid)) coveredThrough.clear();
  coveredThrough.set(uid, Math.max(readTimeMs, coveredThrough.get(uid) ?? 0));
}

/** The pool document at `level` refused the entry: it is full. */
class ShardFull extends Error {
  constructor(readonly level: number) {
    super(`pool document at level ${level} is full`);
  }
}

/** Runs `attempt` at the stored level, then at each next overflow level while the document is full. */
async function withOverflow(uid: string, attempt: (level: number | undefined) => Promise<Step>): Promise<Step> {
  for (let level: number | undefined; ;) {
    try {
      return await attempt(level);
    } catch (error) {
      if (!(error instanceof ShardFull)) throw error;
      if (error.level >= POOL_OVERFLOW_LEVELS) throw new PoolFullError(poolShardAt(uid, 0));
      level = error.level + 1;
    }
  }
}

/** What one transaction did: a result, or a lease taken (`claimed`) to write at `dueMs`. */
type Step = SyncResult | { outcome: 'claimed'; dueMs: number; reads: number; writes: number };

type Mode =
  /** Write now (the backfill, the seed, a deletion). */
  | { kind: 'now' }
  /** The trigger's first step: write now, or take the lease when the window is still open. */
  | { kind: 'claim'; eventId: string }
  /** The lease holder's write at the window's end, releasing the lease. */
  | { kind: 'release'; eventId: string };

/**
 * One transaction on `users/{uid}`: reads the profile and, by `mode`, writes `match`, the pool entry
 * (at `level`, default where it is stored) and `matchSync`, or takes the lease.
 */
async function transact(
  db: Firestore,
  uid: string,
  mode: Mode,
  options: SyncOptions,
  level: number | undefined,
): Promise<Step> {
  const clock = options.clock ?? systemClock;
  const profile = db.collection('users').doc(uid);
  const shard = (at: number) => db.collection(POOL_COLLECTION).doc(poolShardAt(uid, at));
  let target = 0;
  let readTimeMs: number | undefined;
  try {
    const step = await db.runTransaction(async (tx): Promise<Step> => {
      const now = clock();
      const snapshot = await tx.get(profile);
      const data = snapshot.data();
      readTimeMs = snapshot.readTime?.toMillis();
      if (data === undefined) {
        const stored = storedPoolLevel(uid, options.previous);
        tx.set(shard(0), poolWrite(uid, undefined), { merge: true });
        if (stored !== 0) tx.set(shard(stored), poolWrite(uid, undefined), { merge: true });
        return { outcome: 'removed', reads: 1, writes: stored === 0 ? 1 : 2 };
      }
      const fields = deriveMatchFields(data);
      const state = syncStateOf(data);
      const stored = poolLevelOf(uid, state.shard);
      target = level ?? stored;
      const current = matchFieldsEqual(data.match, fields) && target === stored;
      const writePool = !current || options.force === true;
      if (mode.kind !== 'now') {
        const other = leaseOfOther(state, mode.eventId, now);
        // Someone else holds the lease (taken since this event's write): they write the latest state.
        if (other !== undefined) return { outcome: 'coalesced', reads: 1, writes: 0 };
        if (mode.kind === 'claim' && writePool) {
          const own = ownLease(state, mode.eventId, now);
          if (own !== undefined) return { outcome: 'claimed', dueMs: own.dueMs, reads: 1, writes: 0 };
          const dueMs = nextPoolWriteAt(state, now);
          if (dueMs > now) {
            tx.update(profile, { 'matchSync.lease': leaseValue(mode.eventId, dueMs) });
            return { outcome: 'claimed', dueMs, reads: 1, writes: 1 };
          }
        }
      }
      const updates: DocumentData = {};
      if (!current) updates.match = fields;
      if (writePool) {
        tx.set(shard(target), poolWrite(uid, fields), { merge: true });
        if (stored !== target) tx.set(shard(stored), poolWrite(uid, undefined), { merge: true });
        updates['matchSync.poolAt'] = Timestamp.fromMillis(now);
        updates['matchSync.shard'] = target === 0 ? FieldValue.delete() : poolShardAt(uid, target);
      }
      if (mode.kind === 'release' && state.lease !== undefined) updates['matchSync.lease'] = FieldValue.delete();
      const profileWrites = Object.keys(updates).length > 0 ? 1 : 0;
      if (profileWrites > 0) tx.update(profile, updates);
      const poolWrites = writePool ? (stored !== target ? 2 : 1) : 0;
      return { outcome: writePool ? 'written' : 'unchanged', fields, reads: 1, writes: profileWrites + poolWrites };
    });
    if (step.outcome === 'written' || step.outcome === 'unchanged') markCovered(uid, readTimeMs);
    if (step.outcome === 'removed') coveredThrough.delete(uid);
    return step;
  } catch (error) {
    throw isDocumentTooLarge(error) ? new ShardFull(target) : error;
  }
}

function asResult(step: Step): SyncResult {
  if (step.outcome === 'claimed') throw new Error('a claimed step has no result yet');
  return step;
}

/**
 * Brings `users/{uid}.match` and the pool entry in line with the stored profile, at once (no
 * coalescing: the backfill, the seed, and tests call it). A full shard document moves the entry to
 * the next overflow document (pool.ts).
 */
export async function syncMatchFields(db: Firestore, uid: string, options: SyncOptions = {}): Promise<SyncResult> {
  return asResult(await withOverflow(uid, (level) => transact(db, uid, { kind: 'now' }, options, level)));
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
  const counts: Record<SyncOutcome, number> = { unchanged: 0, written: 0, removed: 0, coalesced: 0 };
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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The trigger's step for one write of `users/{uid}`: `after` is the event's new data (undefined when
 * the document was deleted). Without a read or a write it returns when that data already carries
 * the fields it derives to (the trigger's own write coming back, an edit matching does not read such
 * as a bio, any edit of a hidden profile), when another invocation holds the lease, or when this
 * instance already synced the profile as read after the write committed. Otherwise one
 * transaction writes now, or takes the lease, waits for the window's end, and writes the profile as
 * stored then.
 */
export async function syncAfterWrite(
  db: Firestore,
  uid: string,
  after: DocumentData | undefined,
  options: TriggerSyncOptions = {},
): Promise<SyncResult> {
  const clock = options.clock ?? systemClock;
  const eventId = options.eventId ?? `local-${clock()}-${Math.random().toString(36).slice(2)}`;
  const syncOptions: SyncOptions = { previous: options.before, clock };
  if (after !== undefined) {
    const fields = deriveMatchFields(after);
    if (matchFieldsEqual(after.match, fields)) return { outcome: 'unchanged', fields, reads: 0, writes: 0 };
    if (leaseOfOther(syncStateOf(after), eventId, clock()) !== undefined)
      return { outcome: 'coalesced', reads: 0, writes: 0 };
    const covered = coveredThrough.get(uid);
    if (options.writeTimeMs !== undefined && covered !== undefined && options.writeTimeMs < covered)
      return { outcome: 'unchanged', reads: 0, writes: 0 };
  }
  const first = await withOverflow(uid, (level) => transact(db, uid, { kind: 'claim', eventId }, syncOptions, level));
  if (first.outcome !== 'claimed') return first;
  const waitedMs = Math.max(0, first.dueMs - clock());
  await (options.wait ?? sleep)(waitedMs);
  const final = asResult(
    await withOverflow(uid, (level) => transact(db, uid, { kind: 'release', eventId }, syncOptions, level)),
  );
  return { ...final, reads: first.reads + final.reads, writes: first.writes + final.writes, waitedMs };
}
