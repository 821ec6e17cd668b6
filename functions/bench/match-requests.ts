// Firestore documents read per matching request (and wall time per request, local emulator), for
// matchUsers, matchEvents and suggestions from the prepared pools (built by the backfill, as the deploy
// runs it), against a synthetic population.
// Ranking speed itself (10k / 100k candidates) is bench/ranking.ts; this bench measures retrieval.
//
// Population: 5,000 users from bench/ranking.ts's generator (same realistic tag skew) and 400
// events over the next 60 days with 0-40 attendees each (ids in eventAttendees/{id}, as in production).
// Runs on the official Firestore emulator where it exists (the figures say which emulator ran).
// Explanations use templates (no model): the Gemini call is not what is measured here. Requests are
// sequential, one viewer after another.
//
// Run: npx tsx bench/match-requests.ts   The last stdout line is the JSON result.
import { Timestamp, getFirestore, type Firestore } from 'firebase-admin/firestore';
import { startFirestore } from '../dev/services/firestore.js';
import { MemoryLruCache } from '../src/lib/platform/cache/index.js';
import { getConfig } from '../src/lib/platform/config/index.js';
import { getAdminApp } from '../src/lib/platform/firebase.js';
import { createLogger } from '../src/lib/platform/logging.js';
import {
  backfillPools,
  matchEventsFor,
  matchUsersFor,
  resolveEventWindow,
  suggestionsFor,
  type MatchRunStats,
  type MatchServiceDeps,
  matchingSettings,
} from '../src/lib/features/matching/index.js';
import { generateProfiles } from './ranking.js';

const USERS = 5_000;
const EVENTS = 400;
const VIEWERS = 25;

export interface MatchRequestRow {
  request: 'matchUsers' | 'matchEvents' | 'suggestions';
  requests: number;
  docsReadMean: number;
  docsReadMax: number;
  queriesPerRequest: number;
  /** Optional queries (the same-city one) that failed and were left out, over all requests. */
  candidatesMean: number;
  p50Ms: number;
}

export interface MatchRequestBenchResult {
  emulator: 'official' | 'node';
  population: { users: number; events: number };
  rows: MatchRequestRow[];
}

/** Firestore rejects `undefined` values: drop them (the generator leaves some locations unset). */
function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/** 5,000 users and 400 events (also used by bench/chat-tools.ts); returns the viewers' uids. */
export async function seed(db: Firestore): Promise<string[]> {
  const users = generateProfiles(USERS, 42);
  for (let i = 0; i < users.length; i += 500) {
    const batch = db.batch();
    for (const { id, ...profile } of users.slice(i, i + 500)) {
      batch.set(db.collection('users').doc(String(id)), withoutUndefined({ ...profile, displayName: String(id) }));
    }
    await batch.commit();
  }
  const tagPool = generateProfiles(EVENTS, 99);
  // Two writes per attended event (the event, its eventAttendees doc): 200 events stay within a batch's 500.
  for (let start = 0; start < tagPool.length; start += 200) {
    const batch = db.batch();
    tagPool.slice(start, start + 200).forEach((source, offset) => {
      const i = start + offset;
      const attendees = Array.from({ length: i % 41 }, (_, k) => String(users[(i * 37 + k * 101) % users.length].id));
      batch.set(
        db.collection('events').doc(`event-${i}`),
        withoutUndefined({
          title: `Event ${i}`,
          tags: (source.interests as string[]).slice(0, 3),
          location: source.location,
          startsAt: Timestamp.fromMillis(Date.now() + ((i % 60) + 0.5) * 86_400_000),
          attendeeCount: attendees.length,
        }),
      );
      if (attendees.length > 0)
        batch.set(db.collection('eventAttendees').doc(`event-${i}`), { attendeeIds: attendees });
    });
    await batch.commit();
  }
  return users.slice(0, VIEWERS).map((user) => String(user.id));
}

