// The erasure survives a crash: a fault injected after the first batch of each step leaves part of
// the data behind, with the person already out of matching and the account refusing new data; running
// the erasure again finishes the job, and the scan finds nothing that names the uid.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accountDataDeps, eraseAccount, type ErasureStep } from '../../src/lib/account-data/index.js';
import { getConfig } from '../../src/lib/platform/config/index.js';
import { erasureMarkRef } from '../../src/lib/platform/erasure-marker.js';
import { createLogger } from '../../src/lib/platform/logging.js';
import { clearFirestore, getServices, signUp } from '../support/services.js';
import { actAsUser, call, scanStores, seedWorld, startDataHarness, type DataHarness } from './account-data-support.js';

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

const log = createLogger({ test: 'erasure-crash' });
const STEPS: ErasureStep[] = ['conversations', 'images', 'events', 'profile', 'redis'];

describe.skipIf(getServices().firestoreKind !== 'official')('an erasure that crashes half-way', () => {
  it.each(STEPS.map((step) => [step]))(
    'crashing after the first batch of %s, then retrying, leaves nothing',
    async (step) => {
      const [victim, observer] = [await signUp(), await signUp()];
      await seedWorld(h.db, [victim.uid, observer.uid]);
      await actAsUser(h, victim, 'someone-they-blocked');
      // A second conversation, so the conversations step has more than one batch to crash between.
      expect((await call(h, 'chatMessage', victim, { message: 'another topic' })).status).toBe(200);
      const before = await scanStores(h, victim.uid);

      const deps = accountDataDeps(getConfig());
      const crash = new Error(`injected crash in ${step}`);
      await expect(
        eraseAccount(deps, victim.uid, {
          source: 'operator',
          log,
          onBatch: (at) => {
            if (at === step) throw crash;
          },
        }),
      ).rejects.toBe(crash);

      // Half-way: data is left, the mark says running, and yet the person is out of matching already...
      const midway = await scanStores(h, victim.uid);
      if (step !== 'redis') expect(midway.documentsNaming.length).toBeGreaterThan(0);
      expect((await erasureMarkRef(h.db, victim.uid).get()).get('state')).toBe('running');
      const shown = await call(h, 'matchUsers', observer, { limit: 5 });
      expect(shown.status).toBe(200);
      expect(shown.json.matches.map((m: { userId: string }) => m.userId)).not.toContain(victim.uid);
      // ...and the account stores nothing new (its Auth user still exists here: an operator's erasure).
      const refused = await call(h, 'chatMessage', victim, { message: 'are you there?' });
      expect([refused.status, refused.json.error.code]).toEqual([403, 'account_deleted']);

      await eraseAccount(deps, victim.uid, { source: 'operator', log });
      const after = await scanStores(h, victim.uid);
      expect(after.documentsNaming).toEqual([]);
      expect(after.redisKeysNaming).toEqual([]);
      expect(after.objects).toBe(before.objects - 1);
      expect((await erasureMarkRef(h.db, victim.uid).get()).get('state')).toBe('finished');
      // Nothing done twice: the head counts dropped by exactly one.
      expect((await h.db.doc('events/ev-a').get()).get('attendeeCount')).toBe(1);
    },
  );
});
