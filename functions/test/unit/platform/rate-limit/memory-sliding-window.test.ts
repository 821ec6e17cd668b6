import { describe, expect, it } from 'vitest';
import { MemorySlidingWindowLimiter } from '../../../../src/lib/platform/rate-limit/memory-sliding-window.js';

function clock(start: number) {
  let now = start;
  return { now: () => now, set: (t: number) => (now = t), advance: (ms: number) => (now += ms) };
}

const WINDOW = 60_000;

describe('MemorySlidingWindowLimiter', () => {
  it('allows `limit` requests in a window, then blocks until the window resets', () => {
    const time = clock(10 * WINDOW);
    const limiter = new MemorySlidingWindowLimiter({ limit: 3, windowMs: WINDOW, clock: time.now });
    const results = [1, 2, 3, 4].map(() => limiter.consumeSync('u'));
    expect(results.map((r) => [r.allowed, r.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(results[3]!.resetAt).toBe(11 * WINDOW);
    expect(results[0]!.source).toBe('memory');
  });

  it('weights the previous window by its remaining overlap, like Upstash', () => {
    const time = clock(10 * WINDOW + 30_000);
    const limiter = new MemorySlidingWindowLimiter({ limit: 10, windowMs: WINDOW, clock: time.now });
    for (let i = 0; i < 10; i++) expect(limiter.consumeSync('u').allowed).toBe(true);
    // 25% into the next window: floor(0.75 * 10) = 7 still count, so 3 more fit.
    time.set(11 * WINDOW + 15_000);
    const next = [1, 2, 3, 4].map(() => limiter.consumeSync('u').allowed);
    expect(next).toEqual([true, true, true, false]);
    // 95% into window 12: window 11 (3 allowed) weighs floor(0.05 * 3) = 0, so a full 10 are available.
    time.set(12 * WINDOW + 57_000);
    const later = Array.from({ length: 11 }, () => limiter.consumeSync('u').allowed);
    expect(later.filter(Boolean)).toHaveLength(10);
  });

  it('forgets a window after two windows of silence', () => {
    const time = clock(0);
    const limiter = new MemorySlidingWindowLimiter({ limit: 2, windowMs: WINDOW, clock: time.now });
    limiter.consumeSync('u');
    limiter.consumeSync('u');
    expect(limiter.consumeSync('u').allowed).toBe(false);
    time.advance(2 * WINDOW);
    expect(limiter.consumeSync('u')).toMatchObject({ allowed: true, remaining: 1 });
  });

  it('counts keys separately', () => {
    const limiter = new MemorySlidingWindowLimiter({ limit: 1, windowMs: WINDOW, clock: () => 5 });
    expect(limiter.consumeSync('a').allowed).toBe(true);
    expect(limiter.consumeSync('a').allowed).toBe(false);
    expect(limiter.consumeSync('b').allowed).toBe(true);
  });

  it('evicts idle keys and caps the number of keys held', () => {
    const time = clock(0);
    const limiter = new MemorySlidingWindowLimiter({ limit: 5, windowMs: WINDOW, maxKeys: 100, clock: time.now });
    for (let i = 0; i < 50; i++) limiter.consumeSync(`idle-${i}`);
    time.advance(2 * WINDOW);
    limiter.consumeSync('fresh');
    expect(limiter.size).toBe(1);
    for (let i = 0; i < 1000; i++) limiter.consumeSync(`burst-${i}`);
    expect(limiter.size).toBeLessThanOrEqual(100);
    // The most recent key survived the cap and still has its count.
    expect(limiter.consumeSync('burst-999').remaining).toBe(3);
  });
});
