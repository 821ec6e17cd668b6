/**
 * The real Firebase Auth and Functions emulators (`firebase emulators:start`), on 127.0.0.1, run
 * from a throwaway "shadow" project directory so that nothing is written into the repository:
 *
 *   <tmp>/firebase-emulators-XXXX/
 *     firebase.json        generated: our ports, emulators on 127.0.0.1, UI off
 *     functions/           the functions source as the CLI sees it:
 *       package.json, lib, node_modules  -> symlinks into the real functions package (lib/ a copy
 *                                           with copyLib)
 *       .env.local         plain settings for the functions (the emulator reads it)
 *       .secret.local      values of declared secrets (the emulator reads it instead of Secret Manager)
 *     tmp/                 TMPDIR of the CLI: its hub locator file, discovery manifest, sockets
 *
 * Why a shadow directory: the CLI takes the project directory from the config file's location and
 * reads `.env.local`/`.secret.local` from the functions directory; generating them in the real tree
 * would clobber a developer's own files, and a hub locator in the shared /tmp would make two
 * emulator suites (tests and `npm start`) for one project see each other.
 *
 * How the functions get their environment (firebase-tools 15, functionsEmulator.js): the runtime
 * process gets the CLI's process.env, overlaid by the dotenv files (.env, .env.<project>, .env.local),
 * emulator variables (FIREBASE_AUTH_EMULATOR_HOST, ...), resolved params, then .secret.local. A
 * declared secret missing from .secret.local makes the emulator try Secret Manager and log an error,
 * so secret values go there. Keys firebase reserves (FIREBASE_*, GCLOUD_PROJECT, ...) cannot be in
 * dotenv files; they go through the CLI's process env.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getFreePort } from './ports.js';
import { spawnManaged, waitUntil } from './process.js';

export const DEFAULT_PROJECT_ID = 'demo-social-ai';
export const FUNCTIONS_REGION = 'us-central1';
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const FIREBASE_BIN = path.join(REPO_ROOT, 'node_modules', '.bin', 'firebase');
const DEFAULT_FUNCTIONS_DIR = path.join(REPO_ROOT, 'functions');
// The CLI spends ~10 s of CPU starting (the Auth emulator compiles its OpenAPI validators), so on
// a busy 2-core machine start-up can take several times that.
const READY_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 10_000;

export type FirebaseEmulatorName = 'auth' | 'functions';

export interface FirebaseEmulatorPorts {
  auth: number;
  functions: number;
  hub: number;
  logging: number;
  /** The CLI starts these two with the functions emulator; pinned so they stay on 127.0.0.1. */
  eventarc: number;
  tasks: number;
}

export interface StartFirebaseEmulatorsOptions {
  only: readonly FirebaseEmulatorName[];
  projectId?: string;
  /** Fixed ports; any not given is a free one. */
  ports?: Partial<FirebaseEmulatorPorts>;
  /** Environment for the functions (plain settings, secrets and reserved keys alike; see above). */
  env?: Readonly<Record<string, string>>;
  /** Keys of `env` that the functions declare as secrets (they go to .secret.local). */
  secretNames?: readonly string[];
  /** Keys removed from the inherited environment, e.g. a developer's real credentials. */
  scrubEnv?: readonly string[];
  /** The functions package to serve; defaults to this repository's (needs a built lib/). */
  functionsDir?: string;
  /**
   * Serve a copy of lib/ taken at start instead of a link to it: immune to a rebuild of lib/ while
   * it runs (tests in a shared tree), but no reload on changes (what `npm start` wants).
   */
  copyLib?: boolean;
  /** Called with each output line of the CLI. */
  onOutput?: (line: string) => void;
}

