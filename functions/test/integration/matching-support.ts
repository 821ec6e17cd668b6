// Shared set-up of the matching integration tests: matchUsers, matchEvents and suggestions mounted
// in-process on real HTTP, a Gemini-protocol server owned by the test file, the shared Firestore and
// Auth emulators, and helpers to write profiles and events.
import { tunedOptions, type Tuning } from '../support/tuning.js';
import { Timestamp, getFirestore, type Firestore } from 'firebase-admin/firestore';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startGeminiServer, type GeminiServer } from '../../dev/gemini-server/index.js';
import { getAdminApp } from '../../src/lib/platform/firebase.js';
import { MATCH_RUN_LOG_MESSAGE, syncEventPoolEntry, syncMatchFields } from '../../src/lib/features/matching/index.js';
import { captureLogs } from '../support/logs.js';
import { loadFunctions } from '../support/functions.js';
import { mountFunctions, type MountedFunctions } from '../support/mount.js';
import { applyServiceEnv, clearFirestore, signUp, type SignedUpUser } from '../support/services.js';

export const EXPLANATION_MODEL = 'gemini-test-explain';

export interface MatchingHarness {
  gemini: GeminiServer;
  /** What the mounted functions run with, read per request (scopedTuning changes it per test). */
  tuning: Tuning;
  mounted: MountedFunctions;
  db: Firestore;
  close(): Promise<void>;
}

/**
 * The harness of one test file: started before its tests, closed after them, and before each test
 * the Gemini log and Firestore cleared. The handle reads through to the started harness.
 */
export function useMatchingHarness(): MatchingHarness {
  let started: MatchingHarness | undefined;
  beforeAll(async () => {
    started = await startMatchingHarness();
  });
  afterAll(async () => {
    await started?.close();
  });
  beforeEach(async () => {
    started?.gemini.reset();
    await clearFirestore();
  });
  return new Proxy({} as MatchingHarness, {
    get: (_target, key) => {
      if (started === undefined) throw new Error('the matching harness is used before it started');
      const value: unknown = Reflect.get(started, key);
      return typeof value === 'function' ? value.bind(started) : value;
    },
  });
}

export async function startMatchingHarness(): Promise<MatchingHarness> {
  const saved = { ...process.env };
  applyServiceEnv();
  const gemini = await startGeminiServer();
  Object.assign(process.env, {
    RATE_LIMIT_PER_MINUTE: '10000',
    GEMINI_BASE_URL: gemini.url,
    GEMINI_API_KEY: gemini.apiKey,
    MATCH_EXPLANATION_MODEL: EXPLANATION_MODEL,
    // Per-instance memory cache: deterministic hits and misses within one test process.
    UPSTASH_REDIS_REST_URL: '',
    UPSTASH_REDIS_REST_TOKEN: '',
  });
  const tuning: Tuning = { chat: {}, matching: {} };
  // Every test writes its own people and events: no per-instance pool or events cache between requests.
  const options = tunedOptions(tuning, { sharedCache: false });
  const mounted = await mountFunctions(await loadFunctions(['matchUsers', 'matchEvents', 'suggestions'], options));
  await clearFirestore();
  return {
    gemini,
    tuning,
    mounted,
    db: getFirestore(getAdminApp()),
    close: async () => {
      await mounted.close();
      await gemini.close();
      process.env = saved;
    },
  };
}

export interface CallResult {
  status: number;
  headers: Headers;
  json: any; // quarantined: response bodies are asserted field by field
  elapsedMs: number;
  /** Firestore documents the request read, from its `matching` log line (never sent to the caller). */
  documentsRead?: number;
}

export async function call(
  h: MatchingHarness,
  name: 'matchUsers' | 'matchEvents' | 'suggestions',
  user: SignedUpUser,
  options: { body?: unknown; path?: string; query?: string } = {},
): Promise<CallResult> {
  const isGet = name === 'suggestions';
  const url = `${h.mounted.url(name)}${options.path ?? ''}${options.query ?? ''}`;
  const started = Date.now();
  const logs = captureLogs();
  try {
    const res = await fetch(url, {
      method: isGet ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${user.idToken}`, ...(isGet ? {} : { 'content-type': 'application/json' }) },
      body: isGet ? undefined : JSON.stringify(options.body ?? {}),
      signal: AbortSignal.timeout(30_000),
    });
    const json: unknown = await res.json();
    const documentsRead = logs.find(MATCH_RUN_LOG_MESSAGE)?.documentsRead as number | undefined;
    return { status: res.status, headers: res.headers, json, elapsedMs: Date.now() - started, documentsRead };
  } finally {
    logs.stop();
  }
}

export interface Place {
  city?: string;
  region?: string;
  country?: string;
  lat?: number;
  lng?: number;
}

export const OAKLAND: Place = { city: 'Oakland', region: 'California', country: 'US', lat: 37.8044, lng: -122.2712 };
export const SAN_FRANCISCO: Place = {
  city: 'San Francisco',
  region: 'California',
  country: 'US',
  lat: 37.7749,
  lng: -122.4194,
};
export const LONDON: Place = { city: 'London', region: 'England', country: 'GB', lat: 51.5074, lng: -0.1278 };

export interface ProfileInput {
  displayName?: string;
  interests?: string[];
  purposes?: string[];
  location?: Place;
  bio?: string;
  discoverable?: boolean;
  timeZone?: string;
  /** Server-owned: the account state and the derived fields the profile trigger writes. */
  accountState?: string;
  match?: unknown;
}

/**
 * Writes the profiles, then runs the profile trigger's step for each (the in-process harness has no
 * triggers; deployed, matchProfileSync does it). `{ pools: false }`: the pool is left as it was.
 */
export async function writeProfiles(
  db: Firestore,
  profiles: Record<string, ProfileInput>,
  options: { pools?: boolean } = {},
): Promise<void> {
  const batch = db.batch();
  for (const [id, profile] of Object.entries(profiles)) batch.set(db.collection('users').doc(id), profile);
  await batch.commit();
  if (options.pools === false) return;
  for (const id of Object.keys(profiles)) await syncMatchFields(db, id, { force: true });
}

export interface EventInput {
  title: string;
  tags: string[];
  location?: Place;
  startsAt: Date;
  /** IANA zone of the event, when it names one. */
  timeZone?: string;
  /** Stored as the production layout does: `attendeeCount` on the event, the ids in eventAttendees/{id}. */
  attendeeIds?: string[];
}

/** Writes the events and their attendance, then runs the event triggers' step for each (as writeProfiles). */
export async function writeEvents(
  db: Firestore,
  events: Record<string, EventInput>,
  options: { pools?: boolean } = {},
): Promise<void> {
  const batch = db.batch();
  for (const [id, { startsAt, attendeeIds = [], ...event }] of Object.entries(events)) {
    batch.set(db.collection('events').doc(id), {
      ...event,
      attendeeCount: attendeeIds.length,
      startsAt: Timestamp.fromDate(startsAt),
    });
    if (attendeeIds.length > 0) batch.set(db.collection('eventAttendees').doc(id), { attendeeIds });
  }
  await batch.commit();
  if (options.pools === false) return;
  for (const id of Object.keys(events)) await syncEventPoolEntry(db, id);
}

export const DAY_MS = 86_400_000;
export const inDays = (days: number): Date => new Date(Date.now() + days * DAY_MS);

export { signUp, clearFirestore, type SignedUpUser };
