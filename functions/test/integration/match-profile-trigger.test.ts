// Matching's triggers for real: the built functions in the Functions emulator (firebase-tools), the
// official Cloud Firestore emulator started with --functions_emulator pointing at it, the triggers
// registered with it (dev/services/firestore-triggers.ts says why by hand). Every write below goes
// to Firestore; the emulator delivers the CloudEvent; matchProfileSync (users/{uid}) or
// matchEventSync / matchAttendanceSync (events/{id}, eventAttendees/{id}) run and write back.
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, Timestamp, type Firestore } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFirebaseEmulators, type FirebaseEmulators } from '../../dev/services/firebase-emulators.js';
import { startFirestore, type FirestoreEmulator } from '../../dev/services/firestore.js';
import { functionsEmulatorTriggerKey, registerFirestoreTrigger } from '../../dev/services/firestore-triggers.js';
import { getFreePort } from '../../dev/services/ports.js';
import { COALESCE_WINDOW_MS } from '../../src/lib/features/matching/derived/sync-state.js';
import {
  deriveMatchFields,
  EVENT_POOL_COLLECTION,
  eventPoolDayOf,
  POOL_COLLECTION,
  poolShardOf,
} from '../../src/lib/features/matching/index.js';
import { getServices } from '../support/services.js';

const PROJECT = 'demo-profile-trigger';
const TRIGGER = 'matchProfileSync';
const OFFICIAL = getServices().firestoreKind === 'official';

const FUNCTIONS_DIR = path.resolve(__dirname, '..', '..');
let firestore: FirestoreEmulator | undefined;
let functions: FirebaseEmulators | undefined;
let snapshotDir: string | undefined;
let app: App;
let db: Firestore;
const output: string[] = [];