export interface FirebaseEmulators {
  projectId: string;
  ports: FirebaseEmulatorPorts;
  /** For FIREBASE_AUTH_EMULATOR_HOST, e.g. 127.0.0.1:9099 (when auth runs) */
  authHost?: string;
  /** e.g. http://127.0.0.1:5001/demo-social-ai/us-central1 (when functions run); append /<name> */
  functionsBaseUrl?: string;
  /** Functions the emulator reported as initialized. */
  functionNames: string[];
  /** Output lines that report functions failing to load (empty when all is well). */
  functionLoadErrors: string[];
  stop(): Promise<void>;
}

/** Shadow dirs of emulators not stopped yet, removed if the process exits first (process.ts kills the CLI). */
const liveShadowDirs = new Set<string>();
process.on('exit', () => {
  for (const dir of liveShadowDirs) rmSync(dir, { recursive: true, force: true });
});

export async function startFirebaseEmulators(options: StartFirebaseEmulatorsOptions): Promise<FirebaseEmulators> {
  const functionsDir = options.functionsDir ?? DEFAULT_FUNCTIONS_DIR;
  if (options.only.includes('functions') && !existsSync(path.join(functionsDir, 'lib', 'index.js'))) {
    throw new Error(`${functionsDir}/lib/index.js is missing: build the functions first (npm run build)`);
  }
  // A port we picked can be taken by someone else before the CLI binds it: then try once more.
  // A port the caller fixed stays taken, so that error is final.
  const fixedPorts = new Set(Object.values(options.ports ?? {}));
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, functionsDir, await resolvePorts(options.ports));
    } catch (error) {
      const takenPort = /Port (\d+) is not open on/.exec(String(error))?.[1];
      if (attempt >= 2 || takenPort === undefined || fixedPorts.has(Number(takenPort))) throw error;
    }
  }
}

async function startOnce(
  options: StartFirebaseEmulatorsOptions,
  functionsDir: string,
  ports: FirebaseEmulatorPorts,
): Promise<FirebaseEmulators> {
  const projectId = options.projectId ?? DEFAULT_PROJECT_ID;
  const shadowDir = mkdtempSync(path.join(os.tmpdir(), 'firebase-emulators-'));
  liveShadowDirs.add(shadowDir);
  const removeShadowDir = (): void => {
    liveShadowDirs.delete(shadowDir);
    rmSync(shadowDir, { recursive: true, force: true });
  };
  const { dotenv, secrets, reserved } = splitEnv(options.env ?? {}, options.secretNames ?? []);
  try {
    writeShadowProject(shadowDir, functionsDir, ports, options.copyLib === true);
    writeDotenv(path.join(shadowDir, 'functions', '.env.local'), dotenv);
    writeDotenv(path.join(shadowDir, 'functions', '.secret.local'), secrets);
  } catch (error) {
    removeShadowDir();
    throw error;
  }

  const cliEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const key of options.scrubEnv ?? []) delete cliEnv[key];
  Object.assign(cliEnv, reserved, {
    CI: 'true', // no interactive prompts, no update check
    METADATA_SERVER_DETECTION: 'none', // no probes of the cloud metadata address
    // Discover the functions through a manifest file rather than an HTTP server on all interfaces.
    FIREBASE_FUNCTIONS_DISCOVERY_OUTPUT_PATH: 'true',
    TMPDIR: path.join(shadowDir, 'tmp'),
    // The CLI runs `npm show firebase-functions` on every start to nag about updates: answer it
    // from the local npm cache instead of the registry.
    npm_config_offline: 'true',
  });

  let ready = false;
  const functionNames: string[] = [];
  const functionLoadErrors: string[] = [];
  const proc = spawnManaged(
    FIREBASE_BIN,
    [
      'emulators:start',
      '--only',
      options.only.join(','),
      '--project',
      projectId,
      '--config',
      path.join(shadowDir, 'firebase.json'),
    ],
    {
      name: 'firebase emulators',
      cwd: shadowDir,
      env: cliEnv,
      processGroup: true, // the CLI spawns function runtimes: stop them as one group
      keepLines: 80,
      onOutput: (line) => {
        // Start-up facts only: later reloads and request logs are not ours to interpret.
        if (!ready) {
          const initialized = /http function initialized \(https?:\/\/[^)]*\/([^/)]+)\)/.exec(line);
          if (initialized) functionNames.push(initialized[1] as string);
          if (/Failed to load function|could not be parsed|Error: /.test(line)) functionLoadErrors.push(line.trim());
          if (line.includes('All emulators ready')) ready = true;
        }
        options.onOutput?.(line);
      },
    },
  );

  const watchdog = proc.pid === undefined ? undefined : startOrphanWatchdog(proc.pid, shadowDir);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= proc.stop({ graceMs: STOP_GRACE_MS }).then(() => {
      watchdog?.kill();
      removeShadowDir();
    });
    return stopped;
  };
  try {
    await waitUntil(async () => ready, {
      what: `"All emulators ready" from firebase emulators:start --only ${options.only.join(',')}`,
      timeoutMs: READY_TIMEOUT_MS,
      intervalMs: 100,
      process: proc,
    });
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    projectId,
    ports,
    authHost: options.only.includes('auth') ? `127.0.0.1:${ports.auth}` : undefined,
    functionsBaseUrl: options.only.includes('functions')
      ? `http://127.0.0.1:${ports.functions}/${projectId}/${FUNCTIONS_REGION}`
      : undefined,
    functionNames,
    functionLoadErrors,
    stop,
  };
}

