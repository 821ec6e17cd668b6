// Retry with exponential backoff and full jitter, bounded both in attempts and in total time.
// Generic (no backend types): chat retries "open the stream and read up to the first token", images
// can retry their own first step. Whether an error is worth retrying, and how long the server asked
// us to wait, are the caller's to say.

import { systemClock, type Clock } from '../clock.js';

export interface RetryPolicy {
  /** Attempts in all, the first included (>= 1). */
  maxAttempts: number;
  /** Backoff ceiling before the first retry; doubles per retry. */
  baseDelayMs: number;
  /** Ceiling on any single backoff ceiling. */
  maxDelayMs: number;
  /** No attempt starts (and no wait is begun) that would end past this much time after the start. */
  budgetMs: number;
}

export interface RetryHooks {
  /** True when `error` may go away on its own (429, 503, a dropped connection...). */
  isRetryable(error: unknown): boolean;
  /** A delay the server asked for, if any; honoured when it fits in the budget. */
  retryAfterMs?(error: unknown): number | undefined;
  /** Called before each wait, e.g. to log. */
  onRetry?(info: { attempt: number; delayMs: number; error: unknown }): void;
  /** Aborts the wait and prevents further attempts. */
  signal?: AbortSignal;
  /** Injection points for tests. */
  random?: () => number;
  clock?: Clock;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 4_000,
  budgetMs: 15_000,
};

/**
 * "Full jitter": a uniform delay in [0, min(maxDelay, base * 2^(retry-1))). Spreads clients that
 * failed together (one overloaded upstream) instead of having them return in lockstep.
 */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** Runs `attempt(n)` (n from 1) until it succeeds, fails for good, or the attempts/time run out. */
export async function withRetry<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks,
): Promise<T> {
  const now = hooks.clock ?? systemClock;
  const sleep = hooks.sleep ?? abortableSleep;
  const random = hooks.random ?? Math.random;
  const deadline = now() + policy.budgetMs;
  for (let attemptNumber = 1; ; attemptNumber++) {
    hooks.signal?.throwIfAborted();
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (hooks.signal?.aborted) throw error;
      if (attemptNumber >= policy.maxAttempts || !hooks.isRetryable(error)) throw error;
      const backoff = backoffDelayMs(attemptNumber, policy, random);
      const delayMs = Math.max(backoff, hooks.retryAfterMs?.(error) ?? 0);
      // A wait that ends past the deadline cannot be followed by a useful attempt: give up now.
      if (now() + delayMs >= deadline) throw error;
      hooks.onRetry?.({ attempt: attemptNumber, delayMs, error });
      await sleep(delayMs, hooks.signal);
    }
  }
}

/** setTimeout as a promise; rejects with the signal's reason when it aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
