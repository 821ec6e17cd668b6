// An in-memory sliding-window limiter: the same algorithm as @upstash/ratelimit's slidingWindow, so the
// fallback behaves like the shared limiter. Two fixed windows per key; the previous window's count is
// weighted by how much of it still overlaps the sliding window. Only allowed requests are counted.
//
// Memory is bounded: keys idle for two windows carry no weight and are evicted; past `maxKeys`, the
// least recently used keys are dropped even if active (they lose their counts: bounded memory wins).
import { systemClock, type Clock } from '../clock.js';
import type { RateLimitDecision, RateLimiter } from './types.js';

interface WindowCounts {
  window: number;
  current: number;
  previous: number;
}

export interface MemorySlidingWindowOptions {
  limit: number;
  windowMs: number;
  maxKeys?: number;
  clock?: Clock;
}

export class MemorySlidingWindowLimiter implements RateLimiter {
  private readonly counts = new Map<string, WindowCounts>(); // insertion order = least recently used first
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly maxKeys: number;
  private readonly clock: Clock;

  constructor(options: MemorySlidingWindowOptions) {
    if (!(options.limit >= 1) || !(options.windowMs >= 1)) throw new RangeError('limit and windowMs must be >= 1');
    this.limit = options.limit;
    this.windowMs = options.windowMs;
    this.maxKeys = options.maxKeys ?? 10_000;
    this.clock = options.clock ?? systemClock;
  }

  /** Number of keys currently held (for tests and metrics). */
  get size(): number {
    return this.counts.size;
  }

  /** Drops a key's counts (its user's data is being erased). */
  forget(key: string): void {
    this.counts.delete(key);
  }

  consume(key: string): Promise<RateLimitDecision> {
    return Promise.resolve(this.consumeSync(key));
  }

  consumeSync(key: string): RateLimitDecision {
    const now = this.clock();
    const window = Math.floor(now / this.windowMs);
    const counts = this.rolled(this.counts.get(key), window);
    // Re-insert to mark the key most recently used.
    this.counts.delete(key);
    this.counts.set(key, counts);
    this.evict(window);

    const elapsedFraction = (now % this.windowMs) / this.windowMs;
    const weightedPrevious = Math.floor((1 - elapsedFraction) * counts.previous);
    const resetAt = (window + 1) * this.windowMs;
    if (weightedPrevious + counts.current >= this.limit) {
      return { allowed: false, limit: this.limit, remaining: 0, resetAt, source: 'memory' };
    }
    counts.current += 1;
    const remaining = Math.max(0, this.limit - (counts.current + weightedPrevious));
    return { allowed: true, limit: this.limit, remaining, resetAt, source: 'memory' };
  }

  private rolled(counts: WindowCounts | undefined, window: number): WindowCounts {
    if (!counts || counts.window < window - 1) return { window, current: 0, previous: 0 };
    if (counts.window === window - 1) return { window, current: 0, previous: counts.current };
    return counts;
  }

  private evict(window: number): void {
    // Oldest first: stop at the first key that still matters, unless over the cap.
    for (const [key, counts] of this.counts) {
      const idle = counts.window < window - 1;
      if (!idle && this.counts.size <= this.maxKeys) break;
      this.counts.delete(key);
    }
  }
}
