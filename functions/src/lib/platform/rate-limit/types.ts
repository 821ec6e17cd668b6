// What every limiter answers, whatever stores its counts.

export interface RateLimitDecision {
  allowed: boolean;
  /** Requests allowed per window. */
  limit: number;
  /** Requests left in the window after this one. */
  remaining: number;
  /** Epoch ms when the current window ends (when blocked callers should retry, at the latest). */
  resetAt: number;
  /** Which store decided: the shared Redis one, or this instance's memory. */
  source: 'redis' | 'memory';
}

export interface RateLimiter {
  /** Counts one request for `key` (if allowed) and says whether it may proceed. */
  consume(key: string): Promise<RateLimitDecision>;
}
