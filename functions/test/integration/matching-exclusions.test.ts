// Blocks and account states on every people surface (matchUsers, suggestions), in both directions,
// through the prepared pool (kept by the triggers: their step runs after each profile written here),
// including pool entries gone stale. In-process handlers, real Auth tokens, the Firestore emulator.
import { FieldValue } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import { backfillMatchFields, POOL_COLLECTION } from '../../src/lib/features/matching/index.js';
import {
  call,
  SAN_FRANCISCO,
  signUp,
  useMatchingHarness,
  writeProfiles,
  type SignedUpUser,
} from './matching-support.js';
import { getServices } from '../support/services.js';

const h = useMatchingHarness();

const LIKE_ME = { interests: ['hiking', 'jazz', 'coffee'], purposes: ['friendship'], location: SAN_FRANCISCO };

type Surface = 'matchUsers' | 'suggestions';

/** The user ids a surface shows `user`. */
async function shown(surface: Surface, user: SignedUpUser): Promise<string[]> {
  const res = await call(h, surface, user, surface === 'matchUsers' ? { body: { limit: 10 } } : { query: '?limit=10' });
  expect(res.status).toBe(200);
  const people = (surface === 'matchUsers' ? res.json.matches : res.json.users) as { userId: string }[];
  return people.map((person) => person.userId);
}

/** Two signed-up people alike in every way, plus a third ("carol") as the control. */
async function alikeTrio(): Promise<{ alice: SignedUpUser; bob: SignedUpUser }> {
  const [alice, bob] = [await signUp(), await signUp()];
  await writeProfiles(h.db, {
    [alice.uid]: { displayName: 'Alice', ...LIKE_ME },
    [bob.uid]: { displayName: 'Bob', ...LIKE_ME },
    carol: { displayName: 'Carol', ...LIKE_ME },
  });
  return { alice, bob };
}

async function poolSize(): Promise<number> {
  const shards = await h.db.collection(POOL_COLLECTION).get();
  return shards.docs.reduce((sum, doc) => sum + Object.keys((doc.get('entries') as object) ?? {}).length, 0);
}

describe('exclusions with candidates from the pool', () => {
  it.each<[Surface]>([['matchUsers'], ['suggestions']])(
    '%s: a block hides the pair from each other in both directions, and unblocking restores them',
    async (surface) => {
      const { alice, bob } = await alikeTrio();
      expect(await poolSize()).toBe(3);
      // Before: they see each other (and carol).
      expect((await shown(surface, alice)).sort()).toEqual([bob.uid, 'carol'].sort());
      expect((await shown(surface, bob)).sort()).toEqual([alice.uid, 'carol'].sort());

      // Alice blocks Bob (the document the app writes; the rules allow exactly this).
      const block = h.db.doc(`users/${alice.uid}/blocks/${bob.uid}`);
      await block.set({ createdAt: FieldValue.serverTimestamp() });
      expect(await shown(surface, alice)).toEqual(['carol']);
      // The other direction: Bob never sees the person who blocked him.
      expect(await shown(surface, bob)).toEqual(['carol']);

      await block.delete();
      expect((await shown(surface, alice)).sort()).toEqual([bob.uid, 'carol'].sort());
      expect((await shown(surface, bob)).sort()).toEqual([alice.uid, 'carol'].sort());
    },
  );

  it.each<[Surface, string]>([
    ['matchUsers', 'suspended'],
    ['suggestions', 'suspended'],
    ['matchUsers', 'deleted'],
    ['suggestions', 'deleted'],
  ])('%s: a %s account is suggested to nobody, at once, even before the pool catches up', async (surface, state) => {
    const { alice, bob } = await alikeTrio();
    expect(await shown(surface, alice)).toContain(bob.uid);
    // The server sets the state (a moderation tool; clients cannot: test/rules). No trigger runs here,
    // so a pool entry for Bob is still there: the fresh read of the winners drops him.
    await h.db.doc(`users/${bob.uid}`).update({ accountState: state });
    expect(await poolSize()).toBe(3);
    expect(await shown(surface, alice)).toEqual(['carol']);
    // Once synced, the pool no longer holds Bob at all.
    await backfillMatchFields(h.db);
    // The Node stand-in does not apply the backfill's removal of a nested pool entry; the official one does.
    if (getServices().firestoreKind === 'official') expect(await poolSize()).toBe(2);
    expect(await shown(surface, alice)).toEqual(['carol']);
  });

  it('a person who turns discoverable off disappears from suggestions at once', async () => {
    const { alice, bob } = await alikeTrio();
    await h.db.doc(`users/${bob.uid}`).update({ discoverable: false });
    expect(await shown('matchUsers', alice)).toEqual(['carol']);
    expect(await shown('suggestions', alice)).toEqual(['carol']);
  });
});

describe('a suspended or deleted caller', () => {
  it.each([['suspended'], ['deleted']])(
    'a %s account is shown nobody: 403 account_unavailable on every matching surface',
    async (state) => {
      const { alice } = await alikeTrio();
      await h.db.doc(`users/${alice.uid}`).update({ accountState: state });
      for (const [surface, options] of [
        ['matchUsers', { body: {} }],
        ['matchEvents', { body: {} }],
        ['suggestions', {}],
      ] as const) {
        const res = await call(h, surface, alice, options);
        expect([surface, res.status, res.json.error?.code]).toEqual([surface, 403, 'account_unavailable']);
        expect(res.json.error.details).toEqual({ accountState: state });
      }
      // Refused before any model call: no explanation was asked for.
      expect(h.gemini.requests().length).toBe(0);
    },
  );

  it('a caller who only turned discoverable off still gets suggestions (they are hidden, not barred)', async () => {
    const { alice, bob } = await alikeTrio();
    await h.db.doc(`users/${alice.uid}`).update({ discoverable: false });
    expect(await shown('matchUsers', alice)).toContain(bob.uid);
  });
});
