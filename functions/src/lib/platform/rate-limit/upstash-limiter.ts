// The shared limiter: @upstash/ratelimit's sliding window in Upstash Redis.
// Its own fail-open answer on timeout (`success: true, reason: "timeout"`) becomes a thrown
// SharedStoreUnavailable, so the caller falls back to memory instead of letting everyone through.
import type { Ratelimit } from '@upstash/ratelimit';
import type { Redis } from '@upstash/redis';
import { upstashRatelimitSdk } from '../on-first-use.js';
import { SharedStoreUnavailable } from '../shared-store.js';
import type { RateLimitDecision, RateLimiter } from './types.js';

/** Keys are `ratelimit:<bucket>:<uid>:<window>` (redis-key-owner.ts reads them back). */
export const RATE_LIMIT_KEY_PREFIX = 'ratelimit';

/** How long a limit check may wait for Redis before the memory fallback decides. */
export const UPSTASH_LIMIT_TIMEOUT_MS = 1000;

/** The subset of Ratelimit we use (a seam for tests). */
export interface RatelimitLike {
  limit(
    identifier: string,
  ): Promise<{ success: boolean; limit: number; remaining: number; reset: number; reason?: string }>;
}

export function createUpstashRatelimit(
  redis: Redis,
  bucket: string,
  perMinute: number,
  ephemeralCache = new Map<string, number>(),
): Ratelimit {
  const { Ratelimit } = upstashRatelimitSdk();
  return new Ratelimit({
    redis,
    limiter: Ratelimit.slidingWindow(perMinute, '60 s'),
    prefix: `${RATE_LIMIT_KEY_PREFIX}:${bucket}`,
    // Blocked identifiers are answered from this instance's memory until their window resets: no Redis
    // round trip for a caller who is hammering. Created once per limiter, not per request.
    ephemeralCache,
    timeout: UPSTASH_LIMIT_TIMEOUT_MS,
    analytics: false,
  });
}

export class UpstashLimiter implements RateLimiter {
  constructor(private readonly ratelimit: RatelimitLike) {}

  async consume(key: string): Promise<RateLimitDecision> {
    const result = await this.ratelimit.limit(key);
    if (result.reason === 'timeout') throw new SharedStoreUnavailable('rate limit check timed out');
    return {
      allowed: result.success,
      limit: result.limit,
      remaining: Math.max(0, result.remaining),
      resetAt: result.reset,
      source: 'redis',
    };
  }
}
