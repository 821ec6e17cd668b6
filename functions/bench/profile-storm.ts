// A write storm on one profile, and what it does to everyone else: one client rewrites its own
// profile's interests STORM_WRITES times (default 10,000), STORM_CONCURRENCY (25) writes at a time,
// for at most STORM_SECONDS (180 s); each write runs matchProfileSync in the Functions emulator, fed
// by the official Firestore emulator, as in `npm start`. A bystander hashed to the same pool shard
// edits their interests before and during the storm, 6 s apart (more than the coalescing
// window, so that no edit waits for their own previous one); their latency is from the write's commit to
// the pool entry showing it. Afterwards: matchProfileSync invocations and the Firestore reads and
// writes it made, per 1,000 storm writes (from its log lines: `reads`/`writes` where it reports them,
// else its outcome's fixed cost), and whether the pool ends with the storm's last state.
//
// Run: npm run bench -- profile-storm   (needs the official emulator; prints figures, asserts nothing)
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { startFirebaseEmulators } from '../dev/services/firebase-emulators.js';
import { startFirestore } from '../dev/services/firestore.js';
import { functionsEmulatorTriggerKey, registerFirestoreTrigger } from '../dev/services/firestore-triggers.js';
import { getFreePort } from '../dev/services/ports.js';
import { deriveMatchFields, POOL_COLLECTION, poolShardOf } from '../src/lib/features/matching/index.js';

const PROJECT = 'demo-profile-storm';
const TRIGGER = 'matchProfileSync';
const WRITES = Number(process.env.STORM_WRITES ?? 10_000);
const CONCURRENCY = Number(process.env.STORM_CONCURRENCY ?? 25);
const STORM_SECONDS = Number(process.env.STORM_SECONDS ?? 180);
/** How long one bystander edit may take to show before it counts as "not within the limit". */
const BYSTANDER_TIMEOUT_MS = 120_000;
/** Between two bystander edits: longer than the coalescing window, so none waits for its own previous edit. */
const BYSTANDER_SPACING_MS = 6_000;
/** Before the trigger's log lines carried their cost: a written outcome was one transaction, 1 read and 2 writes. */
const OUTCOME_COST: Record<string, { reads: number; writes: number }> = {
  written: { reads: 1, writes: 2 },
  removed: { reads: 1, writes: 1 },
};

