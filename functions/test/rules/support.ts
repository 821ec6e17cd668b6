// Shared setup of the firestore.rules tests: the gate that skips them without the official emulator,
// and one rules test environment per test file.
import { readFileSync } from 'node:fs';
import type { RulesFirestore } from '../setup/rules-global.js';
import {
  initializeTestEnvironment,
  type RulesTestContext,
  type RulesTestEnvironment,
} from '@firebase/rules-unit-testing';
import { setLogLevel, type Firestore } from 'firebase/firestore';
import { afterAll, beforeAll, beforeEach, describe, inject } from 'vitest';

// Only meaningful against the official emulator, which the `rules` project's globalSetup
// (test/setup/rules-global.ts) starts; where this machine lacks it, the suite is skipped and the
// setup says why. Where it exists, the skip guard (test/setup/rules-skip-guard.ts) fails any skip.
const rulesFirestore: RulesFirestore = inject('rulesFirestore');
const official = rulesFirestore.host !== undefined;

/** `describe` for rules tests: skipped unless the official emulator is there. */
export const describeRules = describe.skipIf(!official);

export interface RulesClients {
  /** A client signed in as `uid`. */
  as(uid: string): Firestore;
  /** A client with no user signed in. */
  signedOut(): Firestore;
  /** Runs `fn` with a client that bypasses the rules, as the functions (firebase-admin) do. */
  server<T>(fn: (db: Firestore) => Promise<T>): Promise<T>;
}

/**
 * One rules environment per test file. Each file gets its own emulator project, so files that run in
 * parallel neither clear nor see each other's documents. `seed` runs before every test on an empty
 * database, with the rules bypassed.
 */
export function useRulesEnvironment(name: string, seed: (db: Firestore) => Promise<void>): RulesClients {
  let env: RulesTestEnvironment;
  // The test contexts hand out compat Firestore instances; they work with the modular functions,
  // whose types only lack two members the compat class does not declare.
  const modular = (db: ReturnType<RulesTestContext['firestore']>) => db as unknown as Firestore;

  beforeAll(async () => {
    // Denied requests make the SDK log every PERMISSION_DENIED stream error; the assertions say enough.
    setLogLevel('silent');
    const [host, port] = (rulesFirestore.host as string).split(':');
    env = await initializeTestEnvironment({
      projectId: `demo-rules-${name}`,
      firestore: {
        rules: readFileSync(rulesFirestore.rulesFile, 'utf8'),
        host,
        port: Number(port),
      },
    });
  });

  afterAll(async () => {
    await env?.cleanup();
  });

  beforeEach(async () => {
    await env.clearFirestore();
    await env.withSecurityRulesDisabled((ctx) => seed(modular(ctx.firestore())));
  });

  return {
    as: (uid) => modular(env.authenticatedContext(uid).firestore()),
    signedOut: () => modular(env.unauthenticatedContext().firestore()),
    server: (fn) => {
      let result: Awaited<ReturnType<typeof fn>>;
      return env
        .withSecurityRulesDisabled(async (ctx) => {
          result = await fn(modular(ctx.firestore()));
        })
        .then(() => result);
    },
  };
}

/** A string of `length` characters. */
export const chars = (length: number, char = 'x'): string => char.repeat(length);

/** `count` distinct tags of `length` characters each. */
export const tags = (count: number, length = 8): string[] =>
  Array.from({ length: count }, (_, i) => `${i}`.padEnd(length, 't'));
