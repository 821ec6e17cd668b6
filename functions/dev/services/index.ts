/**
 * Starts the local services the functions talk to, wires them together, and hands back the
 * environment the functions need to reach them:
 *
 *   const services = await startServices({ firestore: true, s3: true, redis: 'auto', gemini: true,
 *     firebase: { only: ['auth', 'functions'] } });
 *   services.functionsEnv   // FIRESTORE_EMULATOR_HOST, GEMINI_*, UPSTASH_*, S3_*, ...
 *   await services.stop();  // stops everything it started, in reverse order
 *
 * With `firestoreTriggers: true` (npm start), Firestore writes run the functions' Firestore triggers
 * where the official emulator runs; `services.firestoreTriggers` says which, or why not.
 *
 * Everything binds 127.0.0.1. Independent services start in parallel; the Firebase emulators start
 * last because the functions they run need the others' coordinates.
 */
import { randomBytes } from 'node:crypto';
import { SECRETS, settingParams } from '../../src/lib/platform/config/index.js';
import { spawnGeminiServer, type ChildGeminiServer } from '../gemini-server/child.js';
import {
  DEFAULT_PROJECT_ID,
  startFirebaseEmulators,
  type FirebaseEmulatorName,
  type FirebaseEmulatorPorts,
  type FirebaseEmulators,
} from './firebase-emulators.js';
import { startFirestore, type FirestoreEmulator, type StartFirestoreOptions } from './firestore.js';
import { wireFirestoreTriggers, type FirestoreTrigger } from './firestore-triggers.js';
import { getFreePort } from './ports.js';
import { redisServerAvailable, startRedis, type RedisServer } from './redis.js';
import { startS3, type S3Server } from './s3.js';
import { startUpstashRest, type UpstashRestServer } from './upstash-rest.js';

export const DEFAULT_BUCKET = 'social-ai-media';

export interface StartServicesOptions {
  projectId?: string;
  firestore?: boolean | StartFirestoreOptions;
  s3?: boolean | { bucket?: string; port?: number };
  /** Redis behind the Upstash REST endpoint; 'auto' = only when redis-server is installed. */
  redis?: boolean | 'auto';
  /** The local Gemini-protocol server (child process). */
  gemini?: boolean | { port?: number; apiKey?: string };
  firebase?: {
    only: readonly FirebaseEmulatorName[];
    ports?: Partial<FirebaseEmulatorPorts>;
    /** Applied over the generated functions environment (e.g. a developer's own values). */
    envOverrides?: Readonly<Record<string, string>>;
    /** Serve a copy of lib/ taken at start (see startFirebaseEmulators). */
    copyLib?: boolean;
  };
  /**
   * Deliver Firestore writes to the functions' Firestore triggers, as production does: the official
   * emulator is started with --functions_emulator and told about every Firestore trigger the
   * Functions emulator loaded. Not possible with the Node stand-in; `firestoreTriggers` says so.
   */
  firestoreTriggers?: boolean;
  /** Services already running elsewhere, used instead of starting them. */
  external?: { firestoreHost?: string; authHost?: string };
  /** Output lines of the service processes, labelled by service. */
  onOutput?: (service: string, line: string) => void;
}

export interface RunningServices {
  projectId: string;
  firestore?: FirestoreEmulator;
  s3?: S3Server;
  redis?: RedisServer;
  upstash?: UpstashRestServer;
  gemini?: ChildGeminiServer;
  firebase?: FirebaseEmulators;
  /** Whether Firestore triggers run (when asked for with `firestoreTriggers`), for the banner. */
  firestoreTriggers?: FirestoreTriggerStatus;
  /** Environment for the functions (also what code under test needs to act like them). */
  functionsEnv: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Variables that point the functions at services or carry credentials. Launchers remove them from
 * the inherited environment before adding their own, so a developer's real keys (a GEMINI_API_KEY in
 * the shell) never reach functions that are meant to talk to local stand-ins.
 */
