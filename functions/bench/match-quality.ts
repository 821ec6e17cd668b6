// Ranking quality against cost: recall@5 of what matchUsers, matchEvents and suggestions return,
// against an exhaustive ranking of everyone, with the documents each request reads (p50, max) and
// its latency (p50), on the synthetic population of bench/match-requests.ts (5,000 users, 400 events
// with 0-40 attendees) in the official Firestore emulator where it exists.
//
// Phases (same population, same viewers):
//   "pool, cold":       after the backfill (as the deploy runs it): the pool's stored keys are ranked,
//                       every request reads the pool and the events itself (a cold instance);
//   "pool, warm":       the same with the per-instance shared cache (shared-cache.ts, 60 s): what
//                       every caller reads alike comes from memory after the first request.
// MATCH_QUALITY_MODE=before runs the single phase of an older tree (the bench copied into a checkout of
// commit 66e8e6d, before the prepared pools): its bounded queries, measured the same way.
//
// The exhaustive ranking ("truth") reads everything outside any counter: every profile, every event
// in the window with its full attendance (attendees sampled as the service samples them, ≤ 20 per
// event, without the request's total cap), events the viewer attends left out.
//
// Run: npx tsx bench/match-quality.ts   The last stdout line is the JSON result. Figures are printed,
// never asserted.
import { Timestamp, getFirestore, type Firestore } from 'firebase-admin/firestore';
import { startFirestore } from '../dev/services/firestore.js';
import { MemoryLruCache } from '../src/lib/platform/cache/index.js';
import { getConfig } from '../src/lib/platform/config/index.js';
import { getAdminApp } from '../src/lib/platform/firebase.js';
import { createLogger } from '../src/lib/platform/logging.js';
import { attendanceOf, eventRecord, userRecord, type EventRecord } from '../src/lib/features/matching/documents.js';
import {
  matchEventsFor,
  matchUsersFor,
  resolveEventWindow,
  suggestionsFor,
  MAX_ATTENDEES_PER_EVENT,
  type MatchRunStats,
  type MatchServiceDeps,
  matchingSettings,
} from '../src/lib/features/matching/index.js';
import { rankEventMatches, rankUserMatches, type MatchProfile } from '../src/lib/features/matching/scoring/index.js';
import { seedPopulation } from './match-requests.js';

const VIEWERS = Number(process.env.MATCH_QUALITY_VIEWERS ?? 20);
const K = 5;
const MODE = process.env.MATCH_QUALITY_MODE === 'before' ? 'before' : 'current';

type RequestName = 'matchUsers' | 'matchEvents' | 'suggestions';

export interface QualityRow {
  phase: string;
  request: RequestName;
  requests: number;
  /** recall@5 of people (matchUsers, suggestions.users) or events (matchEvents, suggestions.events). */
  recallUsers?: number;
  recallEvents?: number;
  docsP50: number;
  docsMax: number;
  p50Ms: number;
}

export interface QualityBenchResult {
  emulator: 'official' | 'node';
  mode: typeof MODE;
  population: { users: number; events: number };
  viewers: number;
  rows: QualityRow[];
}

