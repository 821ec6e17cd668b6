// One limiter per (bucket, limit, Redis client), created on first use and kept for the life of the
// instance: the Upstash Ratelimit and its ephemeral cache live outside the handler, and the in-memory
// windows persist across requests. Limits come from params, which can only be read at request time,
// hence lazy creation rather than module-level construction.
import { getRedis } from '../redis.js';
import { rootLogger } from '../logging.js';
import { MemorySlidingWindowLimiter } from './memory-sliding-window.js';
import { ResilientLimiter } from './resilient-limiter.js';
import { createUpstashRatelimit, RATE_LIMIT_KEY_PREFIX, UpstashLimiter } from './upstash-limiter.js';
import type { RateLimiter } from './types.js';

const WINDOW_MS = 60_000;

interface Registered {
  redis: unknown;
  bucket: string;
  limiter: RateLimiter;
  memory: MemorySlidingWindowLimiter;
  /** @upstash/ratelimit's ephemeral cache: blocked identifiers, keyed `ratelimit:<bucket>:<uid>`. */
  blocked: Map<string, number>;
}

const limiters = new Map<string, Registered>();

export function getRateLimiter(bucket: string, perMinute: number): RateLimiter {
  const redis = getRedis();
  const key = `${bucket}:${perMinute}`;
  const existing = limiters.get(key);
  if (existing && existing.redis === redis) return existing.limiter;

  const memory = new MemorySlidingWindowLimiter({ limit: perMinute, windowMs: WINDOW_MS });
  const blocked = new Map<string, number>();
  const limiter = new ResilientLimiter({
    primary: redis ? new UpstashLimiter(createUpstashRatelimit(redis, bucket, perMinute, blocked)) : null,
    fallback: memory,
    log: rootLogger.child({ component: 'rate-limit', bucket }),
  });
  limiters.set(key, { redis, bucket, limiter, memory, blocked });
  return limiter;
}

/** Drops this instance's counts of `uid` (its data is being erased; Redis: redis-key-owner.ts). */
export function forgetUserRateLimits(uid: string): void {
  for (const { bucket, memory, blocked } of limiters.values()) {
    memory.forget(uid);
    blocked.delete(`${RATE_LIMIT_KEY_PREFIX}:${bucket}:${uid}`);
  }
}