export const MANAGED_ENV_KEYS: readonly string[] = [
  ...Object.keys(SECRETS),
  ...settingParams().map((param) => param.name),
  'GOOGLE_API_KEY',
  'GOOGLE_GEMINI_BASE_URL', // @google/genai fallbacks
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE', // S3 SDK fallbacks
  'FIRESTORE_EMULATOR_HOST',
  'FIREBASE_AUTH_EMULATOR_HOST',
];

export type FirestoreTriggerStatus =
  { delivered: true; triggers: FirestoreTrigger[]; summary: string } | { delivered: false; summary: string };

/** Names the functions declare as secrets (they go to .secret.local for the emulator). */
export const SECRET_ENV_KEYS: readonly string[] = Object.keys(SECRETS);

/** The model name the stand-in is asked for on the OpenAI-compatible side (any name works there). */
export const OFFLINE_OPENAI_MODEL = 'offline-llm';

export function randomLocalKey(prefix: string): string {
  return `${prefix}-${randomBytes(12).toString('hex')}`;
}

export async function startServices(options: StartServicesOptions): Promise<RunningServices> {
  const projectId = options.projectId ?? DEFAULT_PROJECT_ID;
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    // Reverse start order: the functions stop before the services they use.
    const results = await Promise.allSettled(
      stops
        .splice(0)
        .reverse()
        .map((stop) => stop()),
    );
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failures.length > 0)
      throw new AggregateError(
        failures.map((f) => f.reason),
        'stopping services failed',
      );
  };
  const track = <T extends { stop(): Promise<void> }>(service: T): T => {
    stops.push(() => service.stop());
    return service;
  };
  const label = (service: string) => (line: string) => options.onOutput?.(service, line);

  // The Firestore emulator starts first and must know where the Functions emulator will listen.
  const functionsPort =
    options.firestoreTriggers && options.firebase?.only.includes('functions')
      ? (options.firebase.ports?.functions ?? (await getFreePort()))
      : undefined;
  const firestoreOptions: StartFirestoreOptions = {
    projectId,
    ...asObject(options.firestore ?? false),
    ...(functionsPort === undefined ? {} : { functionsEmulator: `127.0.0.1:${functionsPort}` }),
    onOutput: label('firestore'),
  };

  try {
    // allSettled, not all: when one fails, the others must finish starting (and be tracked)
    // before the catch below stops them, or a slow starter would be left running.
    const [firestore, s3, redisPair, gemini] = await allOrThrow([
      options.firestore && !options.external?.firestoreHost ? startFirestore(firestoreOptions).then(track) : undefined,
      options.s3
        ? startS3({ bucket: asObject(options.s3).bucket ?? DEFAULT_BUCKET, port: asObject(options.s3).port }).then(
            track,
          )
        : undefined,
      wantsRedis(options.redis) ? startRedisWithRest(track) : undefined,
      options.gemini ? startGemini(asObject(options.gemini), track) : undefined,
    ] as const);

    const functionsEnv: Record<string, string> = {};
    const firestoreHost = options.external?.firestoreHost ?? firestore?.host;
    if (firestoreHost) functionsEnv.FIRESTORE_EMULATOR_HOST = firestoreHost;
    if (options.external?.authHost) functionsEnv.FIREBASE_AUTH_EMULATOR_HOST = options.external.authHost;
    if (gemini) {
      // One stand-in, two protocols: Gemini's, and OpenAI's Chat Completions for TEXT_BACKEND=openai-compatible.
      Object.assign(functionsEnv, {
        GEMINI_API_KEY: gemini.apiKey,
        GEMINI_BASE_URL: gemini.url,
        OPENAI_BASE_URL: gemini.openaiBaseUrl,
        OPENAI_MODEL: OFFLINE_OPENAI_MODEL,
        OPENAI_API_KEY: gemini.apiKey,
      });
    } else {
      // A declared secret must have a value, or the emulator asks Secret Manager for it.
      functionsEnv.OPENAI_API_KEY = 'none';
    }
    if (redisPair) {
      Object.assign(functionsEnv, {
        UPSTASH_REDIS_REST_URL: redisPair.upstash.url,
        UPSTASH_REDIS_REST_TOKEN: redisPair.upstash.token,
      });
    }
    if (s3) {
      Object.assign(functionsEnv, {
        S3_BUCKET: s3.bucket,
        S3_REGION: s3.region,
        S3_ENDPOINT: s3.endpoint,
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      });
    }

    let firebase: FirebaseEmulators | undefined;
    if (options.firebase) {
      const env = { ...functionsEnv, ...options.firebase.envOverrides };
      firebase = track(
        await startFirebaseEmulators({
          only: options.firebase.only,
          projectId,
          ports: { ...options.firebase.ports, ...(functionsPort === undefined ? {} : { functions: functionsPort }) },
          env,
          copyLib: options.firebase.copyLib,
          secretNames: SECRET_ENV_KEYS,
          scrubEnv: MANAGED_ENV_KEYS,
          onOutput: label('firebase'),
        }),
      );
      if (firebase.authHost) functionsEnv.FIREBASE_AUTH_EMULATOR_HOST = firebase.authHost;
    }
    const firestoreTriggers = options.firestoreTriggers
      ? await firestoreTriggerStatus(projectId, firestore, firebase)
      : undefined;

    return {
      projectId,
      firestore,
      s3,
      redis: redisPair?.redis,
      upstash: redisPair?.upstash,
      gemini,
      firebase,
      firestoreTriggers,
      functionsEnv,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}

/** Wires the triggers once both emulators are up (the trigger keys need the loaded functions). */
async function firestoreTriggerStatus(
  projectId: string,
  firestore: FirestoreEmulator | undefined,
  firebase: FirebaseEmulators | undefined,
): Promise<FirestoreTriggerStatus> {
  if (firestore?.kind === 'node') {
    const env = `FIRESTORE_EMULATOR_HOST=${firestore.host} GCLOUD_PROJECT=${projectId}`;
    return {
      delivered: false,
      summary: `not delivered by the Node stand-in; after changing profiles run \`${env} npm run backfill:match\` in functions/`,
    };
  }
  if (!firestore) return { delivered: false, summary: 'not delivered: the Firestore emulator was not started here' };
  if (!firebase?.functionsBaseUrl) return { delivered: false, summary: 'not delivered: no Functions emulator running' };
  try {
    const triggers = await wireFirestoreTriggers({
      firestoreHost: firestore.host,
      projectId,
      functionsOrigin: new URL(firebase.functionsBaseUrl).origin,
    });
    const summary =
      triggers.length === 0
        ? 'delivered, but the functions export no Firestore trigger'
        : `delivered to the Functions emulator: ${triggers.map((t) => `${t.name} → ${t.document}`).join(', ')}`;
    return { delivered: true, triggers, summary };
  } catch (error) {
    // The rest of the stack works without them: say so rather than fail the start.
    return { delivered: false, summary: `not delivered: registering them failed (${(error as Error).message})` };
  }
}

/** Like Promise.all, but waits for every promise to settle before rethrowing the first failure. */
async function allOrThrow<T extends readonly unknown[]>(
  promises: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results = await Promise.allSettled(promises);
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as {
    -readonly [K in keyof T]: Awaited<T[K]>;
  };
}

function asObject<T extends object>(value: boolean | T): Partial<T> {
  return typeof value === 'object' ? value : {};
}

function wantsRedis(redis: StartServicesOptions['redis']): boolean {
  return redis === true || (redis === 'auto' && redisServerAvailable());
}

type Track = <T extends { stop(): Promise<void> }>(service: T) => T;

async function startRedisWithRest(track: Track): Promise<{ redis: RedisServer; upstash: UpstashRestServer }> {
  const redis = track(await startRedis());
  const upstash = track(await startUpstashRest({ redisUrl: redis.url, token: randomLocalKey('local-upstash') }));
  return { redis, upstash };
}

async function startGemini(options: { port?: number; apiKey?: string }, track: Track): Promise<ChildGeminiServer> {
  const server = await spawnGeminiServer({
    port: options.port,
    apiKey: options.apiKey ?? randomLocalKey('local-gemini'),
  });
  // ChildGeminiServer.stop takes a grace period; adapt it to the no-argument stop the others have.
  track({ stop: () => server.stop() });
  return server;
}