interface Truth {
  users: string[];
  events: string[];
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Exhaustive top-K per viewer, reading everything outside the request counters. */
async function exhaustive(db: Firestore, viewerIds: readonly string[], radiusKm: number): Promise<Map<string, Truth>> {
  const settings = matchingSettings(getConfig());
  const window = resolveEventWindow({}, settings.eventWindowDays, Date.now());
  const users = (await db.collection('users').get()).docs.map((doc) => userRecord(doc.id, doc.data()));
  const visible = users.filter((user) => user.discoverable);
  const profiles = new Map<string, MatchProfile>(visible.map((user) => [user.id, user]));
  const eventDocs = await db
    .collection('events')
    .where('startsAt', '>=', Timestamp.fromDate(window.from))
    .where('startsAt', '<=', Timestamp.fromDate(window.until))
    .get();
  const events = eventDocs.docs.flatMap((doc) => eventRecord(doc.id, doc.data()) ?? []);
  const attendance = new Map<string, unknown>();
  for (const doc of (await db.collection('eventAttendees').get()).docs) attendance.set(doc.id, doc.data());
  const truth = new Map<string, Truth>();
  for (const viewerId of viewerIds) {
    const viewer = users.find((user) => user.id === viewerId);
    if (viewer === undefined) continue;
    const open: EventRecord[] = [];
    const attendeesByEvent = new Map<string, MatchProfile[]>();
    for (const event of events) {
      const { viewerAttends, sample } = attendanceOf(
        attendance.get(event.id) as Record<string, unknown> | undefined,
        viewerId,
        MAX_ATTENDEES_PER_EVENT,
      );
      if (viewerAttends) continue;
      open.push(event);
      const crowd = sample.flatMap((id) => profiles.get(id) ?? []);
      if (crowd.length > 0) attendeesByEvent.set(event.id, crowd);
    }
    truth.set(viewerId, {
      users: rankUserMatches(viewer, visible, { limit: K, radiusKm }).map((match) => match.id),
      events: rankEventMatches(viewer, open, { limit: K, radiusKm, attendeesByEvent }).map((match) => match.id),
    });
  }
  return truth;
}

function recall(returned: readonly string[], expected: readonly string[]): [number, number] {
  const got = new Set(returned.slice(0, K));
  return [expected.filter((id) => got.has(id)).length, expected.length];
}

async function measurePhase(
  phase: string,
  deps: MatchServiceDeps,
  viewers: readonly string[],
  truth: Map<string, Truth>,
): Promise<QualityRow[]> {
  const settings = matchingSettings(getConfig());
  const log = createLogger({ bench: 'match-quality' });
  const silent = { ...log, info: () => undefined, warn: () => undefined };
  const scope = (uid: string) => ({ uid, settings, signal: new AbortController().signal, log: silent });
  const window = () => resolveEventWindow({}, settings.eventWindowDays, Date.now());
  const rows: QualityRow[] = [];
  const run = async (
    request: RequestName,
    call: (uid: string) => Promise<{ users?: string[]; events?: string[]; stats: MatchRunStats }>,
  ) => {
    await call(viewers[0]); // warm-up
    const docs: number[] = [];
    const ms: number[] = [];
    const hits = { users: [0, 0], events: [0, 0] };
    for (const uid of viewers) {
      const started = performance.now();
      const result = await call(uid);
      ms.push(performance.now() - started);
      docs.push(result.stats.reads.documents);
      const expected = truth.get(uid) as Truth;
      for (const kind of ['users', 'events'] as const) {
        const returned = result[kind];
        if (returned === undefined) continue;
        const [hit, total] = recall(returned, expected[kind]);
        hits[kind][0] += hit;
        hits[kind][1] += total;
      }
    }
    const ratio = ([hit, total]: number[]) => (total === 0 ? undefined : Math.round((hit / total) * 1000) / 1000);
    rows.push({
      phase,
      request,
      requests: viewers.length,
      recallUsers: ratio(hits.users),
      recallEvents: ratio(hits.events),
      docsP50: percentile(docs, 50),
      docsMax: Math.max(...docs),
      p50Ms: Math.round(percentile(ms, 50) * 10) / 10,
    });
  };
  await run('matchUsers', async (uid) => {
    const { matches, stats } = await matchUsersFor(deps, scope(uid), { limit: K });
    return { users: matches.map((m) => m.userId), stats };
  });
  await run('matchEvents', async (uid) => {
    const { matches, stats } = await matchEventsFor(deps, scope(uid), { limit: K, window: window() });
    return { events: matches.map((m) => m.eventId), stats };
  });
  await run('suggestions', async (uid) => {
    const { users, events, stats } = await suggestionsFor(deps, scope(uid), { limit: K, window: window() });
    return { users: users.map((m) => m.userId), events: events.map((m) => m.eventId), stats };
  });
  return rows;
}

export async function run(): Promise<QualityBenchResult> {
  const emulator = await startFirestore();
  Object.assign(process.env, {
    FIRESTORE_EMULATOR_HOST: emulator.host,
    GCLOUD_PROJECT: 'demo-bench',
    METADATA_SERVER_DETECTION: 'none',
  });
  try {
    const db = getFirestore(getAdminApp());
    const viewers = (await seedPopulation(db)).slice(0, VIEWERS);
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
    const truth = await exhaustive(db, viewers, settings.radiusKm);
    const rows: QualityRow[] = [];
    if (MODE === 'before') {
      rows.push(...(await measurePhase('before (66e8e6d)', deps, viewers, truth)));
    } else {
      // The backfill, as the deploy runs it (imported lazily: an older tree has none).
      const { backfillMatchFields } = await import('../src/lib/features/matching/derived/sync.js');
      await backfillMatchFields(db);
      const { backfillEventPool } = await import('../src/lib/features/matching/derived/event-sync.js');
      await backfillEventPool(db);
      rows.push(...(await measurePhase('pool, cold', deps, viewers, truth)));
      const { SharedMatchCache } = await import('../src/lib/features/matching/shared-cache.js');
      rows.push(...(await measurePhase('pool, warm', { ...deps, shared: new SharedMatchCache() }, viewers, truth)));
    }
    return { emulator: emulator.kind, mode: MODE, population: { users: 5_000, events: 400 }, viewers: VIEWERS, rows };
  } finally {
    await emulator.stop();
  }
}

function printTable(result: QualityBenchResult): void {
  console.log(
    `${result.emulator} Firestore emulator; ${result.population.users} users, ${result.population.events} events; ${result.viewers} viewers; recall@${K} against an exhaustive ranking`,
  );
  const header = ['recall users', 'recall events', 'docs p50', 'docs max', 'p50 ms'];
  console.log('phase'.padEnd(18), 'request'.padEnd(12), ...header.map((title) => title.padStart(13)));
  const cell = (value: number | undefined) => (value === undefined ? '-' : String(value)).padStart(13);
  for (const row of result.rows) {
    console.log(
      row.phase.padEnd(18),
      row.request.padEnd(12),
      cell(row.recallUsers),
      cell(row.recallEvents),
      cell(row.docsP50),
      cell(row.docsMax),
      cell(row.p50Ms),
    );
  }
  console.log('(latency is the local emulator: its query times say nothing about production)');
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
