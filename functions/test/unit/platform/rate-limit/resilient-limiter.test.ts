// The limiter must keep limiting when the shared store is slow, failing or absent: never unlimited,
// never an error.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../src/lib/platform/logging.js';
import { MemorySlidingWindowLimiter } from '../../../../src/lib/platform/rate-limit/memory-sliding-window.js';
import { ResilientLimiter } from '../../../../src/lib/platform/rate-limit/resilient-limiter.js';
import type { RateLimitDecision, RateLimiter } from '../../../../src/lib/platform/rate-limit/types.js';
import { SharedStoreUnavailable } from '../../../../src/lib/platform/shared-store.js';
import { UpstashLimiter, type RatelimitLike } from '../../../../src/lib/platform/rate-limit/upstash-limiter.js';

const quietLog = { ...createLogger(), warn: () => undefined };

class ScriptedLimiter implements RateLimiter {
  calls = 0;
  constructor(private readonly behaviour: (call: number) => RateLimitDecision | Error) {}
  async consume(): Promise<RateLimitDecision> {
    const outcome = this.behaviour(++this.calls);
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }
}

const redisAllows: RateLimitDecision = { allowed: true, limit: 3, remaining: 2, resetAt: 60_000, source: 'redis' };

function setup(primary: RateLimiter | null, now = () => 1_000) {
  const fallback = {
    windows: new MemorySlidingWindowLimiter({ limit: 3, windowMs: 60_000, clock: now }),
    blocked: new Map(),
  };
  return {
    limiter: new ResilientLimiter({ primary, fallback, log: quietLog, coolDownMs: 10_000, clock: now }),
  };
}

async function decisions(limiter: RateLimiter, n: number): Promise<boolean[]> {
  const out: boolean[] = [];
  for (let i = 0; i < n; i++) out.push((await limiter.consume('u')).allowed);
  return out;
}

describe('ResilientLimiter', () => {
  it('uses only memory when no shared store is configured, still enforcing the limit', async () => {
    const { limiter } = setup(null);
    expect(await decisions(limiter, 4)).toEqual([true, true, true, false]);
  });

  it('trusts the shared store while it answers', async () => {
    const primary = new ScriptedLimiter(() => redisAllows);
    const { limiter } = setup(primary);
    expect(await decisions(limiter, 5)).toEqual([true, true, true, true, true]);
    expect(primary.calls).toBe(5);
  });

  it('falls back to memory when the store times out, keeping counts of what it allowed', async () => {
    const primary = new ScriptedLimiter((call) => (call <= 2 ? redisAllows : new SharedStoreUnavailable('timeout')));
    const { limiter } = setup(primary);
    // 2 allowed by Redis (also counted in memory), then memory: 1 more, then blocked.
    const results: RateLimitDecision[] = [];
    for (let i = 0; i < 4; i++) results.push(await limiter.consume('u'));
    expect(results.map((r) => [r.allowed, r.source])).toEqual([
      [true, 'redis'],
      [true, 'redis'],
      [true, 'memory'],
      [false, 'memory'],
    ]);
  });

  it('skips a failed store for the cool-down, then tries it again', async () => {
    let now = 1_000;
    const primary = new ScriptedLimiter((call) => (call === 1 ? new Error('ECONNREFUSED') : redisAllows));
    const { limiter } = setup(primary, () => now);
    await limiter.consume('u');
    await limiter.consume('u');
    expect(primary.calls).toBe(1);
    now += 10_000;
    expect((await limiter.consume('u')).source).toBe('redis');
    expect(primary.calls).toBe(2);
  });
});

describe('UpstashLimiter', () => {
  const fake = (result: Awaited<ReturnType<RatelimitLike['limit']>> | Error): RatelimitLike => ({
    limit: async () => {
      if (result instanceof Error) throw result;
      return result;
    },
  });

  it('maps a Ratelimit answer to a decision', async () => {
    const limiter = new UpstashLimiter(fake({ success: false, limit: 5, remaining: -1, reset: 120_000 }));
    expect(await limiter.consume('u')).toEqual({
      allowed: false,
      limit: 5,
      remaining: 0,
      resetAt: 120_000,
      source: 'redis',
    });
  });

  it('turns the fail-open timeout answer into "store unavailable" instead of allowing', async () => {
    const limiter = new UpstashLimiter(fake({ success: true, limit: 0, remaining: 0, reset: 0, reason: 'timeout' }));
    await expect(limiter.consume('u')).rejects.toBeInstanceOf(SharedStoreUnavailable);
  });

  it('behind ResilientLimiter, a thrown error or a timeout answer leaves the decision to memory', async () => {
    for (const outcome of [
      new Error('UpstashError: boom'),
      { success: true, limit: 0, remaining: 0, reset: 0, reason: 'timeout' },
    ]) {
      const { limiter } = setup(new UpstashLimiter(fake(outcome)));
      expect(await limiter.consume('u')).toMatchObject({ allowed: true, source: 'memory' });
    }
  });
});