/** Invocations of the trigger and writes it reported, from the Functions emulator's output so far. */
function invocations(): { started: number; finished: number; written: number } {
  const count = (pattern: RegExp) => output.filter((line) => pattern.test(line)).length;
  return {
    started: count(new RegExp(`Beginning execution of "us-central1-${TRIGGER}"`)),
    finished: count(new RegExp(`Finished "us-central1-${TRIGGER}"`)),
    written: count(/"message":"match fields".*"outcome":"written"/),
  };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; emulator said:\n${output.slice(-20).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Waits until every started invocation has finished and nothing new started for `quietMs`. */
async function settled(quietMs = 2_500): Promise<ReturnType<typeof invocations>> {
  let last = JSON.stringify(invocations());
  let since = Date.now();
  return until('the trigger to go quiet', async () => {
    const now = invocations();
    if (JSON.stringify(now) !== last) {
      last = JSON.stringify(now);
      since = Date.now();
    }
    return now.started === now.finished && Date.now() - since >= quietMs ? now : undefined;
  });
}

async function eventEntry(day: Date, eventId: string): Promise<Record<string, unknown> | undefined> {
  const doc = await db.collection(EVENT_POOL_COLLECTION).doc(eventPoolDayOf(day)).get();
  return (doc.get('entries') as Record<string, Record<string, unknown>> | undefined)?.[eventId];
}

async function poolEntry(uid: string): Promise<unknown> {
  const shard = await db.collection(POOL_COLLECTION).doc(poolShardOf(uid)).get();
  return (shard.get('entries') as Record<string, unknown> | undefined)?.[uid];
}

describe.skipIf(!OFFICIAL)(
  'matchProfileSync through the Functions emulator and the official Firestore emulator',
  () => {
    beforeAll(async () => {
      // The emulator serves a private copy of the built lib/: in a shared working tree someone else's
      // `npm run build` empties lib/ for a while, and the emulator would load it mid-test.
      snapshotDir = mkdtempSync(path.join(os.tmpdir(), 'trigger-functions-'));
      cpSync(path.join(FUNCTIONS_DIR, 'lib'), path.join(snapshotDir, 'lib'), { recursive: true });
      cpSync(path.join(FUNCTIONS_DIR, 'package.json'), path.join(snapshotDir, 'package.json'));
      symlinkSync(path.join(FUNCTIONS_DIR, 'node_modules'), path.join(snapshotDir, 'node_modules'));
      const functionsPort = await getFreePort();
      firestore = await startFirestore({
        prefer: 'official',
        rules: false,
        projectId: PROJECT,
        functionsEmulator: `127.0.0.1:${functionsPort}`,
      });
      const firestoreHost = firestore.host;
      functions = await startFirebaseEmulators({
        only: ['functions'],
        projectId: PROJECT,
        ports: { functions: functionsPort },
        env: { FIRESTORE_EMULATOR_HOST: firestoreHost },
        functionsDir: snapshotDir,
        onOutput: (line) => output.push(line),
      });
      const triggers = {
        [TRIGGER]: 'users/{uid}',
        matchEventSync: 'events/{eventId}',
        matchAttendanceSync: 'eventAttendees/{eventId}',
      };
      for (const [name, document] of Object.entries(triggers))
        await registerFirestoreTrigger({
          firestoreHost,
          projectId: PROJECT,
          key: functionsEmulatorTriggerKey('us-central1', name),
          document,
        });
      app = initializeApp({ projectId: PROJECT }, 'profile-trigger-test');
      db = getFirestore(app);
      db.settings({ host: firestoreHost, ssl: false });
    }, 240_000);

    afterAll(async () => {
      await functions?.stop();
      await firestore?.stop();
      if (snapshotDir) rmSync(snapshotDir, { recursive: true, force: true });
    }, 60_000);

    it('writes the derived fields and the pool entry server-side, then stops: one write, no loop', async () => {
      const profile = {
        displayName: 'Maya',
        interests: ['Hiking', 'Board-Games'],
        purposes: ['friendship'],
        location: { city: 'Oakland', lat: 37.8044, lng: -122.2712 },
      };
      const before = invocations();
      await db.doc('users/maya').set(profile);
      const match = await until('users/maya.match', async () => (await db.doc('users/maya').get()).get('match'));
      expect(match).toEqual(deriveMatchFields(profile));
      expect(await poolEntry('maya')).toMatchObject({ interests: ['hiking', 'board game'], purposes: ['friendship'] });

      const after = await settled();
      // The client's write and the trigger's own write each invoked it once; only the first wrote.
      expect(after.started - before.started).toBe(2);
      expect(after.written - before.written).toBe(1);
    }, 120_000);

    it('re-derives after an edit matching reads, and does nothing for one it does not', async () => {
      const before = await settled();
      await db.doc('users/maya').update({ bio: 'a new bio' });
      const afterBio = await settled();
      expect(afterBio.started - before.started).toBe(1);
      expect(afterBio.written - before.written).toBe(0);

      // Past the coalescing window since maya's last pool write, so this one is written at once.
      await new Promise((resolve) => setTimeout(resolve, COALESCE_WINDOW_MS));
      await db.doc('users/maya').update({ interests: ['chess'] });
      await until('the new interests', async () =>
        ((await db.doc('users/maya').get()).get('match.interests') as string[])?.[0] === 'chess' ? true : undefined,
      );
      const afterEdit = await settled();
      expect(afterEdit.written - afterBio.written).toBe(1);
      expect(afterEdit.started - afterBio.started).toBe(2);
    }, 120_000);

    it('coalesces a storm of writes on one profile: one pool write per window, the last state, a bystander not held back', async () => {
      const stormer = 'stormer';
      let bystander = 'b0';
      for (let i = 1; poolShardOf(bystander) !== poolShardOf(stormer); i++) bystander = `b${i}`;
      await db.doc(`users/${stormer}`).set({ interests: ['storm 0'], purposes: ['friendship'] });
      await db.doc(`users/${bystander}`).set({ interests: ['hiking'], purposes: ['friendship'] });
      await until('both in the pool', async () =>
        (await poolEntry(stormer)) !== undefined && (await poolEntry(bystander)) !== undefined ? true : undefined,
      );
      await settled();
      // The bystander's own last pool write is past the window: their edit below is not theirs to coalesce.
      await new Promise((resolve) => setTimeout(resolve, COALESCE_WINDOW_MS));
      const logged = (uid: string) =>
        output
          .filter((line) => line.includes('"message":"match fields"') && line.includes(`"uid":"${uid}"`))
          .map(
            (line) =>
              JSON.parse(line.slice(line.indexOf('{'))) as {
                outcome: string;
                reads: number;
                writes: number;
                waitedMs?: number;
              },
          );
      const before = { stormer: logged(stormer).length, bystander: logged(bystander).length };

      // 300 writes, 25 at a time, with the bystander's edit in the middle of them.
      const WRITES = 300;
      let n = 0;
      const started = Date.now();
      const writer = async () => {
        while (n < WRITES) {
          const i = ++n;
          if (i === WRITES / 2) await db.doc(`users/${bystander}`).update({ interests: ['hiking', 'mid-storm edit'] });
          await db.doc(`users/${stormer}`).update({ interests: [`storm ${i % 7}`, `round ${i}`] });
        }
      };
      await Promise.all(Array.from({ length: 25 }, writer));
      const stormMs = Date.now() - started;
      await settled(7_000);

      // Nothing lost: the pool holds the storm's last stored state.
      const last = (await db.doc(`users/${stormer}`).get()).get('interests') as string[];
      expect(await poolEntry(stormer)).toMatchObject({ interests: deriveMatchFields({ interests: last }).interests });
      // At most one pool write per window (plus the one a window ends with), and a few transactions,
      // not one per write: each pool write is one or two transactions of one read each.
      const stormLines = logged(stormer).slice(before.stormer);
      const poolWrites = stormLines.filter((line) => line.outcome === 'written').length;
      expect(poolWrites).toBeGreaterThanOrEqual(1);
      expect(poolWrites).toBeLessThanOrEqual(Math.ceil(stormMs / COALESCE_WINDOW_MS) + 2);
      const reads = stormLines.reduce((sum, line) => sum + line.reads, 0);
      expect(reads).toBeLessThan(WRITES / 5);
      // The bystander's edit was written at once, not behind the stormer's lease, and is in the pool.
      const mine = logged(bystander).slice(before.bystander);
      expect(
        mine.map((line) => line.outcome),
        JSON.stringify(mine),
      ).toEqual(['written']);
      expect(mine[0].waitedMs).toBeUndefined();
      expect(await poolEntry(bystander)).toMatchObject({ interests: ['hiking', 'mid storm edit'] });
    }, 240_000);

    it('takes a suspended person out of the pool, and a deleted profile too', async () => {
      await db.doc('users/sam').set({ interests: ['jazz'], location: { city: 'Oakland' } });
      await until('sam in the pool', async () => poolEntry('sam'));
      await db.doc('users/sam').update({ accountState: 'suspended' });
      await until('sam out of the pool', async () => ((await poolEntry('sam')) === undefined ? true : undefined));
      expect((await db.doc('users/sam').get()).get('match.visible')).toBe(false);

      await until('maya in the pool', async () => poolEntry('maya'));
      await db.doc('users/maya').delete();
      await until('maya out of the pool', async () => ((await poolEntry('maya')) === undefined ? true : undefined));
      await settled();
    }, 120_000);

    it('keeps the event pool in line with an event and its attendance: written, updated, moved, removed', async () => {
      const day = new Date(Date.now() + 3 * 86_400_000);
      const event = db.doc('events/walk');
      await event.set({ title: 'Photo walk', tags: ['Photography'], startsAt: Timestamp.fromDate(day) });
      const entry = await until('the walk in its day', async () => eventEntry(day, 'walk'));
      expect(entry).toMatchObject({ t: day.getTime(), tags: ['Photography'], crowd: [] });
      expect(JSON.stringify(entry)).not.toContain('Photo walk');

      await db.doc('eventAttendees/walk').set({ attendeeIds: ['ana', 'ben'] });
      await until(
        'the crowd',
        async () => ((await eventEntry(day, 'walk'))?.crowd as string[])?.length === 2 || undefined,
      );

      const later = new Date(day.getTime() + 2 * 86_400_000);
      await event.update({ startsAt: Timestamp.fromDate(later) });
      const moved = await until('the walk on its new day', async () => eventEntry(later, 'walk'));
      expect(moved.crowd).toEqual(['ana', 'ben']);
      await until('the walk gone from its old day', async () =>
        (await eventEntry(day, 'walk')) === undefined ? true : undefined,
      );

      await event.delete();
      await until('the walk gone', async () => ((await eventEntry(later, 'walk')) === undefined ? true : undefined));
    }, 120_000);
  },
);
