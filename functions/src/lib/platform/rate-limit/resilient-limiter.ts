// The instance's limiter of a bucket: the shared limiter first, this instance's memory when it is absent
// or failing (shared-store.ts). The limit is never lifted and a Redis outage never becomes a 5xx.
// Requests the shared limiter allows are also counted in memory, so a fallback starts from this
// instance's recent traffic instead of from zero.
import { instanceStore, StoreWithFallback, type FallbackOptions } from '../shared-store.js';
import { MemorySlidingWindowLimiter } from './memory-sliding-window.js';
import type { RateLimitDecision, RateLimiter } from './types.js';
import { createUpstashRatelimit, RATE_LIMIT_KEY_PREFIX, UpstashLimiter } from './upstash-limiter.js';

const WINDOW_MS = 60_000;

/** This instance's memory of a bucket: its windows, and whom the shared limiter has blocked. */
export interface RateLimitMemory {
  windows: MemorySlidingWindowLimiter;
  /** @upstash/ratelimit's ephemeral cache: blocked identifiers, keyed `ratelimit:<bucket>:<uid>`. */
  blocked: Map<string, number>;
}

export class ResilientLimiter extends StoreWithFallback<RateLimiter, RateLimitMemory> implements RateLimiter {
  constructor(options: FallbackOptions<RateLimiter, RateLimitMemory>) {
    super(options, 'rate limit store unavailable; using in-memory limits');
  }

  async consume(key: string): Promise<RateLimitDecision> {
    const { windows } = this.fallback;
    const shared = await this.attempt('consume', (primary) => primary.consume(key));
    if (!shared) return windows.consumeSync(key);
    if (shared.value.allowed) windows.consumeSync(key);
    return shared.value;
  }
}

/** The limiter of `bucket` at `perMinute`: one per (bucket, limit) for the life of the instance. */
export function getRateLimiter(bucket: string, perMinute: number): ResilientLimiter {
  return instanceStore<RateLimiter, RateLimitMemory, ResilientLimiter>({
    component: 'rate-limit',
    name: `${bucket}:${perMinute}`,
    logFields: { bucket },
    memory: () => ({
      windows: new MemorySlidingWindowLimiter({ limit: perMinute, windowMs: WINDOW_MS }),
      blocked: new Map(),
    }),
    shared: (redis, memory) => new UpstashLimiter(createUpstashRatelimit(redis, bucket, perMinute, memory.blocked)),
    create: (options) => new ResilientLimiter(options),
    forgetUser: (memory, uid) => {
      memory.windows.forget(uid);
      memory.blocked.delete(`${RATE_LIMIT_KEY_PREFIX}:${bucket}:${uid}`);
    },
  });
}
