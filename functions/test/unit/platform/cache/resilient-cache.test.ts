import { describe, expect, it } from 'vitest';
import type { Redis } from '@upstash/redis';
import { MemoryLruCache } from '../../../../src/lib/platform/cache/memory-lru.js';
import { ResilientCache } from '../../../../src/lib/platform/cache/resilient-cache.js';
import { UpstashCache } from '../../../../src/lib/platform/cache/upstash-cache.js';
import type { Cache } from '../../../../src/lib/platform/cache/types.js';
import { createLogger, type LogFields } from '../../../../src/lib/platform/logging.js';

/** A Map standing in for Redis, optionally failing every call. */
class FakeRedis {
  store = new Map<string, { value: unknown; ex: number }>();
  failing: Error | null = null;
  calls = 0;
  private check(): void {
    this.calls++;
    if (this.failing) throw this.failing;
  }
  async get(key: string): Promise<unknown> {
    this.check();
    const raw = this.store.get(key)?.value;
    // @upstash/redis JSON-decodes what it reads.
    return typeof raw === 'string' ? JSON.parse(raw) : (raw ?? null);
  }
  async set(key: string, value: unknown, options: { ex: number }): Promise<'OK'> {
    this.check();
    this.store.set(key, { value, ex: options.ex });
    return 'OK';
  }
  async del(key: string): Promise<number> {
    this.check();
    return this.store.delete(key) ? 1 : 0;
  }
}

function setup(now = () => 0) {
  const redis = new FakeRedis();
  const warnings: LogFields[] = [];
  const log = { ...createLogger(), warn: (_message: string, fields?: LogFields) => warnings.push(fields ?? {}) };
  const primary: Cache = new UpstashCache(redis as unknown as Redis, 'cache:test:');
  const cache = new ResilientCache({
    primary,
    fallback: new MemoryLruCache({ clock: now }),
    log,
    coolDownMs: 5_000,
    clock: now,
  });
  return { redis, cache, warnings };
}

describe('UpstashCache', () => {
  it('stores values wrapped, prefixed and with a whole-second TTL, and reads exact types back', async () => {
    const { redis, cache } = setup();
    await cache.set('n', '123', 2.5);
    expect(redis.store.get('cache:test:n')).toEqual({ value: '{"v":"123"}', ex: 3 });
    expect(await cache.get('n')).toBe('123');
    expect(await cache.get('missing')).toBeUndefined();
    await cache.delete('n');
    expect(redis.store.size).toBe(0);
  });
});

describe('ResilientCache', () => {
  it('never fails a request when the store throws: warns and misses', async () => {
    const { redis, cache, warnings } = setup();
    await cache.set('k', { a: 1 }, 60);
    redis.failing = new Error('UpstashError: ERR something, command was: ["get","cache:test:k"]');
    await expect(cache.get('k')).resolves.toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0])).not.toContain('command was');
  });

  it('keeps working from memory during an outage and skips the store for the cool-down', async () => {
    let now = 0;
    const { redis, cache } = setup(() => now);
    redis.failing = new Error('timeout');
    await cache.set('k', 'during outage', 60);
    const callsAfterFailure = redis.calls;
    expect(await cache.get('k')).toBe('during outage');
    expect(redis.calls).toBe(callsAfterFailure);
    now += 5_000;
    redis.failing = null;
    expect(await cache.get('k')).toBeUndefined(); // back on Redis, which never got it
    expect(redis.calls).toBe(callsAfterFailure + 1);
  });

  it('delete clears memory as well as the store', async () => {
    let now = 0;
    const { redis, cache } = setup(() => now);
    redis.failing = new Error('down');
    await cache.set('k', 1, 60);
    now += 5_000;
    redis.failing = null;
    await cache.delete('k');
    redis.failing = new Error('down again');
    expect(await cache.get('k')).toBeUndefined();
  });

  it('works with no store configured', async () => {
    const cache = new ResilientCache({ primary: null, fallback: new MemoryLruCache(), log: createLogger() });
    await cache.set('k', [1, 2], 60);
    expect(await cache.get('k')).toEqual([1, 2]);
  });
});
