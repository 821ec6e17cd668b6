// Erasing an account, as a user and as an operator would: deleteAccount through the request layer, and
// a deletion of the Auth user with the Admin SDK, which the Auth trigger (in the Functions emulator)
// answers with the same erasure. Before and after, a scan of every Firestore document (recursively),
// every S3 object and every Redis key: afterwards nothing names the uid but other people's block
// lists, and nothing of anyone else changed. Official Firestore emulator, s3rver, Redis.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { poolShardOf } from '../../src/lib/features/matching/derived/pool.js';
import { getAdminAuth } from '../../src/lib/platform/firebase.js';
import { clearFirestore, getServices, signUp, type SignedUpUser } from '../support/services.js';
import {
  actAsUser,
  call,
  describeScan,
  documentsOnlyOf,
  imageKeysOf,
  scanStores,
  seedWorld,
  startDataHarness,
  type DataHarness,
  type Scan,
} from './account-data-support.js';

let h: DataHarness;
beforeAll(async () => {
  h = await startDataHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await clearFirestore();
});

const official = () => getServices().firestoreKind === 'official';

interface World {
  victim: SignedUpUser;
  other: SignedUpUser;
  /** Blocks nobody and is blocked by nobody: who matching would show the victim to. */
  observer: SignedUpUser;
  victimKeys: string[];
  otherKeys: string[];
  before: Scan;
}

/** People who share events, each with a full history; the other one has blocked the victim. */
async function world(): Promise<World> {
  const [victim, other, observer] = [await signUp(), await signUp(), await signUp()];
  await seedWorld(h.db, [victim.uid, other.uid, observer.uid]);
  await actAsUser(h, victim, 'someone-they-blocked');
  await actAsUser(h, other, victim.uid);
  const shown = await call(h, 'matchUsers', observer, { limit: 5 });
  expect(shown.json.matches.map((m: { userId: string }) => m.userId)).toContain(victim.uid);
  const before = await scanStores(h, victim.uid);
  return {
    victim,
    other,
    observer,
    victimKeys: await imageKeysOf(h.db, victim.uid),
    otherKeys: await imageKeysOf(h.db, other.uid),
    before,
  };
}

/** What must hold once `w.victim` is erased. */
async function expectErased(w: World, after: Scan): Promise<void> {
  const { victim, other, observer, before } = w;
  // Only the other person's own block list still names the erased uid (it is theirs: docs/data.md).
  expect(after.documentsNaming).toEqual([`users/${other.uid}/blocks/${victim.uid}`]);
  expect(after.redisKeysNaming).toEqual([]);
  expect(w.victimKeys).toHaveLength(1);
  for (const key of w.victimKeys) expect(after.objectKeys.has(key)).toBe(false);
  for (const key of w.otherKeys) expect(after.objectKeys.has(key)).toBe(true);
  expect(after.objects).toBe(before.objects - w.victimKeys.length);
  // Nothing that was only someone else's changed.
  for (const person of [other, observer]) {
    const untouched = documentsOnlyOf(before, person.uid, victim.uid);
    // At least their profile and usage day, and their pool shard unless the victim's uid hashed to it too.
    const ownShard = poolShardOf(person.uid) !== poolShardOf(victim.uid);
    expect(untouched.has(`users/${person.uid}`)).toBe(true);
    expect(untouched.size).toBeGreaterThanOrEqual(ownShard ? 3 : 2);
    for (const [path, json] of untouched) expect([path, after.contents.get(path)]).toEqual([path, json]);
  }
  // Shared documents lost the uid and nothing else: attendance, head counts, the pools.
  for (const id of ['ev-a', 'ev-b']) {
    expect((await h.db.doc(`eventAttendees/${id}`).get()).get('attendeeIds')).toEqual([other.uid, observer.uid]);
    expect((await h.db.doc(`events/${id}`).get()).get('attendeeCount')).toBe(2);
  }
  const shown = await call(h, 'matchUsers', observer, { limit: 5 });
  expect(shown.status).toBe(200);
  expect(shown.json.matches.map((m: { userId: string }) => m.userId)).not.toContain(victim.uid);
  await expect(getAdminAuth().getUser(victim.uid)).rejects.toMatchObject({ code: 'auth/user-not-found' });
}

describe.skipIf(!official())('erasing an account', () => {
  it('deleteAccount erases everything that names the caller, answers the counts, and refuses the old token', async () => {
    const w = await world();
    expect(w.before.documentsNaming.length).toBeGreaterThan(10);
    expect(w.before.redisKeysNaming.length).toBeGreaterThan(0);

    const res = await call(h, 'deleteAccount', w.victim, {});
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      deleted: {
        conversations: 1,
        messages: 4,
        images: 1,
        imageObjects: 1,
        attendanceLists: 2,
        eventPoolEntries: 0,
        profileDocuments: 3, // the profile, its block, its usage day
        redisKeys: w.before.redisKeysNaming.length + 1, // and deleteAccount's own rate-limit window
      },
      authUserDeleted: true,
    });
    const after = await scanStores(h, w.victim.uid);
    await expectErased(w, after);
    console.log(`[data] ${describeScan('before deleteAccount', w.before)}`);
    console.log(`[data] ${describeScan('after deleteAccount ', after)}`);

    // The old ID token is refused everywhere from now on.
    for (const name of ['chatMessage', 'deleteAccount'] as const) {
      const refused = await call(h, name, w.victim, name === 'chatMessage' ? { message: 'still here?' } : {});
      expect([name, refused.status, refused.json.error.code]).toEqual([name, 401, 'invalid_token']);
    }
  });

  it('an Admin SDK deletion runs the same erasure through the Auth trigger, within a minute', async () => {
    if (!getServices().functionsBaseUrl)
      throw new Error(`Functions emulator unavailable: ${getServices().functionsUnavailable}`);
    const w = await world();
    const started = Date.now();
    await getAdminAuth().deleteUser(w.victim.uid);
    let after = await scanStores(h, w.victim.uid);
    while (after.documentsNaming.length > 1 || after.redisKeysNaming.length > 0 || after.objects === w.before.objects) {
      if (Date.now() - started > 60_000) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      after = await scanStores(h, w.victim.uid);
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    await expectErased(w, after);
    console.log(`[data] ${describeScan('before Admin SDK deletion', w.before)}`);
    console.log(`[data] ${describeScan(`after the Auth trigger (${seconds} s)`, after)}`);
  });
});