const FUNCTIONS_DIR = path.resolve(__dirname, '..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** A uid other than `uid` that hashes to the same pool shard. */
function sameShardAs(uid: string): string {
  for (let i = 0; ; i++) if (poolShardOf(`bystander-${i}`) === poolShardOf(uid)) return `bystander-${i}`;
}

async function poolInterests(db: Firestore, uid: string): Promise<unknown> {
  const shard = await db.collection(POOL_COLLECTION).doc(poolShardOf(uid)).get();
  return (shard.get('entries') as Record<string, { interests?: unknown }> | undefined)?.[uid]?.interests;
}

/** One bystander edit: ms from its commit until the pool shows it (or the timeout). */
async function bystanderEdit(db: Firestore, uid: string, n: number): Promise<number> {
  const interest = `bystander edit ${n}`;
  await db.doc(`users/${uid}`).update({ interests: ['hiking', interest] });
  const committed = Date.now();
  while (Date.now() - committed < BYSTANDER_TIMEOUT_MS) {
    const interests = await poolInterests(db, uid);
    if (Array.isArray(interests) && interests.includes(interest)) return Date.now() - committed;
    await sleep(50);
  }
  return BYSTANDER_TIMEOUT_MS;
}

interface TriggerCounts {
  started: number;
  finished: number;
  reads: number;
  writes: number;
  outcomes: Record<string, number>;
}

function triggerCounts(output: readonly string[]): TriggerCounts {
  const counts: TriggerCounts = { started: 0, finished: 0, reads: 0, writes: 0, outcomes: {} };
  for (const line of output) {
    if (line.includes(`Beginning execution of "us-central1-${TRIGGER}"`)) counts.started++;
    else if (line.includes(`Finished "us-central1-${TRIGGER}"`)) counts.finished++;
    const logged = /"message":"match fields".*/.exec(line);
    if (!logged) continue;
    const outcome = /"outcome":"([a-z]+)"/.exec(line)?.[1] ?? 'unknown';
    counts.outcomes[outcome] = (counts.outcomes[outcome] ?? 0) + 1;
    const reads = /"reads":(\d+)/.exec(line);
    const writes = /"writes":(\d+)/.exec(line);
    counts.reads += reads ? Number(reads[1]) : (OUTCOME_COST[outcome]?.reads ?? 0);
    counts.writes += writes ? Number(writes[1]) : (OUTCOME_COST[outcome]?.writes ?? 0);
  }
  return counts;
}

async function main(): Promise<void> {
  const snapshotDir = mkdtempSync(path.join(os.tmpdir(), 'storm-functions-'));
  cpSync(path.join(FUNCTIONS_DIR, 'lib'), path.join(snapshotDir, 'lib'), { recursive: true });
  cpSync(path.join(FUNCTIONS_DIR, 'package.json'), path.join(snapshotDir, 'package.json'));
  symlinkSync(path.join(FUNCTIONS_DIR, 'node_modules'), path.join(snapshotDir, 'node_modules'));
  const functionsPort = await getFreePort();
  const firestore = await startFirestore({
    prefer: 'official',
    rules: false,
    projectId: PROJECT,
    functionsEmulator: `127.0.0.1:${functionsPort}`,
  });
  const output: string[] = [];
  const functions = await startFirebaseEmulators({
    only: ['functions'],
    projectId: PROJECT,
    ports: { functions: functionsPort },
    env: { FIRESTORE_EMULATOR_HOST: firestore.host },
    functionsDir: snapshotDir,
    onOutput: (line) => output.push(line),
  });
  const app = initializeApp({ projectId: PROJECT }, 'profile-storm');
  try {
    if (firestore.kind !== 'official') throw new Error('profile-storm needs the official Firestore emulator');
    await registerFirestoreTrigger({
      firestoreHost: firestore.host,
      projectId: PROJECT,
      key: functionsEmulatorTriggerKey('us-central1', TRIGGER),
      document: 'users/{uid}',
    });
    const db = getFirestore(app);
    db.settings({ host: firestore.host, ssl: false });
    const stormer = 'stormer';
    const bystander = sameShardAs(stormer);
    const profile = { purposes: ['friendship'], location: { city: 'Oakland', lat: 37.8044, lng: -122.2712 } };
    await db.doc(`users/${stormer}`).set({ ...profile, interests: ['storm 0'] });
    await db.doc(`users/${bystander}`).set({ ...profile, interests: ['hiking'] });
    while ((await poolInterests(db, bystander)) === undefined || (await poolInterests(db, stormer)) === undefined)
      await sleep(100);

    const before: number[] = [];
    for (let i = 0; i < 4; i++) {
      await sleep(BYSTANDER_SPACING_MS);
      before.push(await bystanderEdit(db, bystander, i));
    }
    const countsBefore = triggerCounts(output);

    // The storm, with the bystander editing every BYSTANDER_SPACING_MS while it lasts.
    let written = 0;
    let stopped = false;
    const stormStart = Date.now();
    const deadline = stormStart + STORM_SECONDS * 1000;
    const writer = async () => {
      while (!stopped && written < WRITES && Date.now() < deadline) {
        const n = ++written;
        await db
          .doc(`users/${stormer}`)
          .update(process.env.STORM_NOOP ? { bio: `bio ${n}` } : { interests: [`storm ${n % 97}`, `round ${n}`] });
      }
    };
    const during: number[] = [];
    const bystanderLoop = (async () => {
      for (let n = 100; !stopped; n++) {
        await sleep(1_000);
        during.push(await bystanderEdit(db, bystander, n));
        await sleep(BYSTANDER_SPACING_MS - 1_000);
      }
    })();
    await Promise.all(Array.from({ length: CONCURRENCY }, writer));
    const stormMs = Date.now() - stormStart;
    stopped = true;
    await bystanderLoop;
    // The storm's last committed state (the highest round among the last writes to commit).
    const stored = (await db.doc(`users/${stormer}`).get()).get('interests') as string[];

    // Quiet: every started invocation finished and nothing new for 5 s (bounded).
    let last = '';
    let since = Date.now();
    const quietDeadline = Date.now() + 300_000;
    for (;;) {
      const now = triggerCounts(output);
      const key = `${now.started}/${now.finished}`;
      if (key !== last) [last, since] = [key, Date.now()];
      if ((now.started === now.finished && Date.now() - since > 5_000) || Date.now() > quietDeadline) break;
      await sleep(250);
    }
    const settledMs = Date.now() - stormStart;
    const after = triggerCounts(output);
    const pooled = await poolInterests(db, stormer);
    const expected = deriveMatchFields({ ...profile, interests: stored }).interests;

    const per1000 = (value: number) => Math.round((value / written) * 1000);
    const invocations = after.started - countsBefore.started;
    const reads = after.reads - countsBefore.reads;
    const writes = after.writes - countsBefore.writes;
    const result = {
      bench: 'profile-storm',
      stormWrites: written,
      concurrency: CONCURRENCY,
      stormSeconds: Math.round(stormMs / 100) / 10,
      writesPerSecond: Math.round(written / (stormMs / 1000)),
      settledSeconds: Math.round(settledMs / 100) / 10,
      per1000Writes: { invocations: per1000(invocations), reads: per1000(reads), writes: per1000(writes) },
      outcomes: after.outcomes,
      bystanderMs: {
        before: { p50: percentile(before, 50), max: Math.max(...before), n: before.length },
        during: { p50: percentile(during, 50), max: Math.max(...during), n: during.length },
      },
      lastStateInPool: JSON.stringify(pooled) === JSON.stringify(expected),
    };
    console.log(
      `profile storm: ${written} writes in ${result.stormSeconds} s (${result.writesPerSecond}/s), ${CONCURRENCY} at a time`,
    );
    console.log(
      `per 1,000 storm writes: ${result.per1000Writes.invocations} invocations, ${result.per1000Writes.reads} reads, ${result.per1000Writes.writes} writes`,
    );
    console.log(
      `bystander in the same shard: before p50 ${result.bystanderMs.before.p50} ms (max ${result.bystanderMs.before.max}), ` +
        `during p50 ${result.bystanderMs.during.p50} ms (max ${result.bystanderMs.during.max}, n ${during.length})`,
    );
    console.log(
      `trigger settled ${result.settledSeconds} s after the storm began; last state in the pool: ${result.lastStateInPool}`,
    );
    console.log(JSON.stringify(result));
  } finally {
    await deleteApp(app);
    await functions.stop();
    await firestore.stop();
    rmSync(snapshotDir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