/**
 * The CLI runs in its own process group (so stop() can take its function runtimes down with it),
 * which also means a Ctrl-C in the terminal does not reach it, and process.ts's exit hook cannot
 * run if this process is SIGKILLed. A tiny detached watchdog closes that gap: once our process is
 * gone, it stops the CLI's group and removes the shadow dir; it exits by itself when the CLI is gone.
 */
const WATCHDOG_SCRIPT = `
const [owner, group, dir] = [Number(process.argv[1]), Number(process.argv[2]), process.argv[3]];
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const signal = (sig) => { try { process.kill(-group, sig); } catch {} };
const timer = setInterval(() => {
  if (!alive(group)) process.exit(0);
  if (alive(owner)) return;
  clearInterval(timer);
  signal('SIGTERM');
  setTimeout(() => {
    signal('SIGKILL');
    require('node:fs').rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }, 5000);
}, 1000);
`;

function startOrphanWatchdog(cliPid: number, shadowDir: string): ChildProcess {
  const watchdog = spawn(process.execPath, ['-e', WATCHDOG_SCRIPT, String(process.pid), String(cliPid), shadowDir], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.on('error', () => {
    // Best effort: without it, stop() and the exit hook still clean up in every non-SIGKILL case.
  });
  watchdog.unref();
  return watchdog;
}

async function resolvePorts(ports: Partial<FirebaseEmulatorPorts> = {}): Promise<FirebaseEmulatorPorts> {
  return {
    auth: ports.auth ?? (await getFreePort()),
    functions: ports.functions ?? (await getFreePort()),
    hub: ports.hub ?? (await getFreePort()),
    logging: ports.logging ?? (await getFreePort()),
    eventarc: ports.eventarc ?? (await getFreePort()),
    tasks: ports.tasks ?? (await getFreePort()),
  };
}

function writeShadowProject(
  shadowDir: string,
  functionsDir: string,
  ports: FirebaseEmulatorPorts,
  copyLib: boolean,
): void {
  mkdirSync(path.join(shadowDir, 'tmp'));
  const shadowFunctions = path.join(shadowDir, 'functions');
  mkdirSync(shadowFunctions);
  for (const entry of ['package.json', 'lib', 'node_modules']) {
    const [from, to] = [path.join(functionsDir, entry), path.join(shadowFunctions, entry)];
    if (copyLib && entry === 'lib') cpSync(from, to, { recursive: true });
    else symlinkSync(from, to);
  }
  const loopback = (port: number) => ({ host: '127.0.0.1', port });
  const config = {
    functions: [
      {
        source: 'functions',
        codebase: 'default',
        runtime: repoFunctionsRuntime(),
        ignore: ['node_modules', '.git', '*.log', '*.local'],
      },
    ],
    emulators: {
      auth: loopback(ports.auth),
      functions: loopback(ports.functions),
      hub: loopback(ports.hub),
      logging: loopback(ports.logging),
      eventarc: loopback(ports.eventarc),
      tasks: loopback(ports.tasks),
      ui: { enabled: false },
      singleProjectMode: true,
    },
  };
  writeFileSync(path.join(shadowDir, 'firebase.json'), `${JSON.stringify(config, null, 2)}\n`);
}

/** The runtime declared in the repository's firebase.json, so the emulator checks what deploy uses. */
function repoFunctionsRuntime(): string | undefined {
  try {
    const config = JSON.parse(readFileSync(path.join(REPO_ROOT, 'firebase.json'), 'utf8')) as {
      functions?: { runtime?: string }[] | { runtime?: string };
    };
    const functions = Array.isArray(config.functions) ? config.functions[0] : config.functions;
    return functions?.runtime;
  } catch {
    return undefined;
  }
}

/** Keys firebase refuses in dotenv files (firebase-tools functions/env.js); they go via process env. */
export function isReservedFunctionsEnvKey(key: string): boolean {
  const reservedKeys = new Set([
    'FIREBASE_CONFIG',
    'CLOUD_RUNTIME_CONFIG',
    'EVENTARC_CLOUD_EVENT_SOURCE',
    'ENTRY_POINT',
    'GCP_PROJECT',
    'GCLOUD_PROJECT',
    'GOOGLE_CLOUD_PROJECT',
    'FUNCTION_TRIGGER_TYPE',
    'FUNCTION_NAME',
    'FUNCTION_MEMORY_MB',
    'FUNCTION_TIMEOUT_SEC',
    'FUNCTION_IDENTITY',
    'FUNCTION_REGION',
    'FUNCTION_TARGET',
    'FUNCTION_SIGNATURE_TYPE',
    'K_SERVICE',
    'K_REVISION',
    'PORT',
    'K_CONFIGURATION',
  ]);
  return reservedKeys.has(key) || /^(X_GOOGLE_|FIREBASE_|EXT_|KIT_)/.test(key);
}

function splitEnv(env: Readonly<Record<string, string>>, secretNames: readonly string[]) {
  const dotenv: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  const reserved: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (isReservedFunctionsEnvKey(key)) reserved[key] = value;
    else if (secretNames.includes(key)) secrets[key] = value;
    else dotenv[key] = value;
  }
  return { dotenv, secrets, reserved };
}

