// The profile trigger as deployed (the exported onDocumentWritten function), unit-tested with
// firebase-functions-test: `wrap` + `makeChange`, no emulator. Firestore is a small recording fake,
// so each test sees exactly which reads and writes one invocation makes. The real thing, through the
// Functions emulator and the official Firestore emulator: test/integration/match-profile-trigger.test.ts.
import functionsTest from 'firebase-functions-test';
import { FieldValue, Timestamp, type DocumentData } from 'firebase-admin/firestore';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { deriveMatchFields } from '../../../src/lib/features/matching/derived/fields.js';
import { poolShardOf } from '../../../src/lib/features/matching/derived/pool.js';

/** What one invocation did to Firestore. */
interface Recorded {
  transactions: number;
  gets: string[];
  updates: { path: string; data: DocumentData }[];
  sets: { path: string; data: DocumentData }[];
}

const store = new Map<string, DocumentData>();
const recorded: Recorded = { transactions: 0, gets: [], updates: [], sets: [] };

function ref(path: string) {
  return { path, collection: (name: string) => collection(`${path}/${name}`) };
}
function collection(path: string) {
  return { doc: (id: string) => ref(`${path}/${id}`) };
}
const fakeDb = {
  collection,
  runTransaction: async <T>(fn: (tx: unknown) => Promise<T>): Promise<T> => {
    recorded.transactions++;
    return fn({
      get: async ({ path }: { path: string }) => {
        recorded.gets.push(path);
        return { data: () => store.get(path) };
      },
      update: ({ path }: { path: string }, data: DocumentData) => recorded.updates.push({ path, data }),
      set: ({ path }: { path: string }, data: DocumentData) => recorded.sets.push({ path, data }),
    });
  },
};
vi.mock('../../../src/lib/platform/firebase.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../src/lib/platform/firebase.js')>()),
  getDb: () => fakeDb,
}));

const fft = functionsTest({ projectId: 'demo-unit' });
let wrapped: ReturnType<typeof fft.wrap>;
beforeAll(async () => {
  const { matchProfileSync } = await import('../../../src/handlers/matchProfileSync.js');
  wrapped = fft.wrap(matchProfileSync);
});

const PROFILE = { displayName: 'Maya', interests: ['Hiking', 'Board-Games'], purposes: ['friendship'] };
const path = 'users/maya';

function snapshot(data: DocumentData | undefined) {
  return fft.firestore.makeDocumentSnapshot(data ?? {}, path);
}

async function fire(before: DocumentData | undefined, after: DocumentData | undefined): Promise<void> {
  const change = fft.makeChange(snapshot(before), snapshot(after));
  if (after === undefined) Object.defineProperty(change.after, 'data', { value: () => undefined });
  await (wrapped as (event: unknown) => Promise<unknown>)({ data: change, params: { uid: 'maya' } });
}

beforeEach(() => {
  store.clear();
  Object.assign(recorded, { transactions: 0, gets: [], updates: [], sets: [] });
});
afterAll(() => fft.cleanup());

describe('matchProfileSync (firebase-functions-test wrap + makeChange)', () => {
  it('derives the fields from the stored profile and writes them with the pool entry, in one transaction', async () => {
    store.set(path, PROFILE);
    await fire(undefined, PROFILE);
    expect(recorded.transactions).toBe(1);
    expect(recorded.gets).toEqual([path]);
    expect(recorded.updates).toHaveLength(1);
    expect(recorded.updates[0].path).toBe(path);
    expect(recorded.updates[0].data.match).toEqual(deriveMatchFields(PROFILE));
    // ...and when: the next write within the window is coalesced (derived/sync.ts).
    expect(recorded.updates[0].data['matchSync.poolAt']).toBeInstanceOf(Timestamp);
    expect(recorded.updates[0].data.match.interests).toEqual(['hiking', 'board game']);
    expect(recorded.sets).toHaveLength(1);
    expect(recorded.sets[0].path).toBe(`matchPool/${poolShardOf('maya')}`);
    expect(recorded.sets[0].data.entries.maya.interests).toEqual(['hiking', 'board game']);
  });

  it('does nothing when the write is its own (the new data already carries its derived fields): no loop', async () => {
    const own = { ...PROFILE, match: deriveMatchFields(PROFILE) };
    store.set(path, own);
    await fire(PROFILE, own);
    expect(recorded).toEqual({ transactions: 0, gets: [], updates: [], sets: [] });
  });

  it('does nothing for an edit matching does not read (a bio), and re-derives after one it does', async () => {
    const own = { ...PROFILE, match: deriveMatchFields(PROFILE) };
    await fire(own, { ...own, bio: 'new bio' });
    expect(recorded.transactions).toBe(0);

    const edited = { ...own, interests: ['chess'] };
    store.set(path, edited);
    await fire(own, edited);
    expect(recorded.transactions).toBe(1);
    expect(recorded.updates[0].data.match.interests).toEqual(['chess']);
  });

  it('derives from what is stored now, not from a stale event', async () => {
    store.set(path, { ...PROFILE, interests: ['newest'] });
    await fire(undefined, PROFILE);
    expect(recorded.updates[0].data.match.interests).toEqual(['newest']);
  });

  it('takes a suspended or non-discoverable person out of the pool, and a deleted profile too', async () => {
    for (const after of [
      { ...PROFILE, accountState: 'suspended' },
      { ...PROFILE, discoverable: false },
    ]) {
      store.set(path, after);
      await fire(PROFILE, after);
    }
    expect(recorded.updates.map((u) => u.data.match.visible)).toEqual([false, false]);
    for (const set of recorded.sets) expect(FieldValue.delete().isEqual(set.data.entries.maya)).toBe(true);

    Object.assign(recorded, { transactions: 0, gets: [], updates: [], sets: [] });
    store.delete(path);
    await fire(PROFILE, undefined);
    expect(recorded.updates).toEqual([]);
    expect(FieldValue.delete().isEqual(recorded.sets[0].data.entries.maya)).toBe(true);
  });
});
