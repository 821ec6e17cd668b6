// Shared limiter first, this instance's memory when the shared one is absent or failing.
// The limit is never lifted and a Redis outage never becomes a 5xx (the cool-down is shared-store.ts's).
// Requests the shared limiter allows are also counted in memory, so a fallback starts from this
// instance's recent traffic instead of from zero.
import type { Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import { SharedStore } from '../shared-store.js';
import type { RateLimitDecision, RateLimiter } from './types.js';
import type { MemorySlidingWindowLimiter } from './memory-sliding-window.js';

export interface ResilientLimiterOptions {
  primary: RateLimiter | null;
  fallback: MemorySlidingWindowLimiter;
  log: Logger;
  /** How long to stay on memory after the shared limiter failed. */
  coolDownMs?: number;
  clock?: Clock;
}

export class ResilientLimiter implements RateLimiter {
  private readonly shared: SharedStore<RateLimiter>;

  constructor(private readonly options: ResilientLimiterOptions) {
    this.shared = new SharedStore({
      store: options.primary,
      log: options.log,
      failureMessage: 'rate limit store unavailable; using in-memory limits',
      coolDownMs: options.coolDownMs,
      clock: options.clock,
    });
  }

  async consume(key: string): Promise<RateLimitDecision> {
    const { fallback } = this.options;
    const shared = await this.shared.attempt('consume', (primary) => primary.consume(key));
    if (!shared) return fallback.consumeSync(key);
    if (shared.value.allowed) fallback.consumeSync(key);
    return shared.value;
  }
}
