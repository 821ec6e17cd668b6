// The profile trigger's coalescing (derived/sync.ts, sync-state.ts) with a manual clock and an
// in-memory Firestore that applies what a transaction writes (field paths, deletes, merges), so each
// test can count the transactions, reads and writes a storm costs and check the final state. The
// same through the Functions emulator and the official Firestore emulator:
// test/integration/match-profile-storm.test.ts.
import { FieldValue, Timestamp, type DocumentData, type Firestore } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import { deriveMatchFields } from '../../../../../src/lib/features/matching/derived/fields.js';
import { poolShardOf } from '../../../../../src/lib/features/matching/derived/pool.js';
import { COALESCE_WINDOW_MS, LEASE_GRACE_MS } from '../../../../../src/lib/features/matching/derived/sync-state.js';
import { syncAfterWrite, type SyncResult } from '../../../../../src/lib/features/matching/derived/sync.js';

function copy(value: unknown): unknown {
  if (value instanceof Timestamp || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copy);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)]));
}

function setPath(target: Record<string, unknown>, keys: string[], value: unknown): void {
  const [head, ...rest] = keys;
  if (rest.length === 0) {
    if (value instanceof FieldValue && value.isEqual(FieldValue.delete())) delete target[head];
    else target[head] = copy(value);
    return;
  }
  const next = target[head];
  const child = next !== null && typeof next === 'object' ? (next as Record<string, unknown>) : {};
  target[head] = child;
  setPath(child, rest, value);
}

function mergeInto(target: Record<string, unknown>, data: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(data)) {
    if (
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      !(value instanceof FieldValue) &&
      !(value instanceof Timestamp)
    ) {
      const child = target[key] !== null && typeof target[key] === 'object' ? target[key] : {};
      target[key] = child;
      mergeInto(child as Record<string, unknown>, value as Record<string, unknown>);
    } else setPath(target, [key], value);
  }
}

/** Firestore as the sync code uses it: documents by path, transactions applied at commit. */
class MemoryFirestore {
  readonly docs = new Map<string, Record<string, unknown>>();
  /** Firestore's clock, for the read time of a transaction's snapshot. */
  clock: () => number = () => 0;
  transactions = 0;
  reads = 0;
  writes = 0;

  collection(name: string) {
    return { doc: (id: string) => ({ path: `${name}/${id}` }) };
  }

  async runTransaction<T>(fn: (tx: unknown) => Promise<T>): Promise<T> {
    this.transactions++;
    const commit: Array<() => void> = [];
    const result = await fn({
      get: async ({ path }: { path: string }) => {
        this.reads++;
        const data = this.docs.get(path);
        return {
          data: () => (data === undefined ? undefined : (copy(data) as DocumentData)),
          readTime: Timestamp.fromMillis(this.clock()),
        };
      },
      update: ({ path }: { path: string }, data: DocumentData) =>
        commit.push(() => {
          const doc = this.docs.get(path)!;
          for (const [key, value] of Object.entries(data)) setPath(doc, key.split('.'), value);
        }),
      set: ({ path }: { path: string }, data: DocumentData) =>
        commit.push(() => {
          const doc = this.docs.get(path) ?? {};
          this.docs.set(path, doc);
          mergeInto(doc, data);
        }),
    });
    this.writes += commit.length;
    for (const apply of commit) apply();
    return result;
  }

  /** A client's write of its own profile fields: what a storm does. */
  clientWrite(uid: string, fields: DocumentData): DocumentData {
    const doc = this.docs.get(`users/${uid}`) ?? {};
    this.docs.set(`users/${uid}`, doc);
    Object.assign(doc, copy(fields));
    return copy(doc) as DocumentData;
  }

  poolEntry(uid: string): unknown {
    return (this.docs.get(`matchPool/${poolShardOf(uid)}`)?.entries as Record<string, unknown> | undefined)?.[uid];
  }
}

/** A clock the test moves, and waits that end when the test says (or when the clock passes them). */
function manualTime(start = Date.parse('2026-06-01T12:00:00Z')) {
  let now = start;
  const waiting: Array<{ until: number; resolve: () => void }> = [];
  return {
    clock: () => now,
    wait: (ms: number) => new Promise<void>((resolve) => waiting.push({ until: now + ms, resolve })),
    /** Moves the clock and ends every wait it passes. */
    async advance(ms: number) {
      await new Promise((resolve) => setImmediate(resolve)); // let started invocations reach their wait
      now += ms;
      for (const w of waiting.splice(0)) {
        if (w.until <= now) w.resolve();
        else waiting.push(w);
      }
      await new Promise((resolve) => setImmediate(resolve));
    },
    pending: () => waiting.length,
  };
}