/** The same population under a name that says what it seeds (bench/match-quality.ts, bench/chat-tools.ts). */
export const seedPopulation = seed;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summarise(request: MatchRequestRow['request'], runs: { stats: MatchRunStats; ms: number }[]): MatchRequestRow {
  const docs = runs.map((run) => run.stats.reads.documents);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    request,
    requests: runs.length,
    docsReadMean: round(docs.reduce((a, b) => a + b, 0) / runs.length),
    docsReadMax: Math.max(...docs),
    queriesPerRequest: round(runs.reduce((a, run) => a + run.stats.reads.queries, 0) / runs.length),
    candidatesMean: round(runs.reduce((a, run) => a + run.stats.candidates, 0) / runs.length),
    p50Ms: round(
      percentile(
        runs.map((run) => run.ms).sort((a, b) => a - b),
        50,
      ),
    ),
  };
}

export async function run(): Promise<MatchRequestBenchResult> {
  const emulator = await startFirestore();
  Object.assign(process.env, {
    FIRESTORE_EMULATOR_HOST: emulator.host,
    GCLOUD_PROJECT: 'demo-bench',
    METADATA_SERVER_DETECTION: 'none',
  });
  try {
    const db = getFirestore(getAdminApp());
    const viewers = await seed(db);
    await backfillPools(db);
    const settings = matchingSettings(getConfig());
    const deps: MatchServiceDeps = {
      db,
      clock: () => Date.now(),
      explainer: {
        cache: new MemoryLruCache(),
        model: undefined,
        settings: { model: 'none', timeoutMs: 3000, temperature: 0.8, tokensPerMatch: 100, cacheTtlSeconds: 60 },
      },
    };
    const log = createLogger({ bench: 'match-requests' });
    const silent = { ...log, info: () => undefined, warn: () => undefined };
    const window = () => resolveEventWindow({}, settings.eventWindowDays, Date.now());
    const timed = async (fn: () => Promise<{ stats: MatchRunStats }>) => {
      const started = performance.now();
      const { stats } = await fn();
      return { stats, ms: performance.now() - started };
    };
    const rows: MatchRequestRow[] = [];
    const cases = {
      matchUsers: (uid: string) =>
        matchUsersFor(deps, { uid, settings, signal: new AbortController().signal, log: silent }, { limit: 5 }),
      matchEvents: (uid: string) =>
        matchEventsFor(
          deps,
          { uid, settings, signal: new AbortController().signal, log: silent },
          { limit: 5, window: window() },
        ),
      suggestions: (uid: string) =>
        suggestionsFor(
          deps,
          { uid, settings, signal: new AbortController().signal, log: silent },
          { limit: 5, window: window() },
        ),
    };
    for (const [request, fn] of Object.entries(cases) as [
      MatchRequestRow['request'],
      (uid: string) => Promise<{ stats: MatchRunStats }>,
    ][]) {
      await fn(viewers[0]); // warm-up (connection, JIT)
      const runs = [];
      for (const uid of viewers) runs.push(await timed(() => fn(uid)));
      rows.push(summarise(request, runs));
    }
    return {
      emulator: emulator.kind,
      population: { users: USERS, events: EVENTS },
      rows,
    };
  } finally {
    await emulator.stop();
  }
}

function printTable(result: MatchRequestBenchResult): void {
  console.log(
    `${result.emulator} Firestore emulator; population: ${result.population.users} users, ${result.population.events} events`,
  );
  const header = ['requests', 'docs mean', 'docs max', 'queries', 'candidates', 'p50 ms'];
  console.log('request'.padEnd(14), ...header.map((title) => title.padStart(11)));
  for (const row of result.rows) {
    console.log(
      row.request.padEnd(14),
      ...[row.requests, row.docsReadMean, row.docsReadMax, row.queriesPerRequest, row.candidatesMean, row.p50Ms].map(
        (v) => String(v).padStart(11),
      ),
    );
  }
  console.log('(ranking speed after retrieval: bench/ranking.ts)');
}

if (require.main === module) {
  run()
    .then((result) => {
      printTable(result);
      console.log(JSON.stringify(result));
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
