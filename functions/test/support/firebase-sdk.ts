/**
 * The official `firebase` JS SDK as an app uses it (the package web and React Native apps use), pointed
 * at the test services: Auth emulator sign-in, Firestore emulator reads under the rules, and the
 * functions by name through the Functions emulator or by URL (in-process mounts).
 *
 *   const app = await sdkApp({ email, password });          // signed in (signed up on first use)
 *   await httpsCallable(app.functions, 'chatMessage')({ message: 'hi' });
 *   await httpsCallableFromURL(app.functions, mounted.url('chatStream')).stream({ message: 'hi' });
 *   await app.close();
 */
import { randomUUID } from 'node:crypto';
import { deleteApp, initializeApp, type FirebaseApp } from 'firebase/app';
import { CustomProvider, initializeAppCheck } from 'firebase/app-check';
import {
  connectAuthEmulator,
  createUserWithEmailAndPassword,
  getAuth,
  signInWithEmailAndPassword,
  type Auth,
  type User,
} from 'firebase/auth';
import { connectFirestoreEmulator, getFirestore, type Firestore } from 'firebase/firestore';
import { connectFunctionsEmulator, FunctionsError, getFunctions, type Functions } from 'firebase/functions';
import { expect } from 'vitest';
import { getServices } from './services.js';

export interface SdkApp {
  app: FirebaseApp;
  auth: Auth;
  functions: Functions;
  firestore: Firestore;
  /** The signed-in user (undefined for `signIn: false`). */
  user: User | undefined;
  close(): Promise<void>;
}

export interface SdkAppOptions {
  /** Sign in with these (signed up when the account does not exist); default: a fresh account. */
  email?: string;
  password?: string;
  /** false: an app that never signs in. */
  signIn?: boolean;
  /** App Check with a custom provider (what a backend-minted token looks like to the SDK). */
  appCheckToken?: () => string;
}

let counter = 0;

export async function sdkApp(options: SdkAppOptions = {}): Promise<SdkApp> {
  const services = getServices();
  const app = initializeApp(
    { projectId: services.projectId, apiKey: 'demo-api-key', appId: '1:123456789:web:0123456789abcdef' },
    `sdk-${randomUUID()}`,
  );
  if (options.appCheckToken) {
    const mint = options.appCheckToken;
    initializeAppCheck(app, {
      provider: new CustomProvider({
        getToken: async () => ({ token: mint(), expireTimeMillis: Date.now() + 3_600_000 }),
      }),
      isTokenAutoRefreshEnabled: false,
    });
  }
  const auth = getAuth(app);
  connectAuthEmulator(auth, `http://${services.authHost}`, { disableWarnings: true });
  const firestore = getFirestore(app);
  const [firestoreHost, firestorePort] = services.firestoreHost.split(':');
  connectFirestoreEmulator(firestore, firestoreHost, Number(firestorePort));
  const functions = getFunctions(app);
  if (services.functionsBaseUrl) {
    // http://127.0.0.1:PORT/<project>/us-central1: the SDK builds the same shape from its region.
    const { hostname, port } = new URL(services.functionsBaseUrl);
    connectFunctionsEmulator(functions, hostname, Number(port));
  }

  let user: User | undefined;
  if (options.signIn !== false) {
    const email = options.email ?? `sdk-${process.pid}-${Date.now()}-${++counter}@example.test`;
    const password = options.password ?? 'password-123';
    user = await signInWithEmailAndPassword(auth, email, password).then(
      (credential) => credential.user,
      async () => (await createUserWithEmailAndPassword(auth, email, password)).user,
    );
  }
  return { app, auth, functions, firestore, user, close: () => deleteApp(app) };
}

/** The chunks of a `.stream()` call as they arrive (with the time each came), then its result or error. */
export async function readCallableStream<Chunk = Record<string, unknown>>(call: {
  stream: AsyncIterable<unknown>;
  data: Promise<unknown>;
}): Promise<{ chunks: Chunk[]; arrivedAt: number[]; result?: unknown; error?: unknown }> {
  const chunks: Chunk[] = [];
  const arrivedAt: number[] = [];
  let error: unknown;
  try {
    for await (const chunk of call.stream) {
      chunks.push(chunk as Chunk);
      arrivedAt.push(performance.timeOrigin + performance.now());
    }
  } catch (caught) {
    error = caught;
  }
  const result = await call.data.catch((caught: unknown) => {
    error ??= caught;
    return undefined;
  });
  return { chunks, arrivedAt, ...(error === undefined ? { result } : { error }) };
}

/** The FunctionsError a call ends with; fails the test when it succeeds or fails otherwise. */
export async function functionsError(promise: Promise<unknown>): Promise<FunctionsError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(FunctionsError);
  return error as FunctionsError;
}
