/**
 * vitest globalSetup of the `rules` project: the OFFICIAL Cloud Firestore emulator, started once
 * with the project's firestore.rules, for the security-rules suite (test/rules). The Node stand-in
 * evaluates no rules, so where the official emulator is absent the suite is skipped, and says why
 * in one line. Where it is present, test/setup/rules-skip-guard.ts fails the run if any rules test
 * was skipped, so the suite cannot silently lose its cases.
 *
 * FIRESTORE_EMULATOR_HOST, when set, names an already running official emulator to use instead.
 * Test files read the coordinates with `inject('rulesFirestore')` (test/rules/support.ts).
 */
import type { TestProject } from 'vitest/node';
import { findOfficialFirestoreEmulator } from '../../dev/services/firestore-official.js';
import { PROJECT_RULES_FILE, startFirestore } from '../../dev/services/firestore.js';

export interface RulesFirestore {
  /** host:port of the official emulator, absent when the suite cannot run here. */
  host?: string;
  /** Why there is no host. */
  skipReason?: string;
  rulesFile: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    rulesFirestore: RulesFirestore;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.FIRESTORE_EMULATOR_HOST;
  if (external) {
    console.log(`[rules] Firestore: external emulator at ${external} (assumed official)`);
    project.provide('rulesFirestore', { host: external, rulesFile: PROJECT_RULES_FILE });
    return async () => undefined;
  }
  const lookup = findOfficialFirestoreEmulator();
  if (!lookup.found) {
    const skipReason = `the official Cloud Firestore emulator is ${lookup.reason}; the Node stand-in evaluates no rules`;
    console.warn(`[rules] firestore.rules suite SKIPPED: ${skipReason}`);
    project.provide('rulesFirestore', { skipReason, rulesFile: PROJECT_RULES_FILE });
    return async () => undefined;
  }
  const firestore = await startFirestore({ prefer: 'official', rules: PROJECT_RULES_FILE });
  console.log(`[rules] Firestore: ${firestore.summary}`);
  project.provide('rulesFirestore', { host: firestore.host, rulesFile: PROJECT_RULES_FILE });
  return async () => {
    await firestore.stop();
  };
}