/** Writes KEY="value" lines with the escapes firebase's dotenv parser understands; owner-only. */
function writeDotenv(file: string, values: Readonly<Record<string, string>>): void {
  const escape = (value: string) =>
    value.replace(/[\n\r\t\v\\'"]/g, (ch) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' })[ch] ?? `\\${ch}`);
  const lines = Object.entries(values).map(([key, value]) => `${key}="${escape(value)}"`);
  writeFileSync(file, lines.length > 0 ? `${lines.join('\n')}\n` : '', { mode: 0o600 });
}

/**
 * Reads a dotenv file (KEY=value, optional quotes, # comments); missing file = {}. For the local
 * stack, which lets a developer's own functions/.env* files override its generated values.
 */
export function readDotenvFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  const values: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(rawLine);
    if (!match) continue;
    const [, key, rawValue] = match as unknown as [string, string, string];
    const quoted = /^(["'])(.*)\1$/.exec(rawValue);
    if (quoted) {
      const inner = quoted[2] as string;
      values[key] =
        quoted[1] === '"'
          ? inner.replace(/\\([nrtv\\'"])/g, (_, ch: string) => ({ n: '\n', r: '\r', t: '\t', v: '\v' })[ch] ?? ch)
          : inner;
    } else {
      values[key] = rawValue.replace(/\s+#.*$/, '');
    }
  }
  return values;
}
