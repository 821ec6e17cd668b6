/**
 * A Firestore emulator on 127.0.0.1 in a child process, for tests and the local stack.
 *
 *   const firestore = await startFirestore();           // { kind, host: '127.0.0.1:PORT', controlOrigin, stop }
 *   process.env.FIRESTORE_EMULATOR_HOST = firestore.host;
 *   await clearFirestore(firestore.controlOrigin, 'demo-social-ai');
 *
 * Which emulator: the official one (Java, what `firebase emulators:start --only firestore` runs)
 * when this machine can run it: Java >= 21 and its jar already in the firebase-tools cache (we never
 * download it). Otherwise the embedded Node emulator (@firestore-emulator/server): enough for
 * firebase-admin reads, writes, transactions and simple queries, but no security rules,
 * listDocuments, BatchWrite (BulkWriter) or collection-group queries. See firestore-child.ts for how
 * it is kept on loopback.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { getFreePort } from './ports.js';
import { spawnManaged, waitUntil, type ManagedProcess } from './process.js';

export type FirestoreEmulatorKind = 'official' | 'node';

export interface StartFirestoreOptions {
  /** Fixed port on 127.0.0.1; by default a free one. */
  port?: number;
  /** 'auto' (default) = official when runnable, else node. */
  prefer?: FirestoreEmulatorKind | 'auto';
  /** Called with each output line of the emulator process. */
  onOutput?: (line: string) => void;
}

export interface FirestoreEmulator {
  kind: FirestoreEmulatorKind;
  /** Value for FIRESTORE_EMULATOR_HOST, e.g. 127.0.0.1:8080 */
  host: string;
  /** Origin of the HTTP control API (clearing data), e.g. http://127.0.0.1:8081 */
  controlOrigin: string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;
const MIN_JAVA_MAJOR = 21;
const CHILD_SCRIPT = path.join(__dirname, 'firestore-child.ts');

export async function startFirestore(options: StartFirestoreOptions = {}): Promise<FirestoreEmulator> {
  const prefer = options.prefer ?? 'auto';
  const jar = prefer === 'node' ? undefined : findRunnableOfficialJar();
  if (prefer === 'official' && !jar) {
    throw new Error(`official Firestore emulator needs Java >= ${MIN_JAVA_MAJOR} and its jar in ${emulatorCacheDir()}`);
  }
  return jar ? startOfficial(jar, options) : startNode(options);
}

/** Deletes every document (Node emulator: of every project) through the control API. */
export async function clearFirestore(controlOrigin: string, projectId: string): Promise<void> {
  const url = `${controlOrigin}/emulator/v1/projects/${encodeURIComponent(projectId)}/databases/(default)/documents`;
  const response = await fetch(url, { method: 'DELETE', signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`clearing Firestore emulator failed: HTTP ${response.status}`);
}

async function startNode(options: StartFirestoreOptions): Promise<FirestoreEmulator> {
  let ready: { port: number; controlPort: number } | undefined;
  const proc = spawnManaged(
    process.execPath,
    // tsx as a loader by absolute URL, so it does not matter where the caller's cwd is.
    ['--import', pathToFileURL(require.resolve('tsx')).href, CHILD_SCRIPT, '--port', String(options.port ?? 0)],
    {
      name: 'firestore-emulator (node)',
      onOutput: (line) => {
        ready ??= parseReadyLine(line);
        options.onOutput?.(line);
      },
    },
  );
  await waitOrStop(proc, async () => ready !== undefined, 'the Node Firestore emulator to report ready');
  const { port, controlPort } = ready as { port: number; controlPort: number };
  return {
    kind: 'node',
    host: `127.0.0.1:${port}`,
    controlOrigin: `http://127.0.0.1:${controlPort}`,
    stop: async () => {
      await proc.stop();
    },
  };
}

async function startOfficial(jar: string, options: StartFirestoreOptions): Promise<FirestoreEmulator> {
  const port = options.port ?? (await getFreePort());
  // Its websocket port (used by the Emulator UI) would default to a fixed port; take a free one.
  const websocketPort = await getFreePort();
  const proc = spawnManaged(
    'java',
    ['-Duser.language=en', '-jar', jar, '--host', '127.0.0.1', '--port', String(port),
      '--websocket_port', String(websocketPort)],
    { name: 'firestore-emulator (official)', onOutput: options.onOutput, processGroup: true },
  );
  const origin = `http://127.0.0.1:${port}`;
  await waitOrStop(proc, () => httpOk(origin), `the official Firestore emulator on ${origin}`);
  return {
    kind: 'official',
    host: `127.0.0.1:${port}`,
    controlOrigin: origin,
    stop: async () => {
      await proc.stop();
    },
  };
}

async function waitOrStop(proc: ManagedProcess, probe: () => Promise<boolean>, what: string): Promise<void> {
  try {
    await waitUntil(probe, { what, timeoutMs: READY_TIMEOUT_MS, process: proc });
  } catch (error) {
    await proc.stop({ graceMs: 1_000 });
    throw error;
  }
}

function parseReadyLine(line: string): { port: number; controlPort: number } | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(line) as { ready?: unknown; port?: unknown; controlPort?: unknown };
    if (parsed.ready === true && typeof parsed.port === 'number' && typeof parsed.controlPort === 'number') {
      return { port: parsed.port, controlPort: parsed.controlPort };
    }
  } catch {
    // Not our JSON line: ordinary log output.
  }
  return undefined;
}

async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
  await response.body?.cancel();
  return response.ok;
}

function emulatorCacheDir(): string {
  return process.env.FIREBASE_EMULATORS_PATH ?? path.join(os.homedir(), '.cache', 'firebase', 'emulators');
}

/** The newest cached official emulator jar, if Java is new enough to run it. */
function findRunnableOfficialJar(): string | undefined {
  let jars: string[];
  try {
    jars = readdirSync(emulatorCacheDir()).filter((name) => /^cloud-firestore-emulator-v[\d.]+\.jar$/.test(name));
  } catch {
    return undefined;
  }
  if (jars.length === 0 || javaMajorVersion() < MIN_JAVA_MAJOR) return undefined;
  const newest = jars.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1) as string;
  return path.join(emulatorCacheDir(), newest);
}

function javaMajorVersion(): number {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 5_000 });
  // e.g. `openjdk version "17.0.15" 2025-04-15` or `java version "1.8.0_392"` (on stderr).
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr ?? ''}${result.stdout ?? ''}`);
  if (!match) return 0;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2] ?? 0) : major;
}
