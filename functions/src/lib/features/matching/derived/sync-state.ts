// The profile trigger's bookkeeping on the profile itself, server-owned like `match`:
//
//   users/{uid}.matchSync = { poolAt, shard?, lease?: { event, due, until } }
//
// - `poolAt`: when the pool entry was last written. A write within COALESCE_WINDOW_MS of it is not
//   written at once: one invocation takes the lease and writes at `due` (poolAt + the window), from
//   the profile as stored then, so a storm of writes costs one pool write per window, the last state
//   wins, and nothing is lost.
// - `lease`: the invocation (CloudEvent id) that will write at `due`. Every later event carries it in
//   its own data, so while it is held the other invocations return without a read or a write.
//   `until` (due + LEASE_GRACE_MS) lets the next write take over from an invocation that died; a
//   retried event recognises its own lease and carries on.
// - `shard`: the pool document holding the entry when it is an overflow document (pool.ts).
import { Timestamp, type DocumentData } from 'firebase-admin/firestore';

/** At most one pool write per profile per this many ms. */
export const COALESCE_WINDOW_MS = 5_000;
/** How long after its due time a lease still holds (the function's own timeout is 60 s). */
export const LEASE_GRACE_MS = 30_000;

export interface PoolLease {
  event: string;
  dueMs: number;
  untilMs: number;
}

export interface SyncState {
  poolAtMs?: number;
  shard?: unknown;
  lease?: PoolLease;
}

function millis(value: unknown): number | undefined {
  return value instanceof Timestamp ? value.toMillis() : undefined;
}

/** The bookkeeping of a profile's data, read defensively (anything malformed is absent). */
export function syncStateOf(data: DocumentData | undefined): SyncState {
  const raw: unknown = data?.matchSync;
  if (raw === null || typeof raw !== 'object') return {};
  const state = raw as Record<string, unknown>;
  const lease = state.lease as Record<string, unknown> | undefined;
  const event = lease?.event;
  const dueMs = millis(lease?.due);
  const untilMs = millis(lease?.until);
  return {
    poolAtMs: millis(state.poolAt),
    shard: state.shard,
    lease:
      typeof event === 'string' && dueMs !== undefined && untilMs !== undefined ? { event, dueMs, untilMs } : undefined,
  };
}

/** The lease if another invocation holds it now, else undefined. */
export function leaseOfOther(state: SyncState, eventId: string, now: number): PoolLease | undefined {
  const lease = state.lease;
  return lease !== undefined && lease.event !== eventId && lease.untilMs > now ? lease : undefined;
}

/** This invocation's own lease, if it holds one that has not lapsed (a retried event). */
export function ownLease(state: SyncState, eventId: string, now: number): PoolLease | undefined {
  const lease = state.lease;
  return lease !== undefined && lease.event === eventId && lease.untilMs > now ? lease : undefined;
}

/** When the next pool write may happen: now, or the end of the window since the last one. */
export function nextPoolWriteAt(state: SyncState, now: number): number {
  return state.poolAtMs === undefined ? now : Math.max(now, state.poolAtMs + COALESCE_WINDOW_MS);
}

/** The lease document value for `event`, due at `dueMs`. */
export function leaseValue(event: string, dueMs: number): DocumentData {
  return { event, due: Timestamp.fromMillis(dueMs), until: Timestamp.fromMillis(dueMs + LEASE_GRACE_MS) };
}
