// Shared limiter first, this instance's memory when the shared one is absent or failing.
// The limit is never lifted and a Redis outage never becomes a 5xx. After a failure the shared limiter is
// skipped for a cool-down, so an outage costs one timeout per cool-down rather than one per request.
// Requests the shared limiter allows are also counted in memory, so a fallback starts from this
// instance's recent traffic instead of from zero.
import { systemClock, type Clock } from '../clock.js';
import type { Logger } from '../logging.js';
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
  private skipPrimaryUntil = 0;
  private readonly coolDownMs: number;
  private readonly clock: Clock;

  constructor(private readonly options: ResilientLimiterOptions) {
    this.coolDownMs = options.coolDownMs ?? 15_000;
    this.clock = options.clock ?? systemClock;
  }

  async consume(key: string): Promise<RateLimitDecision> {
    const { primary, fallback, log } = this.options;
    if (primary && this.clock() >= this.skipPrimaryUntil) {
      try {
        const decision = await primary.consume(key);
        if (decision.allowed) fallback.consumeSync(key);
        return decision;
      } catch (err) {
        this.skipPrimaryUntil = this.clock() + this.coolDownMs;
        log.warn('rate limit store unavailable; using in-memory limits', {
          error: err,
          coolDownMs: this.coolDownMs,
        });
      }
    }
    return fallback.consumeSync(key);
  }
}
