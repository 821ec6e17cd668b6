/**
 * vitest globalSetup of the `integration` project: starts the shared loopback services once, hands
 * their coordinates to test files (`inject('services')`, see test/support/services.ts), and stops
 * them all afterwards.
 *
 * Started here: Firestore emulator, Auth + Functions emulators (serving the built lib/), s3rver,
 * the local Gemini-protocol server, and Redis behind the Upstash REST endpoint when redis-server is
 * installed. All on free ports, so a running `npm start` (fixed ports) is never disturbed.
 *
 * Taken from the environment instead, when set:
 *   FIRESTORE_EMULATOR_HOST       an already running Firestore emulator (clearFirestore() then
 *                                 assumes the official one, whose clear API shares its port)
 *   FIREBASE_AUTH_EMULATOR_HOST   an already running Auth emulator
 *   FUNCTIONS_EMULATOR_BASE_URL   an already running Functions emulator, e.g.
 *                                 http://127.0.0.1:5001/demo-social-ai/us-central1
 *
 * If the functions cannot be built, the Functions emulator is skipped and tests that need it fail
 * with the reason (functionUrl() throws it); everything else still runs.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import type { FirebaseEmulatorName } from '../../dev/services/firebase-emulators.js';
import { MANAGED_ENV_KEYS, startServices } from '../../dev/services/index.js';
import type { ServiceCoordinates } from '../support/services.js';

const FUNCTIONS_DIR = path.resolve(__dirname, '..', '..');
const LIB_ENTRY = path.join(FUNCTIONS_DIR, 'lib', 'index.js');

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const startedAt = Date.now();
  const externalFirestore = process.env.FIRESTORE_EMULATOR_HOST;
  const externalAuth = process.env.FIREBASE_AUTH_EMULATOR_HOST;
  const externalFunctions = process.env.FUNCTIONS_EMULATOR_BASE_URL;

  const build = externalFunctions ? { ok: true as const, builtMs: 0 } : ensureFunctionsBuilt();
  const only: FirebaseEmulatorName[] = [];
  if (!externalAuth) only.push('auth');
  if (!externalFunctions && build.ok) only.push('functions');

  const services = await startServices({
    firestore: true,
    s3: true,
    redis: 'auto',
    gemini: true,
    firebase: only.length > 0 ? { only } : undefined,
    external: { firestoreHost: externalFirestore, authHost: externalAuth },
  });

  const { firestore, s3, gemini, upstash, firebase } = services;
  if (!s3 || !gemini) throw new Error('integration setup: s3 and gemini services must be running');
  const coordinates: ServiceCoordinates = {
    projectId: services.projectId,
    firestoreHost: services.functionsEnv.FIRESTORE_EMULATOR_HOST as string,
    firestoreControlOrigin: firestore?.controlOrigin ?? `http://${externalFirestore}`,
    firestoreKind: firestore?.kind ?? 'official',
    authHost: services.functionsEnv.FIREBASE_AUTH_EMULATOR_HOST as string,
    functionsBaseUrl: externalFunctions ?? firebase?.functionsBaseUrl,
    functionsUnavailable: build.ok ? undefined : build.reason,
    functionNames: firebase?.functionNames ?? [],
    s3: {
      endpoint: s3.endpoint,
      bucket: s3.bucket,
      region: s3.region,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
    },
    upstash: upstash ? { url: upstash.url, token: upstash.token } : undefined,
    gemini: { url: gemini.url, apiKey: gemini.apiKey },
    functionsEnv: services.functionsEnv,
    managedEnvKeys: [...MANAGED_ENV_KEYS],
  };
  project.provide('services', coordinates);

  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  console.log(`[integration] Firestore: ${firestore?.summary ?? `external emulator at ${externalFirestore}`}`);
  console.log(
    `[integration] services ready in ${seconds} s${build.builtMs ? ` (${(build.builtMs / 1000).toFixed(1)} s of it building lib/)` : ''}: firestore(${firestore?.kind ?? 'external'}) ` +
      `auth${externalAuth ? '(external)' : ''} functions(${functionsState(coordinates, externalFunctions)}) ` +
      `s3rver gemini(local) upstash(${upstash ? 'redis' : 'off: no redis-server'})`,
  );
  if (firebase && firebase.functionLoadErrors.length > 0) {
    console.warn(`[integration] functions reported load errors:\n  ${firebase.functionLoadErrors.join('\n  ')}`);
  }

  return async () => {
    await services.stop();
  };
}

function functionsState(coordinates: ServiceCoordinates, external: string | undefined): string {
  if (external) return 'external';
  if (!coordinates.functionsBaseUrl) return `unavailable: ${coordinates.functionsUnavailable}`;
  return `${coordinates.functionNames.length} loaded`;
}

/** builtMs: time spent building (0 when lib/ was up to date). */
type BuildResult = { ok: true; builtMs: number } | { ok: false; reason: string; builtMs: number };

/**
 * The Functions emulator serves lib/. `npm test` builds first; a direct `vitest run` may find lib/
 * missing or older than src/, so build it then, as `npm run build` does: tsc, then the per-function
 * bundles (a failed tsc with lib/ still present is reported but not fatal: tsc emits despite type errors).
 */
function ensureFunctionsBuilt(): BuildResult {
  if (existsSync(LIB_ENTRY) && newestMtime(path.join(FUNCTIONS_DIR, 'src')) <= statSync(LIB_ENTRY).mtimeMs) {
    return { ok: true, builtMs: 0 };
  }
  const startedAt = Date.now();
  const tsc = path.join(FUNCTIONS_DIR, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: FUNCTIONS_DIR,
    encoding: 'utf8',
    timeout: 180_000,
  });
  const output = (run: SpawnSyncReturns<string>) =>
    `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n').slice(0, 10).join('\n');
  if (result.status !== 0 && !existsSync(LIB_ENTRY)) {
    return { ok: false, reason: `functions build failed:\n${output(result)}`, builtMs: Date.now() - startedAt };
  }
  if (result.status !== 0)
    console.warn(`[integration] functions build reported errors; serving what it emitted:\n${output(result)}`);
  const bundled = spawnSync(process.execPath, [path.join(FUNCTIONS_DIR, 'scripts', 'bundle-functions.mjs')], {
    cwd: FUNCTIONS_DIR,
    encoding: 'utf8',
    timeout: 180_000,
  });
  const builtMs = Date.now() - startedAt;
  if (bundled.status !== 0) return { ok: false, reason: `functions bundling failed:\n${output(bundled)}`, builtMs };
  return { ok: true, builtMs };
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}
