/**
 * A throwaway redis-server on 127.0.0.1 for tests and the local stack: no persistence, its own
 * temporary working directory, stopped cleanly (and killed if the parent exits first).
 *
 *   if (redisServerAvailable()) {
 *     const redis = await startRedis();   // { port, url: 'redis://127.0.0.1:PORT', stop }
 *     ...
 *     await redis.stop();
 *   }
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { getFreePort } from './ports.js';
import { commandOnPath, spawnManaged, waitUntil, type ManagedProcess } from './process.js';

const REDIS_BINARY = 'redis-server';
const READY_TIMEOUT_MS = 10_000;
/** Attempts when we picked the port ourselves and someone else bound it first. */
const PORT_ATTEMPTS = 3;

export interface RedisServer {
  port: number;
  url: string;
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  /** Fixed port; by default a free one is picked. */
  port?: number;
}

/** True when `redis-server` is on PATH, so callers can fall back to an in-memory store otherwise. */
export function redisServerAvailable(): boolean {
  return commandOnPath(REDIS_BINARY);
}

export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  if (!redisServerAvailable()) {
    throw new Error(`${REDIS_BINARY} is not on PATH (Debian: apt-get install -y redis-server)`);
  }
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await getFreePort());
    try {
      return await startOnPort(port);
    } catch (error) {
      const retryable = options.port === undefined && attempt < PORT_ATTEMPTS && isAddressInUse(error);
      if (!retryable) throw error;
    }
  }
}

/** Work dirs of servers not stopped yet, removed if the parent exits first (process.ts kills the servers). */
const liveWorkDirs = new Set<string>();
process.on('exit', () => {
  for (const dir of liveWorkDirs) rmSync(dir, { recursive: true, force: true });
});

async function startOnPort(port: number): Promise<RedisServer> {
  // Its own --dir, so a stray SAVE/BGSAVE/SHUTDOWN SAVE never drops dump.rdb into the repo.
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'redis-dev-'));
  liveWorkDirs.add(workDir);
  const removeWorkDir = (): void => {
    liveWorkDirs.delete(workDir);
    rmSync(workDir, { recursive: true, force: true });
  };
  let proc: ManagedProcess;
  try {
    proc = spawnManaged(REDIS_BINARY, redisArgs(port, workDir), { name: `redis-server:${port}` });
  } catch (error) {
    removeWorkDir();
    throw error;
  }
  try {
    const pid = proc.pid;
    // Not a bare PING: another server already on this port would answer it while ours dies on
    // "address in use". INFO's process_id proves the answer comes from the child we spawned.
    await waitUntil(async () => pid !== undefined && (await redisProcessId(port)) === pid, {
      what: `redis-server (pid ${pid}) answering on 127.0.0.1:${port}`,
      timeoutMs: READY_TIMEOUT_MS,
      process: proc,
    });
  } catch (error) {
    await proc.stop({ graceMs: 1_000 });
    removeWorkDir();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () => {
      // SIGTERM: redis shuts down cleanly (nothing to save with --save ''); SIGKILL if it hangs.
      stopping ??= proc.stop({ signal: 'SIGTERM', graceMs: 3_000 }).then(removeWorkDir);
      return stopping;
    },
  };
}

function redisArgs(port: number, workDir: string): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    // Loopback clients are exempt from protected mode, so it can stay on as a safety net.
    '--protected-mode',
    'yes',
    '--daemonize',
    'no',
    // No persistence: every start is empty, and nothing is written to disk.
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    workDir,
    // Log to stdout (captured for error messages), only what matters.
    '--logfile',
    '',
    '--loglevel',
    'warning',
  ];
}

/** One PING over a raw socket: true on +PONG. Bounded by `timeoutMs`. */
export async function pingRedis(port: number, timeoutMs = 500): Promise<boolean> {
  const reply = await rawExchange(port, 'PING', /\r\n/, timeoutMs);
  return reply?.startsWith('+PONG') ?? false;
}

/** The pid of the redis-server answering on `port` (INFO server), or undefined. */
async function redisProcessId(port: number, timeoutMs = 500): Promise<number | undefined> {
  const reply = await rawExchange(port, 'INFO server', /process_id:\d+\r\n|^-.*\r\n/, timeoutMs);
  const match = reply?.match(/process_id:(\d+)\r\n/);
  return match ? Number(match[1]) : undefined;
}

/**
 * Sends one inline command over a fresh socket and collects the reply until `complete` matches.
 * Resolves undefined on error or timeout: readiness probes only need "not yet".
 */
function rawExchange(port: number, command: string, complete: RegExp, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (result: string | undefined): void => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => finish(undefined));
    socket.once('error', () => finish(undefined));
    socket.once('end', () => finish(undefined));
    socket.once('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (complete.test(reply)) finish(reply);
    });
  });
}

function isAddressInUse(error: unknown): boolean {
  return error instanceof Error && /address already in use/i.test(error.message);
}
