/**
 * A Firestore emulator on 127.0.0.1 in a child process, for tests and the local stack.
 *
 *   const firestore = await startFirestore();   // { kind, host: '127.0.0.1:PORT', controlOrigin, summary, stop }
 *   process.env.FIRESTORE_EMULATOR_HOST = firestore.host;
 *   await clearFirestore(firestore.controlOrigin, 'demo-social-ai');
 *
 * Which emulator: the OFFICIAL Cloud Firestore emulator wherever this machine has it (see
 * firestore-official.ts for where we look), started with the project's firestore.rules so that
 * client-SDK access is checked as in production (firebase-admin bypasses rules, as it does there).
 * Otherwise, or with `prefer: 'node'`, the embedded Node stand-in (@firestore-emulator/server):
 * enough for firebase-admin reads, writes, transactions and simple queries, but no security rules,
 * no filters on nested fields, no listDocuments, BatchWrite or collection-group queries. See
 * firestore-child.ts for how it is kept on loopback. `summary` says in one line which one runs.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { findOfficialFirestoreEmulator, officialEmulatorArgs, type OfficialEmulator } from './firestore-official.js';
import { getFreePort } from './ports.js';
import { spawnManaged, waitUntil, type ManagedProcess } from './process.js';

export type FirestoreEmulatorKind = 'official' | 'node';

/** The project's security rules, loaded into the official emulator at start. */
export const PROJECT_RULES_FILE = path.resolve(__dirname, '..', '..', '..', 'firestore.rules');

export interface StartFirestoreOptions {
  /** Fixed port on 127.0.0.1; by default a free one. */
  port?: number;
  /** 'auto' (default) = official where it exists, else node; 'official' fails when it is absent. */
  prefer?: FirestoreEmulatorKind | 'auto';
  /** Rules file for the official emulator; default the project's firestore.rules, `false` for none. */
  rules?: string | false;
  /** Project id for the official emulator's single-project mode (warns on other ids). */
  projectId?: string;
  /** host:port of a Functions emulator, so the official emulator delivers Firestore triggers to it. */
  functionsEmulator?: string;
  /** Called with each output line of the emulator process. */
  onOutput?: (line: string) => void;
}

export interface FirestoreEmulator {
  kind: FirestoreEmulatorKind;
  /** Value for FIRESTORE_EMULATOR_HOST, e.g. 127.0.0.1:8080 */
  host: string;
  /** Origin of the HTTP control API (clearing data, loading rules), e.g. http://127.0.0.1:8080 */
  controlOrigin: string;
  /** Security rules loaded into the emulator (official only). */
  rulesFile?: string;
  /** One line for banners and test logs: which emulator runs, and why when it is the fallback. */
  summary: string;
  /** The emulator process (to prove it is gone after stop()). */
  pid: number | undefined;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const CHILD_SCRIPT = path.join(__dirname, 'firestore-child.ts');
/** The JVM reports a taken port as a BindException; getFreePort can lose that race, so retry. */
const PORT_ATTEMPTS = 3;

export async function startFirestore(options: StartFirestoreOptions = {}): Promise<FirestoreEmulator> {
  const prefer = options.prefer ?? 'auto';
  if (prefer === 'node') return startNode(options, 'chosen explicitly');
  const lookup = findOfficialFirestoreEmulator();
  if (lookup.found) return startOfficial(lookup.emulator, options);
  if (prefer === 'official') throw new Error(`official Cloud Firestore emulator unavailable: ${lookup.reason}`);
  return startNode(options, `official emulator ${lookup.reason}`);
}

/** Deletes every document (Node emulator: of every project) through the control API. */
export async function clearFirestore(controlOrigin: string, projectId: string): Promise<void> {
  const url = `${controlOrigin}/emulator/v1/projects/${encodeURIComponent(projectId)}/databases/(default)/documents`;
  const response = await fetch(url, { method: 'DELETE', signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`clearing Firestore emulator failed: HTTP ${response.status}`);
}

async function startNode(options: StartFirestoreOptions, why: string): Promise<FirestoreEmulator> {
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
  const host = `127.0.0.1:${port}`;
  return {
    kind: 'node',
    host,
    controlOrigin: `http://127.0.0.1:${controlPort}`,
    summary: `Node Firestore stand-in (@firestore-emulator/server) on ${host}, NO security rules (${why})`,
    pid: proc.pid,
    stop: async () => {
      await proc.stop();
    },
  };
}

async function startOfficial(emulator: OfficialEmulator, options: StartFirestoreOptions): Promise<FirestoreEmulator> {
  const rulesFile = options.rules === false ? undefined : (options.rules ?? PROJECT_RULES_FILE);
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await getFreePort());
    // Its websocket port (for the Emulator UI) defaults to a fixed one; take a free one.
    const websocketPort = await getFreePort();
    const args = officialEmulatorArgs(emulator.jar, {
      port,
      websocketPort,
      rules: rulesFile,
      projectId: options.projectId,
      functionsEmulator: options.functionsEmulator,
    });
    // Its own process group: stop() takes the JVM and anything it started, never a launcher's orphan.
    const proc = spawnManaged(emulator.java, args, {
      name: 'firestore-emulator (official)',
      onOutput: options.onOutput,
      processGroup: true,
    });
    const origin = `http://127.0.0.1:${port}`;
    try {
      await waitOrStop(proc, () => httpOk(origin), `the official Firestore emulator on ${origin}`);
    } catch (error) {
      const lostPortRace = /BindException|Address already in use/.test(proc.recentOutput());
      if (lostPortRace && options.port === undefined && attempt < PORT_ATTEMPTS) continue;
      throw error;
    }
    const host = `127.0.0.1:${port}`;
    const rulesNote = rulesFile ? `rules: ${path.basename(rulesFile)}` : 'no rules file';
    return {
      kind: 'official',
      host,
      controlOrigin: origin,
      rulesFile,
      summary: `official Cloud Firestore emulator on ${host} (${emulator.source}, Java ${emulator.javaMajor}, ${rulesNote})`,
      pid: proc.pid,
      stop: async () => {
        await proc.stop();
      },
    };
  }
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
