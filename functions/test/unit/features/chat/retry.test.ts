import { describe, expect, it } from 'vitest';
import { backoffDelayMs, withRetry, type RetryPolicy } from '../../../../src/lib/platform/model/retry.js';

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 300, budgetMs: 10_000 };

/** A fake clock whose sleep advances time instantly, recording each wait. */
function fakeClock() {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    clock: () => now,
    sleep: async (ms: number) => {
      waits.push(ms);
      now += ms;
    },
  };
}

class Transient extends Error {}

describe('backoffDelayMs (full jitter)', () => {
  it('stays under a ceiling that doubles per retry and is capped', () => {
    expect([1, 2, 3, 4].map((retry) => backoffDelayMs(retry, policy, () => 0.999))).toEqual([99, 199, 299, 299]);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
  });

  it('spreads delays across the range', () => {
    const delays = new Set(Array.from({ length: 200 }, () => backoffDelayMs(2, policy)));
    expect(Math.min(...delays)).toBeLessThan(50);
    expect(Math.max(...delays)).toBeGreaterThan(150);
  });
});

describe('withRetry', () => {
  it('retries retryable failures until success', async () => {
    const clock = fakeClock();
    let calls = 0;
    const result = await withRetry(
      async (n) => {
        calls++;
        if (n < 3) throw new Transient('busy');
        return `ok after ${n}`;
      },
      policy,
      { isRetryable: (e) => e instanceof Transient, random: () => 0.5, ...clock },
    );
    expect(result).toBe('ok after 3');
    expect(calls).toBe(3);
    expect(clock.waits).toEqual([50, 100]);
  });

  it('stops after maxAttempts and rethrows the last error', async () => {
    const clock = fakeClock();
    let calls = 0;
    const failing = withRetry(
      async (n) => {
        calls++;
        throw new Transient(`attempt ${n}`);
      },
      policy,
      { isRetryable: () => true, ...clock },
    );
    await expect(failing).rejects.toThrow('attempt 4');
    expect(calls).toBe(4);
  });

  it('does not retry what is not retryable', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new Error('bad request');
        },
        policy,
        { isRetryable: () => false, ...fakeClock() },
      ),
    ).rejects.toThrow('bad request');
    expect(calls).toBe(1);
  });

  it('honours a server retry-after, and gives up at once when it does not fit the budget', async () => {
    const clock = fakeClock();
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new Transient('slow down');
        },
        { ...policy, budgetMs: 5_000 },
        { isRetryable: () => true, retryAfterMs: () => (calls === 1 ? 2_000 : 4_000), random: () => 0, ...clock },
      ),
    ).rejects.toThrow('slow down');
    // 2 s fits; 2 s + 4 s would pass the 5 s budget, so no second wait.
    expect(clock.waits).toEqual([2_000]);
    expect(calls).toBe(2);
  });

  it('counts the attempts themselves against the budget', async () => {
    const clock = fakeClock();
    const startedAt: number[] = [];
    await expect(
      withRetry(
        async () => {
          startedAt.push(clock.clock());
          await clock.sleep(400); // each attempt takes 400 ms
          throw new Transient('timeout');
        },
        { ...policy, maxAttempts: 100, budgetMs: 1_000 },
        { isRetryable: () => true, random: () => 0.5, ...clock },
      ),
    ).rejects.toThrow('timeout');
    // 0-400, wait 50, 450-850, wait 100, 950-1350; a 4th would start after the 1 s budget.
    expect(startedAt).toEqual([0, 450, 950]);
  });

  it('an abort during the wait ends at once with the abort reason', async () => {
    const controller = new AbortController();
    const failing = withRetry(
      async () => {
        throw new Transient('busy');
      },
      { ...policy, baseDelayMs: 60_000, maxDelayMs: 60_000, budgetMs: 120_000 },
      { isRetryable: () => true, random: () => 0.9, signal: controller.signal },
    );
    setTimeout(() => controller.abort(new Error('caller left')), 10);
    await expect(failing).rejects.toThrow('caller left');
  });
});
