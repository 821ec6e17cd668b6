/**
 * Child processes for local services (redis-server, emulators, ...): spawn one, wait until it is
 * ready, stop it, and never leave one behind.
 *
 * Usage:
 *   const proc = spawnManaged('redis-server', ['--port', '6390'], { name: 'redis' });
 *   await waitUntil(() => ping(6390), { what: 'redis PING', timeoutMs: 10_000, process: proc });
 *   ...
 *   await proc.stop();            // SIGTERM, then SIGKILL after graceMs
 *
 * Leftovers: every running child is SIGKILLed from a single `process.on('exit')` hook, so a test
 * worker or dev script that exits (normally, on an uncaught error, or via process.exit) takes its
 * children with it. Node does NOT emit 'exit' when it dies from an unhandled signal (SIGINT/SIGTERM
 * with no handler) or SIGKILL: long-running scripts should handle signals by calling process.exit().
 * Children share the parent's process group by default, so Ctrl-C in a terminal reaches them anyway.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all (e.g. ENOENT). */
  error?: Error;
}

export interface SpawnManagedOptions {
  /** Label used in error messages; defaults to the command. */
  name?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** How many recent output lines (stdout and stderr together) to keep for error messages. */
  keepLines?: number;
  /** Called with each output line, e.g. to prefix and echo it in a dev stack. */
  onOutput?: (line: string) => void;
  /**
   * Start the child in its own process group and signal the whole group on stop. Use it for
   * services that spawn grandchildren (wrappers, JVMs); the group then no longer receives the
   * terminal's Ctrl-C, so it relies on stop() and the exit hook.
   */
  processGroup?: boolean;
}

export interface StopOptions {
  /** First signal to send; defaults to SIGTERM. */
  signal?: NodeJS.Signals;
  /** How long to wait for a clean exit before SIGKILL; defaults to 5 s. */
  graceMs?: number;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number | undefined;
  /** Resolves (never rejects) once the process has exited or failed to spawn. */
  readonly exited: Promise<ExitInfo>;
  isRunning(): boolean;
  /** The last output lines, for error messages. */
  recentOutput(): string;
  /** Idempotent. Resolves once the process is gone. */
  stop(options?: StopOptions): Promise<ExitInfo>;
}

/** Children still running, killed synchronously if the parent exits first. */
const liveChildren = new Set<{ kill(signal: NodeJS.Signals): void }>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // One listener for all children (one per child would trip MaxListenersExceededWarning).
  // 'exit' handlers must be synchronous, and SIGKILL is the only signal that needs no waiting.
  process.on('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL');
  });
}

/** Spawns `command` with piped output kept in a small ring buffer. */
export function spawnManaged(
  command: string,
  args: readonly string[],
  options: SpawnManagedOptions = {},
): ManagedProcess {
  const name = options.name ?? command;
  const keepLines = options.keepLines ?? 50;
  const lines: string[] = [];
  const child: ChildProcess = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.processGroup === true,
  });

  let running = true;
  const signalChild = (signal: NodeJS.Signals): void => {
    if (!running || child.pid === undefined) return;
    try {
      if (options.processGroup) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // Already gone between the check and the signal: nothing to do.
    }
  };
  const handle = { kill: signalChild };

  const exited = new Promise<ExitInfo>((resolve) => {
    // `on`, not `once`: an 'error' listener must stay, or a later failed kill would crash the parent.
    child.on('error', (error) => {
      // 'error' without a pid means spawn failed; with a pid it is a failed kill, not an exit.
      if (child.pid !== undefined || !running) return;
      running = false;
      liveChildren.delete(handle);
      resolve({ code: null, signal: null, error });
    });
    child.once('exit', (code, signal) => {
      running = false;
      liveChildren.delete(handle);
      resolve({ code, signal });
    });
  });

  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split(/\r?\n/)) {
      if (line.length === 0) continue;
      lines.push(line);
      if (lines.length > keepLines) lines.shift();
      options.onOutput?.(line);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  installExitHook();
  liveChildren.add(handle);

  const stop = async (stopOptions: StopOptions = {}): Promise<ExitInfo> => {
    if (running) {
      signalChild(stopOptions.signal ?? 'SIGTERM');
      const graceMs = stopOptions.graceMs ?? 5_000;
      let timer: NodeJS.Timeout | undefined;
      const killLater = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          signalChild('SIGKILL');
          resolve();
        }, graceMs);
      });
      await Promise.race([exited, killLater]);
      clearTimeout(timer);
    }
    const info = await exited;
    if (options.processGroup && child.pid !== undefined) {
      // The leader is gone; take down any grandchildren it left in the group.
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // No such group left: the usual case.
      }
    }
    return info;
  };

  return {
    name,
    get pid() {
      return child.pid;
    },
    exited,
    isRunning: () => running,
    recentOutput: () => lines.join('\n'),
    stop,
  };
}

export interface WaitUntilOptions {
  /** What we are waiting for, for the timeout message (e.g. "redis PING on port 6390"). */
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Fail fast (with its recent output) if this process exits while we wait. */
  process?: ManagedProcess;
}

/**
 * Polls `probe` until it resolves true. A probe that throws counts as "not yet". The probe should
 * bound its own duration (e.g. a socket timeout); this only bounds the total wait.
 */
export async function waitUntil(probe: () => Promise<boolean>, options: WaitUntilOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const intervalMs = options.intervalMs ?? 50;
  const proc = options.process;
  for (;;) {
    if (proc && !proc.isRunning()) {
      const info = await proc.exited;
      throw new Error(
        `${proc.name} exited before ${options.what} succeeded (${describeExit(info)})` + outputSuffix(proc),
      );
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}` + outputSuffix(proc));
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** True when an executable named `command` is on PATH (no shell, no spawn). */
export function commandOnPath(command: string): boolean {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return dirs.some((dir) => {
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function describeExit(info: ExitInfo): string {
  if (info.error) return `failed to start: ${info.error.message}`;
  if (info.signal) return `signal ${info.signal}`;
  return `exit code ${info.code}`;
}

function outputSuffix(proc: ManagedProcess | undefined): string {
  const output = proc?.recentOutput();
  return output ? `\n--- last output of ${proc?.name} ---\n${output}` : '';
}
