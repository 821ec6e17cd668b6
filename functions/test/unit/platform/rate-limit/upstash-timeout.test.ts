// The real @upstash/ratelimit against a Redis that never answers: after ~1 s our limiter falls back to
// memory, and the limit still holds.
import { Ratelimit } from '@upstash/ratelimit';
import type { Redis } from '@upstash/redis';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../src/lib/platform/logging.js';
import { MemorySlidingWindowLimiter } from '../../../../src/lib/platform/rate-limit/memory-sliding-window.js';
import { ResilientLimiter } from '../../../../src/lib/platform/rate-limit/resilient-limiter.js';
import {
  createUpstashRatelimit,
  UpstashLimiter,
  UPSTASH_LIMIT_TIMEOUT_MS,
} from '../../../../src/lib/platform/rate-limit/upstash-limiter.js';

describe('createUpstashRatelimit with a hung Redis', () => {
  it('answers within about the timeout and keeps limiting from memory', async () => {
    const warnings: string[] = [];
    const hung = new Promise<never>(() => undefined);
    let redisCalls = 0;
    const hang = () => {
      redisCalls += 1;
      return hung;
    };
    // Only the methods the sliding window calls; every call hangs forever.
    const hungRedis = { evalsha: hang, eval: hang } as unknown as Redis;
    const ratelimit = createUpstashRatelimit(hungRedis, 'test', 2);
    expect(ratelimit).toBeInstanceOf(Ratelimit);
    const limiter = new ResilientLimiter({
      primary: new UpstashLimiter(ratelimit),
      fallback: {
        windows: new MemorySlidingWindowLimiter({
          limit: 2,
          windowMs: 60_000,
          clock: () => Date.UTC(2026, 4, 1, 12, 0, 10), // mid-minute: the counted calls share one window
        }),
        blocked: new Map(),
      },
      log: { ...createLogger(), warn: (message) => warnings.push(message) },
    });

    const started = Date.now();
    const first = await limiter.consume('u');
    const elapsed = Date.now() - started;
    expect(first).toMatchObject({ allowed: true, source: 'memory' });
    expect(elapsed).toBeGreaterThanOrEqual(UPSTASH_LIMIT_TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(UPSTASH_LIMIT_TIMEOUT_MS + 1000);
    expect(warnings).toHaveLength(1);

    // Cool-down: Redis is not asked again, and the limit holds from memory.
    const callsAfterTimeout = redisCalls;
    expect((await limiter.consume('u')).allowed).toBe(true);
    expect((await limiter.consume('u')).allowed).toBe(false);
    expect(redisCalls).toBe(callsAfterTimeout);
  });
});
