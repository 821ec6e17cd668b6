/**
 * Building blocks of the local services: free ports, managed child processes, the Lua shebang
 * rewrite. No Redis needed; children are `node` or `sleep`.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { getFreePort } from '../../../dev/services/ports.js';
import { commandOnPath, spawnManaged, waitUntil } from '../../../dev/services/process.js';
import { stripUpstashFlags } from '../../../dev/services/upstash-lua.js';

const node = process.execPath;

describe('getFreePort', () => {
  it('returns a loopback port that can be bound right away', async () => {
    const port = await getFreePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('commandOnPath', () => {
  it('finds executables on PATH and not made-up names', () => {
    expect(commandOnPath('sh')).toBe(true);
    expect(commandOnPath('surely-not-a-command-4f7a')).toBe(false);
  });
});

describe('spawnManaged / waitUntil', () => {
  it('fails fast with the output of a process that dies while being waited on', async () => {
    const proc = spawnManaged(node, ['-e', 'console.error("bad config: port"); process.exit(3)'], { name: 'broken' });
    const started = Date.now();
    const waiting = waitUntil(async () => false, { what: 'readiness', timeoutMs: 10_000, process: proc });
    await expect(waiting).rejects.toThrow(
      /broken exited before readiness succeeded \(exit code 3\)[\s\S]*bad config: port/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('times out with a message naming what it waited for', async () => {
    const waiting = waitUntil(async () => false, { what: 'the moon', timeoutMs: 100, intervalMs: 20 });
    await expect(waiting).rejects.toThrow(/timed out after 100 ms waiting for the moon/);
  });

  it('resolves once the probe succeeds, treating probe errors as "not yet"', async () => {
    let calls = 0;
    await waitUntil(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('connection refused');
        return true;
      },
      { what: 'probe', timeoutMs: 2_000, intervalMs: 5 },
    );
    expect(calls).toBe(3);
  });

  it('stops a running process with SIGTERM', async () => {
    const proc = spawnManaged(node, ['-e', 'setInterval(() => {}, 1000)']);
    expect(proc.isRunning()).toBe(true);
    const info = await proc.stop();
    expect(info.signal).toBe('SIGTERM');
    expect(proc.isRunning()).toBe(false);
    expect(await proc.stop()).toEqual(info); // idempotent
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    const script = 'process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000)';
    const proc = spawnManaged(node, ['-e', script]);
    // Wait for the handler to be installed, or SIGTERM would kill it before the test means anything.
    await waitUntil(async () => proc.recentOutput().includes('ready'), {
      what: 'ready',
      timeoutMs: 5_000,
      process: proc,
    });
    const info = await proc.stop({ graceMs: 200 });
    expect(info.signal).toBe('SIGKILL');
  });

  it('reports a binary that cannot be spawned', async () => {
    const proc = spawnManaged('surely-not-a-command-4f7a', []);
    const info = await proc.exited;
    expect(info.error?.message).toMatch(/ENOENT/);
    expect(proc.isRunning()).toBe(false);
  });

  it('kills its children when the parent process exits', async () => {
    // A parent that starts `sleep 30` and exits without stopping it.
    const processModule = path.resolve(__dirname, '../../../dev/services/process.ts');
    const parentScript = [
      `const { spawnManaged } = require(${JSON.stringify(processModule)});`,
      `console.log(spawnManaged('sleep', ['30']).pid);`,
      'setTimeout(() => process.exit(0), 50);',
    ].join('\n');
    const { stdout } = await promisify(execFile)(node, ['--import', 'tsx', '-e', parentScript], { timeout: 10_000 });
    const childPid = Number(stdout.trim());
    expect(childPid).toBeGreaterThan(0);
    await waitUntil(async () => !isAlive(childPid), { what: `pid ${childPid} to be gone`, timeoutMs: 3_000 });
  });
});

/** Alive and not a zombie (a killed orphan can linger as a zombie until init reaps it). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('stripUpstashFlags', () => {
  it('removes the Upstash-only flag and keeps the line count', () => {
    const script = '#!lua flags=allow-key-locking\nlocal key = KEYS[1]\nreturn redis.call("GET", key)';
    const stripped = stripUpstashFlags(script);
    expect(stripped).toBe('#!lua\nlocal key = KEYS[1]\nreturn redis.call("GET", key)');
    expect(stripped.split('\n')).toHaveLength(script.split('\n').length);
  });

  it('keeps flags open-source Redis understands, and other shebang options', () => {
    expect(stripUpstashFlags('#!lua name=lib flags=no-writes,allow-key-locking,allow-stale\nreturn 1')).toBe(
      '#!lua name=lib flags=no-writes,allow-stale\nreturn 1',
    );
  });

  it('leaves scripts without the flag byte-for-byte alone', () => {
    for (const script of [
      'return 1',
      '#!lua flags=no-writes\nreturn 1',
      '#!lua  \nreturn 1',
      '-- #!lua flags=allow-key-locking',
    ]) {
      expect(stripUpstashFlags(script)).toBe(script);
    }
  });
});
