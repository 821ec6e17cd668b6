// The local stack of the chat benchmarks: Firestore and Auth emulators and the Gemini-protocol
// server (each its own process, from dev/services), plus ONE functions process that mounts
// chatMessage/chatStream in-process on real HTTP and reports its own peak RSS growth.
//
// This file is also that functions process's entry: run as a script, it mounts the functions and
// answers commands over IPC ('baseline', 'peak', 'env').
import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { startServices, type RunningServices } from '../../dev/services/index.js';
import { formatMb, memoryBaseline, peakRssGrowth, type MemoryBaseline } from './memory.js';

export interface FunctionsProcess {
  baseUrl: string;
  pid: number;
  /** Resets the RSS baseline (after warm-up). */
  baseline(): Promise<{ rssBytes: number }>;
  /** Peak RSS growth since the baseline, and current figures. */
  peak(): Promise<{ peakRssGrowthBytes: number; rssBytes: number; heapUsedBytes: number }>;
  /** Sets environment variables in the functions process (config is read per request). */
  setEnv(values: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

export interface ChatStack {
  services: RunningServices;
  functions: FunctionsProcess;
  /** A fresh Auth-emulator user's ID token. */
  signUp(): Promise<{ uid: string; idToken: string }>;
  stop(): Promise<void>;
}

type CommandBody = { type: 'baseline' } | { type: 'peak' } | { type: 'env'; values: Record<string, string> };
type Command = CommandBody & { id: number };

export async function startChatStack(extraEnv: Record<string, string> = {}): Promise<ChatStack> {
  const services = await startServices({ firestore: true, gemini: true, redis: false, firebase: { only: ['auth'] } });
  const authHost = services.functionsEnv.FIREBASE_AUTH_EMULATOR_HOST;
  const env: Record<string, string> = {
    ...services.functionsEnv,
    GCLOUD_PROJECT: services.projectId,
    GOOGLE_CLOUD_PROJECT: services.projectId,
    METADATA_SERVER_DETECTION: 'none',
    // One benchmark user sends everything: the per-user limit is not what is measured.
    RATE_LIMIT_PER_MINUTE: '10000', // the param's maximum
    UPSTASH_REDIS_REST_URL: '',
    UPSTASH_REDIS_REST_TOKEN: '',
    ...extraEnv,
  };
  let functions: FunctionsProcess;
  try {
    functions = await spawnFunctionsProcess(env);
  } catch (error) {
    await services.stop();
    throw error;
  }
  let users = 0;
  return {
    services,
    functions,
    async signUp() {
      const response = await fetch(`http://${authHost}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=any`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: `bench-${process.pid}-${++users}@example.test`,
          password: 'password-123',
          returnSecureToken: true,
        }),
      });
      const body = (await response.json()) as { localId: string; idToken: string };
      return { uid: body.localId, idToken: body.idToken };
    },
    async stop() {
      await functions.stop();
      await services.stop();
    },
  };
}

async function spawnFunctionsProcess(env: Record<string, string>): Promise<FunctionsProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--expose-gc', '--import', pathToFileURL(require.resolve('tsx')).href, __filename, '--serve'],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
  );
  const pending = new Map<number, (value: unknown) => void>();
  let nextId = 0;
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('functions process not ready in 60 s')), 60_000);
    child.once('exit', (code) => reject(new Error(`functions process exited (${code})`)));
    child.on('message', (message: { ready?: string; id?: number; result?: unknown }) => {
      if (message.ready) {
        clearTimeout(timer);
        resolve(message.ready);
      } else if (message.id !== undefined) {
        pending.get(message.id)?.(message.result);
        pending.delete(message.id);
      }
    });
  });
  const baseUrl = await ready;
  const send = <T>(command: CommandBody): Promise<T> =>
    new Promise((resolve) => {
      const id = ++nextId;
      pending.set(id, resolve as (value: unknown) => void);
      child.send({ ...command, id });
    });
  return {
    baseUrl,
    pid: child.pid as number,
    baseline: () => send({ type: 'baseline' }),
    peak: () => send({ type: 'peak' }),
    setEnv: (values) => send({ type: 'env', values }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Child side: mount the exported chat functions and serve commands. */
async function serve(): Promise<void> {
  const { mountFunctions } = await import('../../test/support/mount.js');
  const { loadFunctions } = await import('../../test/support/functions.js');
  const mounted = await mountFunctions(await loadFunctions(['chatMessage', 'chatStream']));
  let baseline: MemoryBaseline = memoryBaseline();
  process.on('message', (command: Command) => {
    let result: unknown;
    if (command.type === 'baseline') {
      baseline = memoryBaseline();
      result = { rssBytes: baseline.rssBytes };
    } else if (command.type === 'peak') {
      const { rss, heapUsed } = process.memoryUsage();
      result = { peakRssGrowthBytes: peakRssGrowth(baseline), rssBytes: rss, heapUsedBytes: heapUsed };
    } else {
      Object.assign(process.env, command.values);
      result = true;
    }
    process.send?.({ id: command.id, result });
  });
  process.on('SIGTERM', () => {
    void mounted.close().finally(() => process.exit(0));
  });
  process.send?.({ ready: mounted.url('chatMessage').replace(/\/chatMessage$/, '') });
}

export { formatMb };

if (require.main === module && process.argv.includes('--serve')) {
  serve().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
