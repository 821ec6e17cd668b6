/**
 * Test-file side of the shared integration services (started once by test/setup/global.ts):
 *
 *   beforeAll(() => applyServiceEnv());            // point firebase-admin, Gemini, S3, Upstash at them
 *   const { idToken, uid } = await signUp();       // a fresh Auth-emulator user
 *   await fetch(functionUrl('chatMessage'), ...)   // through the real Functions emulator
 *   await clearFirestore();                        // wipe all documents
 */
import { inject } from 'vitest';
import { clearFirestore as clearFirestoreData } from '../../dev/services/firestore.js';

export interface ServiceCoordinates {
  projectId: string;
  /** FIRESTORE_EMULATOR_HOST value, e.g. 127.0.0.1:41235 */
  firestoreHost: string;
  /** Origin of the Firestore emulator's control API (clearing data). */
  firestoreControlOrigin: string;
  /**
   * Which Firestore emulator runs: the official one (rules, nested-field filters, collection groups)
   * or the Node stand-in. Tests of what only the official one supports skip on 'node' and say so.
   * An external emulator (FIRESTORE_EMULATOR_HOST) is assumed to be the official one.
   */
  firestoreKind: 'official' | 'node';
  /** FIREBASE_AUTH_EMULATOR_HOST value */
  authHost: string;
  /** e.g. http://127.0.0.1:PORT/demo-social-ai/us-central1, when the Functions emulator runs */
  functionsBaseUrl?: string;
  /** Why the Functions emulator is not available (build failed, ...), when it is not. */
  functionsUnavailable?: string;
  /** Functions the emulator reported as initialized. */
  functionNames: string[];
  s3: { endpoint: string; bucket: string; region: string; accessKeyId: string; secretAccessKey: string };
  /** Present when redis-server is installed. */
  upstash?: { url: string; token: string };
  gemini: { url: string; apiKey: string };
  /** What the functions get: FIRESTORE_EMULATOR_HOST, GEMINI_*, UPSTASH_*, S3_*, AWS_* ... */
  functionsEnv: Record<string, string>;
  /** Variables to remove before applying functionsEnv (a developer's real keys, unused services). */
  managedEnvKeys: string[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    services: ServiceCoordinates;
  }
}

export function getServices(): ServiceCoordinates {
  return inject('services');
}

/**
 * Makes this test worker look like a function running in the emulator: emulator hosts, the demo
 * project, no metadata-server probes, and the local Gemini/S3/Upstash settings. Variables for
 * services that are not running (e.g. Upstash without redis-server) are removed, so code falls back
 * exactly as it would in a function.
 */
export function applyServiceEnv(): ServiceCoordinates {
  const services = getServices();
  for (const key of services.managedEnvKeys) delete process.env[key];
  Object.assign(process.env, services.functionsEnv, {
    FIRESTORE_EMULATOR_HOST: services.firestoreHost,
    FIREBASE_AUTH_EMULATOR_HOST: services.authHost,
    GCLOUD_PROJECT: services.projectId,
    GOOGLE_CLOUD_PROJECT: services.projectId,
    METADATA_SERVER_DETECTION: 'none',
  });
  return services;
}

export interface SignedUpUser {
  uid: string;
  idToken: string;
  refreshToken: string;
  email: string;
  password: string;
}

let signUpCounter = 0;

/** Creates a user in the Auth emulator (unique email unless given) and returns its ID token. */
export async function signUp(options: { email?: string; password?: string } = {}): Promise<SignedUpUser> {
  const { authHost } = getServices();
  const email = options.email ?? `user-${process.pid}-${Date.now()}-${++signUpCounter}@example.test`;
  const password = options.password ?? 'password-123';
  const response = await fetch(`http://${authHost}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=any`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, returnSecureToken: true }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await response.json()) as {
    localId?: string;
    idToken?: string;
    refreshToken?: string;
    error?: unknown;
  };
  if (!response.ok || !body.localId || !body.idToken || !body.refreshToken) {
    throw new Error(`Auth emulator signUp failed: HTTP ${response.status} ${JSON.stringify(body.error ?? body)}`);
  }
  return { uid: body.localId, idToken: body.idToken, refreshToken: body.refreshToken, email, password };
}

/** URL of a function in the Functions emulator; throws (with the reason) when it is not running. */
export function functionUrl(name: string): string {
  const { functionsBaseUrl, functionsUnavailable } = getServices();
  if (!functionsBaseUrl) throw new Error(`Functions emulator unavailable: ${functionsUnavailable ?? 'not started'}`);
  return `${functionsBaseUrl}/${name}`;
}

/** Deletes every document in the Firestore emulator. */
export async function clearFirestore(): Promise<void> {
  const { firestoreControlOrigin, projectId } = getServices();
  await clearFirestoreData(firestoreControlOrigin, projectId);
}