const PROFILE = { purposes: ['friendship'], location: { city: 'Oakland' } };

function trigger(
  db: MemoryFirestore,
  time: ReturnType<typeof manualTime>,
  uid: string,
  after: DocumentData,
  event: string,
  options: { dies?: boolean; writeTimeMs?: number } = {},
) {
  // An invocation that dies while it waits: its wait never ends.
  const wait = options.dies ? () => new Promise<void>(() => undefined) : time.wait;
  db.clock = time.clock;
  return syncAfterWrite(db as unknown as Firestore, uid, after, {
    eventId: event,
    clock: time.clock,
    wait,
    writeTimeMs: options.writeTimeMs,
  });
}

describe('coalescing a storm of writes on one profile', () => {
  it('writes the first at once, then one pool write per window with the last state, none lost', async () => {
    const db = new MemoryFirestore();
    const time = manualTime();
    const first = await trigger(db, time, 'storm', db.clientWrite('storm', { ...PROFILE, interests: ['a0'] }), 'e0');
    expect(first).toMatchObject({ outcome: 'written', reads: 1, writes: 2 });
    expect(db.poolEntry('storm')).toMatchObject({ interests: ['a0'] });

    // 200 writes in the next second: the first takes the lease, the rest see it in their own data.
    const results: Array<Promise<SyncResult>> = [];
    for (let i = 1; i <= 200; i++) {
      await time.advance(5);
      results.push(trigger(db, time, 'storm', db.clientWrite('storm', { interests: [`a${i}`] }), `e${i}`));
    }
    await time.advance(0);
    expect(db.transactions).toBe(2); // the first write, and the claim
    expect(db.poolEntry('storm')).toMatchObject({ interests: ['a0'] });
    await time.advance(COALESCE_WINDOW_MS);
    const settled = await Promise.all(results);

    expect(db.poolEntry('storm')).toMatchObject({ interests: ['a200'] });
    expect(db.transactions).toBe(3);
    const outcomes = settled.map((r) => r.outcome);
    expect(outcomes.filter((o) => o === 'coalesced')).toHaveLength(199);
    expect(outcomes.filter((o) => o === 'written')).toHaveLength(1);
    expect(settled.filter((r) => r.outcome === 'coalesced').every((r) => r.reads + r.writes === 0)).toBe(true);
    expect(settled.find((r) => r.outcome === 'written')).toMatchObject({ reads: 2, writes: 3 });
    // The lease is released; the stored match is the last state's.
    const stored = db.docs.get('users/storm')!;
    expect((stored.matchSync as Record<string, unknown>).lease).toBeUndefined();
    expect(stored.match).toEqual(deriveMatchFields({ ...PROFILE, interests: ['a200'] }));
  });

  it('the trigger echo of its own write and a write of the same state cost nothing', async () => {
    const db = new MemoryFirestore();
    const time = manualTime();
    await trigger(db, time, 'u', db.clientWrite('u', { ...PROFILE, interests: ['a'] }), 'e0');
    const before = db.transactions;
    expect(await trigger(db, time, 'u', db.clientWrite('u', {}), 'echo')).toMatchObject({
      outcome: 'unchanged',
      reads: 0,
    });
    expect(await trigger(db, time, 'u', db.clientWrite('u', { bio: 'new' }), 'bio')).toMatchObject({
      outcome: 'unchanged',
    });
    expect(db.transactions).toBe(before);
  });

  it("a storm's late events, for writes this instance has since synced past, cost no read", async () => {
    const db = new MemoryFirestore();
    const time = manualTime();
    const writeTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      db.clientWrite('late', { ...PROFILE, interests: [`a${i}`] });
      writeTimes.push(time.clock());
      await time.advance(10);
    }
    // The first event arrives late: it syncs the profile as stored now (a4) and remembers the read time.
    const first = await trigger(db, time, 'late', { ...PROFILE, interests: ['a0'] }, 'e0', {
      writeTimeMs: writeTimes[0],
    });
    expect(first).toMatchObject({ outcome: 'written', reads: 1 });
    expect(db.poolEntry('late')).toMatchObject({ interests: ['a4'] });
    const transactions = db.transactions;
    for (let i = 1; i < 5; i++) {
      const late = await trigger(db, time, 'late', { ...PROFILE, interests: [`a${i}`] }, `e${i}`, {
        writeTimeMs: writeTimes[i],
      });
      expect(late).toMatchObject({ outcome: 'unchanged', reads: 0, writes: 0 });
    }
    expect(db.transactions).toBe(transactions);
    // A write after that read is not covered: it is synced (here, after its window).
    await time.advance(1);
    const next = trigger(db, time, 'late', db.clientWrite('late', { interests: ['a5'] }), 'e5', {
      writeTimeMs: time.clock(),
    });
    await time.advance(COALESCE_WINDOW_MS);
    expect(await next).toMatchObject({ outcome: 'written' });
    expect(db.poolEntry('late')).toMatchObject({ interests: ['a5'] });
  });

  it('any edit of a hidden profile is a no-op: nothing is pooled for it', async () => {
    const db = new MemoryFirestore();
    const time = manualTime();
    await trigger(db, time, 'h', db.clientWrite('h', { ...PROFILE, interests: ['a'], discoverable: false }), 'e0');
    expect(db.poolEntry('h')).toBeUndefined();
    const before = db.transactions;
    for (let i = 0; i < 20; i++)
      await trigger(
        db,
        time,
        'h',
        db.clientWrite('h', { interests: [`x${i}`], location: { city: `c${i}` } }),
        `e${i + 1}`,
      );
    expect(db.transactions).toBe(before);
  });

  it('does not hold a bystander back: another profile in the same shard is written at once', async () => {
    const db = new MemoryFirestore();
    const time = manualTime();
    const bystander = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8'].find(
      (id) => poolShardOf(id) === poolShardOf('storm'),
    );
    const other = bystander ?? 'b1';
    await trigger(db, time, 'storm', db.clientWrite('storm', { ...PROFILE, interests: ['a0'] }), 's0');
    const leader = trigger(db, time, 'storm', db.clientWrite('storm', { interests: ['a1'] }), 's1');
    await time.advance(10);
    const result = await trigger(db, time, other, db.clientWrite(other, { ...PROFILE, interests: ['mine'] }), 'b0');
    expect(result).toMatchObject({ outcome: 'written' });
    expect(result.waitedMs).toBeUndefined();
    expect(db.poolEntry(other)).toMatchObject({ interests: ['mine'] });
    await time.advance(COALESCE_WINDOW_MS);
    await leader;
  });

  it('lets the next write take over from a lease holder that died, and a retried event finish its own lease', async () => {
    const db = new MemoryFirestore();
    const time = manualTime();
    await trigger(db, time, 'u', db.clientWrite('u', { ...PROFILE, interests: ['a0'] }), 'e0');
    void trigger(db, time, 'u', db.clientWrite('u', { interests: ['a1'] }), 'dead', { dies: true });
    await time.advance(0);
    // While its lease holds, writes are coalesced...
    expect(await trigger(db, time, 'u', db.clientWrite('u', { interests: ['a2'] }), 'e2')).toMatchObject({
      outcome: 'coalesced',
    });
    // ...and once it has lapsed, the next write takes over and writes the latest state.
    (db.docs.get('users/u')!.matchSync as Record<string, unknown>).lease = {
      event: 'dead',
      due: Timestamp.fromMillis(time.clock()),
      until: Timestamp.fromMillis(time.clock() + 1),
    };
    await time.advance(2);
    const takeover = trigger(db, time, 'u', db.clientWrite('u', { interests: ['a3'] }), 'e3');
    await time.advance(COALESCE_WINDOW_MS + LEASE_GRACE_MS);
    expect(await takeover).toMatchObject({ outcome: 'written' });
    expect(db.poolEntry('u')).toMatchObject({ interests: ['a3'] });

    // An event whose invocation died holding the lease is retried: it does not claim again, it
    // finds its own lease (a read), waits and writes.
    await time.advance(1);
    void trigger(db, time, 'u', db.clientWrite('u', { interests: ['a4'] }), 'retry-me', { dies: true });
    await time.advance(0);
    const claims = db.transactions;
    const retried = trigger(db, time, 'u', db.clientWrite('u', {}), 'retry-me');
    await time.advance(COALESCE_WINDOW_MS);
    expect(await retried).toMatchObject({ outcome: 'written', reads: 2, writes: 2 });
    expect(db.transactions).toBe(claims + 2);
    expect(db.poolEntry('u')).toMatchObject({ interests: ['a4'] });
  });
});
