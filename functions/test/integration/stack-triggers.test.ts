// npm start's Firestore triggers: startServices with `firestoreTriggers: true` (what dev/stack.ts
// passes) starts the official Firestore emulator with --functions_emulator, registers every Firestore
// trigger the Functions emulator loaded, and a profile write comes back with `match` written by the
// real matchProfileSync. With the Node stand-in it says the triggers are not delivered.
import path from 'node:path';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOfficialFirestoreEmulator } from '../../dev/services/firestore-official.js';
import { firestoreTriggersIn, type FunctionDefinition } from '../../dev/services/firestore-triggers.js';
import { startServices, type RunningServices } from '../../dev/services/index.js';
import { deriveMatchFields } from '../../src/lib/features/matching/index.js';

const LIB_INDEX = path.resolve(__dirname, '..', '..', 'lib', 'index.js');
const official = findOfficialFirestoreEmulator();
const MATCH_TIMEOUT_MS = 20_000;

/** The Firestore triggers the built functions export, read from each export's endpoint as deploy does. */
function exportedFirestoreTriggers(): ReturnType<typeof firestoreTriggersIn> {
  type Endpoint = Omit<FunctionDefinition, 'name' | 'region'> & { region?: string[] };
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built CommonJS entry, as the SDK loads it
  const exported = require(LIB_INDEX) as Record<string, { __endpoint?: Endpoint } | undefined>;
  const definitions = Object.entries(exported).flatMap(([name, fn]) => {
    const endpoint = fn?.__endpoint;
    return endpoint ? [{ ...endpoint, name, region: endpoint.region?.[0] }] : [];
  });
  return firestoreTriggersIn(definitions);
}

async function poll<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function adminDb(services: RunningServices, name: string): { app: App; db: Firestore } {
  const app = initializeApp({ projectId: services.projectId }, name);
  const db = getFirestore(app);
  db.settings({ host: services.firestore?.host, ssl: false });
  return { app, db };
}

describe.skipIf(!official.found)(
  `npm start's services deliver Firestore triggers (official emulator${official.found ? '' : `: skipped, ${official.reason}`})`,
  () => {
    let services: RunningServices | undefined;
    let app: App | undefined;
    let db: Firestore;

    beforeAll(async () => {
      services = await startServices({
        projectId: 'demo-stack-triggers',
        firestore: { prefer: 'official' },
        // A copy of lib/: a rebuild of the shared tree's lib/ mid-test must not unload the functions.
        firebase: { only: ['functions'], copyLib: true },
        firestoreTriggers: true,
      });
      ({ app, db } = adminDb(services, 'stack-triggers-official'));
    }, 120_000);

    afterAll(async () => {
      if (app) await deleteApp(app);
      await services?.stop();
    }, 60_000);

    it('registers every Firestore trigger the functions export, not a fixed list', () => {
      const status = services?.firestoreTriggers;
      expect(status?.delivered, status?.summary).toBe(true);
      const registered = status?.delivered ? status.triggers : [];
      const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
      expect([...registered].sort(byName)).toEqual(exportedFirestoreTriggers().sort(byName));
      expect(registered).toContainEqual(
        expect.objectContaining({ name: 'matchProfileSync', document: 'users/{uid}', matchType: 'PATH_PATTERN' }),
      );
      expect(status?.summary).toContain('matchProfileSync → users/{uid}');
    });

    it('a profile written to Firestore gets its match fields from the real trigger', async () => {
      const profile = {
        displayName: 'Noor',
        interests: ['Climbing', 'Jazz'],
        purposes: ['friendship'],
        location: { city: 'Berkeley', lat: 37.8715, lng: -122.273 },
      };
      const ref = db.doc(`users/stack-trigger-${Date.now()}`);
      await ref.set(profile); // no match fields: only the trigger can add them
      const match = await poll('users/{uid}.match', async () => (await ref.get()).get('match'), MATCH_TIMEOUT_MS);
      expect(match).toEqual(deriveMatchFields(profile));
    }, 30_000);
  },
);

describe('with the Node stand-in', () => {
  let services: RunningServices | undefined;
  let app: App | undefined;

  afterAll(async () => {
    if (app) await deleteApp(app);
    await services?.stop();
  }, 30_000);

  it('says honestly that triggers are not delivered, and Firestore still works', async () => {
    services = await startServices({
      projectId: 'demo-stack-triggers-node',
      firestore: { prefer: 'node' },
      firestoreTriggers: true,
    });
    const status = services.firestoreTriggers;
    expect(status?.delivered).toBe(false);
    expect(status?.summary).toMatch(/not delivered by the Node stand-in.*npm run backfill:match/);
    const admin = adminDb(services, 'stack-triggers-node');
    app = admin.app;
    const db = admin.db;
    await db.doc('users/solo').set({ interests: ['chess'] });
    expect((await db.doc('users/solo').get()).get('interests')).toEqual(['chess']);
  }, 30_000);
});
