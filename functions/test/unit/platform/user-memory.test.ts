// Erasing a user forgets what every store of this instance holds about them (no Redis configured, so
// memory decides): rate-limit windows, budget counters of every kind, cache entries; others' stay.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getDailyBudget } from '../../../src/lib/platform/budget/resilient-store.js';
import { getCache, userCacheKey } from '../../../src/lib/platform/cache/index.js';
import { getRateLimiter } from '../../../src/lib/platform/rate-limit/resilient-limiter.js';
import { forgetUserOnThisInstance } from '../../../src/lib/platform/user-memory.js';
import { scopedEnv } from '../../support/env.js';

describe('forgetUserOnThisInstance', () => {
  const setEnv = scopedEnv();
  afterEach(() => vi.useRealTimers());

  it('clears the user from the limiters, the budgets and the caches, and nobody else', async () => {
    setEnv({ UPSTASH_REDIS_REST_URL: '', UPSTASH_REDIS_REST_TOKEN: '' });
    // Mid-minute and mid-day: the counted calls share one limiter window and one budget day.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 4, 1, 12, 0, 10) });
    const limiter = getRateLimiter('forget-test', 1);
    const cache = getCache('forget-test');
    for (const uid of ['gone', 'stays']) {
      await limiter.consume(uid);
      for (const kind of ['tokens', 'images', 'cost'] as const) await getDailyBudget(kind, 10)!.charge(uid, 4);
      await cache.set(userCacheKey(uid, 'reply'), 'hello', 60);
    }

    forgetUserOnThisInstance('gone');

    expect((await limiter.consume('gone')).allowed).toBe(true);
    expect((await limiter.consume('stays')).allowed).toBe(false);
    for (const kind of ['tokens', 'images', 'cost'] as const) {
      expect((await getDailyBudget(kind, 10)!.check('gone')).used).toBe(0);
      expect((await getDailyBudget(kind, 10)!.check('stays')).used).toBe(4);
    }
    expect(await cache.get(userCacheKey('gone', 'reply'))).toBeUndefined();
    expect(await cache.get(userCacheKey('stays', 'reply'))).toBe('hello');
  });
});
