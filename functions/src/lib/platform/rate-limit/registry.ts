// One limiter per (bucket, limit, Redis client), created on first use and kept for the life of the
// instance: the Upstash Ratelimit and its ephemeral cache live outside the handler, and the in-memory
// windows persist across requests. Limits come from params, which can only be read at request time,
// hence lazy creation rather than module-level construction.
import { getRedis } from '../redis.js';
import { rootLogger } from '../logging.js';
import { MemorySlidingWindowLimiter } from './memory-sliding-window.js';
import { ResilientLimiter } from './resilient-limiter.js';
import { createUpstashRatelimit, UpstashLimiter } from './upstash-limiter.js';
import type { RateLimiter } from './types.js';

const WINDOW_MS = 60_000;
const limiters = new Map<string, { redis: unknown; limiter: RateLimiter }>();

export function getRateLimiter(bucket: string, perMinute: number): RateLimiter {
  const redis = getRedis();
  const key = `${bucket}:${perMinute}`;
  const existing = limiters.get(key);
  if (existing && existing.redis === redis) return existing.limiter;

  const limiter = new ResilientLimiter({
    primary: redis ? new UpstashLimiter(createUpstashRatelimit(redis, bucket, perMinute)) : null,
    fallback: new MemorySlidingWindowLimiter({ limit: perMinute, windowMs: WINDOW_MS }),
    log: rootLogger.child({ component: 'rate-limit', bucket }),
  });
  limiters.set(key, { redis, limiter });
  return limiter;
}
