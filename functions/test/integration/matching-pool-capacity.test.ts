// A full pool shard, on the Firestore emulator: a shard document filled to Firestore's 1 MiB (what
// crafted accounts hashed there would do) no longer takes a write. The people hashed there are not
// lost: their entry goes to the shard's overflow document, `matchSync.shard` says where, matchUsers finds
// them, and hiding or deleting them takes the entry out of the overflow document. When every
// overflow document is full too, the trigger's step fails loudly with PoolFullError. The official
// emulator enforces the size limit; the Node stand-in does not, so this runs on the official one.
import { FieldValue, type Firestore } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import {
  POOL_COLLECTION,
  POOL_OVERFLOW_LEVELS,
  poolShardAt,
  syncMatchFields,
} from '../../src/lib/features/matching/index.js';
import { getServices } from '../support/services.js';
import { call, OAKLAND, SAN_FRANCISCO, signUp, useMatchingHarness, writeProfiles } from './matching-support.js';

const h = useMatchingHarness();
const OFFICIAL = getServices().firestoreKind === 'official';
const UID = 'hashed-to-a-full-shard';

function isTooLarge(error: unknown): boolean {
  return (error as { code?: unknown }).code === 3;
}

/**
 * Fills a pool document until Firestore refuses more: one large filler entry, then 1 KB ones until
 * a write fails, so what is left is less than 1 KB (a typical entry is 250 bytes, this test's 2 KB).
 */
async function fillToTheLimit(db: Firestore, shard: string): Promise<void> {
  const doc = db.collection(POOL_COLLECTION).doc(shard);
  await doc.set({ entries: { 'filler-0': { interests: ['x'.repeat(1_030_000)] } } });
  for (let i = 1; ; i++) {
    try {
      await doc.update({ [`entries.filler-${i}`]: { interests: ['y'.repeat(1_000)] } });
    } catch (error) {
      if (isTooLarge(error)) return;
      throw error;
    }
  }
}

async function entryIn(db: Firestore, shard: string): Promise<unknown> {
  const snapshot = await db.collection(POOL_COLLECTION).doc(shard).get();
  return (snapshot.get('entries') as Record<string, unknown> | undefined)?.[UID];
}

/** Interests of ~2 KB (CJK, 3 bytes a character), so the entry cannot squeeze into what is left. */
const bigInterests = Array.from({ length: 12 }, (_, i) => `登山${'写真'.repeat(25)}${i}`);

describe.skipIf(!OFFICIAL)('a full pool shard (official emulator)', () => {
  it('sends the entry to the overflow document: stored, ranked, then removed when hidden', async () => {
    const primary = poolShardAt(UID, 0);
    await fillToTheLimit(h.db, primary);
    const viewer = await signUp();
    await writeProfiles(
      h.db,
      {
        [viewer.uid]: { interests: ['hiking', 'chess'], purposes: ['friendship'], location: SAN_FRANCISCO },
        [UID]: {
          displayName: 'Hashed There',
          interests: ['hiking', ...bigInterests],
          purposes: ['friendship'],
          location: OAKLAND,
        },
      },
      { pools: false },
    );

    // Before: the write to the primary is refused (what failed, silently for the user, before).
    await expect(
      h.db
        .collection(POOL_COLLECTION)
        .doc(primary)
        .update({ [`entries.${UID}`]: { interests: bigInterests } }),
    ).rejects.toMatchObject({ code: 3 });

    expect(await syncMatchFields(h.db, UID)).toMatchObject({ outcome: 'written' });
    const overflow = poolShardAt(UID, 1);
    expect(await entryIn(h.db, overflow)).toMatchObject({ purposes: ['friendship'] });
    expect(await entryIn(h.db, primary)).toBeUndefined();
    expect((await h.db.doc(`users/${UID}`).get()).get('matchSync.shard')).toBe(overflow);

    // The viewer's matchUsers ranks them from the pool (the pool is read, with its overflow document).
    const before = await call(h, 'matchUsers', viewer, { body: { limit: 5 } });
    expect(before.status).toBe(200);
    expect((before.json.matches as Array<{ userId: string }>).map((m) => m.userId)).toContain(UID);

    // An edit stays in the overflow document; hiding takes the entry out of it.
    await h.db.doc(`users/${UID}`).update({ purposes: ['networking'] });
    expect(await syncMatchFields(h.db, UID)).toMatchObject({ outcome: 'written' });
    expect(await entryIn(h.db, overflow)).toMatchObject({ purposes: ['networking'] });
    await h.db.doc(`users/${UID}`).update({ discoverable: false });
    await syncMatchFields(h.db, UID);
    expect(await entryIn(h.db, overflow)).toBeUndefined();

    // Visible again, then the profile deleted: the entry leaves the document named by the old data.
    await h.db.doc(`users/${UID}`).update({ discoverable: true });
    await syncMatchFields(h.db, UID);
    expect(await entryIn(h.db, overflow)).toBeDefined();
    const previous = (await h.db.doc(`users/${UID}`).get()).data();
    await h.db.doc(`users/${UID}`).delete();
    expect(await syncMatchFields(h.db, UID, { previous })).toMatchObject({ outcome: 'removed' });
    expect(await entryIn(h.db, overflow)).toBeUndefined();
  }, 120_000);

  it('fails loudly, naming the shard, when the shard and every overflow document are full', async () => {
    for (let level = 0; level <= POOL_OVERFLOW_LEVELS; level++) await fillToTheLimit(h.db, poolShardAt(UID, level));
    await h.db.doc(`users/${UID}`).set({ interests: bigInterests, purposes: ['friendship'] });
    await expect(syncMatchFields(h.db, UID)).rejects.toMatchObject({
      name: 'PoolFullError',
      shard: poolShardAt(UID, 0),
    });
    // Nothing half-written: the profile has no match fields claiming an entry.
    expect((await h.db.doc(`users/${UID}`).get()).get('match')).toBeUndefined();
    // Room again (an entry removed) and the next attempt lands.
    await h.db.collection(POOL_COLLECTION).doc(poolShardAt(UID, 4)).update({ 'entries.filler-0': FieldValue.delete() });
    expect(await syncMatchFields(h.db, UID)).toMatchObject({ outcome: 'written' });
    expect(await entryIn(h.db, poolShardAt(UID, 4))).toBeDefined();
  }, 180_000);
});
