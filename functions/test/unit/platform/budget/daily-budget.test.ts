// The daily budget's rules over memory counters and a fake clock: limits crossed, the midnight UTC
// reset, exact reservations under concurrency, refunds to the reservation's day.
import { describe, expect, it } from 'vitest';
import { budgetKey, DailyBudget } from '../../../../src/lib/platform/budget/daily-budget.js';
import { nextUtcMidnight, utcDay } from '../../../../src/lib/platform/budget/day.js';
import { MemoryCounterStore } from '../../../../src/lib/platform/budget/memory-store.js';
import { ResilientCounterStore } from '../../../../src/lib/platform/budget/resilient-store.js';
import { createLogger } from '../../../../src/lib/platform/logging.js';

const NOON = Date.parse('2026-12-02T12:00:00Z');

function setup(limit: number, kind: 'tokens' | 'images' = 'images') {
  const clock = { now: NOON };
  const memory = new MemoryCounterStore({ clock: () => clock.now });
  const counters = new ResilientCounterStore({
    primary: null,
    fallback: memory,
    log: createLogger({ test: 'daily-budget' }),
  });
  return { clock, memory, budget: new DailyBudget(kind, limit, counters) };
}

describe('the budget day', () => {
  it('is the UTC calendar day, ending at the next midnight UTC', () => {
    expect(utcDay(Date.parse('2026-12-02T23:59:59.999Z'))).toBe('2026-12-02');
    expect(utcDay(Date.parse('2026-12-03T00:00:00Z'))).toBe('2026-12-03');
    expect(nextUtcMidnight(NOON)).toBe(Date.parse('2026-12-03T00:00:00Z'));
    expect(nextUtcMidnight(Date.parse('2026-12-03T00:00:00Z'))).toBe(Date.parse('2026-12-04T00:00:00Z'));
  });

  it('keys counters with the uid last, so no uid can reach another kind or day', () => {
    expect(budgetKey('tokens', '2026-12-02', 'a:b')).toBe('tokens:2026-12-02:a:b');
    expect(budgetKey('images', '2026-12-02', 'x')).not.toBe(budgetKey('tokens', '2026-12-02', 'x'));
  });
});

describe('DailyBudget', () => {
  it('reserves units until the limit, then refuses without taking anything', async () => {
    const { budget } = setup(3);
    for (let i = 1; i <= 3; i++) {
      const result = await budget.reserve('alice', 1);
      expect(result.allowed).toBe(true);
      expect(result.status).toMatchObject({ used: i, remaining: 3 - i, limit: 3 });
    }
    const refused = await budget.reserve('alice', 1);
    expect(refused.allowed).toBe(false);
    expect(refused.status).toMatchObject({ used: 3, remaining: 0 });
    expect((await budget.check('alice')).used).toBe(3);
    // Per user: bob is untouched.
    expect((await budget.check('bob')).remaining).toBe(3);
  });

  it('never oversells under concurrency: exactly `limit` of many simultaneous reservations pass', async () => {
    const { budget } = setup(5);
    const results = await Promise.all(Array.from({ length: 20 }, () => budget.reserve('alice', 1)));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect((await budget.check('alice')).used).toBe(5);
  });

  it('lets a token charge end above the limit (usage is known after the call); the next check has 0 left', async () => {
    const { budget } = setup(1000, 'tokens');
    expect((await budget.check('alice')).remaining).toBe(1000);
    await budget.charge('alice', 900);
    expect((await budget.check('alice')).remaining).toBe(100);
    const over = await budget.charge('alice', 400);
    expect(over).toMatchObject({ used: 1300, remaining: 0 });
  });

  it('overshoots by at most concurrency × the cost of a turn (the README bound), then refuses', async () => {
    const { budget } = setup(200_000, 'tokens');
    await budget.charge('alice', 199_950); // 50 tokens left
    const turnCost = 250;
    const concurrency = 20;
    // Every turn is admitted while budget remains, and charges its real usage when it ends.
    const admitted = await Promise.all(Array.from({ length: concurrency }, () => budget.check('alice')));
    expect(admitted.every((status) => status.remaining > 0)).toBe(true);
    await Promise.all(admitted.map(() => budget.charge('alice', turnCost)));
    const { used, remaining } = await budget.check('alice');
    expect(used - 200_000).toBe(concurrency * turnCost - 50);
    expect(used - 200_000).toBeLessThanOrEqual(concurrency * turnCost);
    expect(remaining).toBe(0);
  });

  it('starts from 0 at midnight UTC, and says so in resetAt', async () => {
    const { budget, clock } = setup(2);
    await budget.reserve('alice', 1);
    await budget.reserve('alice', 1);
    expect((await budget.reserve('alice', 1)).allowed).toBe(false);
    const status = await budget.check('alice');
    expect(status.resetAt).toBe(Date.parse('2026-12-03T00:00:00Z'));
    clock.now = Date.parse('2026-12-02T23:59:59Z');
    expect((await budget.check('alice')).remaining).toBe(0);
    clock.now = Date.parse('2026-12-03T00:00:00Z');
    expect((await budget.check('alice')).remaining).toBe(2);
    expect((await budget.reserve('alice', 1)).allowed).toBe(true);
  });

  it('refunds to the day the units were reserved, even after midnight', async () => {
    const { budget, clock } = setup(2);
    const reserved = await budget.reserve('alice', 1);
    expect(reserved.day).toBe('2026-12-02');
    await budget.refund('alice', 1, reserved.day);
    expect((await budget.check('alice')).used).toBe(0);

    clock.now = Date.parse('2026-12-02T23:59:59Z');
    const late = await budget.reserve('alice', 1);
    clock.now = Date.parse('2026-12-03T00:00:01Z');
    await budget.refund('alice', 1, late.day);
    // Today's count is not lowered below 0 by yesterday's refund.
    expect((await budget.check('alice')).used).toBe(0);
    await budget.reserve('alice', 1);
    await budget.reserve('alice', 1);
    expect((await budget.reserve('alice', 1)).allowed).toBe(false);
  });

  it('refuses a limit that is not a whole number >= 1 (0 means off and builds no budget)', () => {
    const { memory } = setup(1);
    const counters = new ResilientCounterStore({ primary: null, fallback: memory, log: createLogger({}) });
    expect(() => new DailyBudget('tokens', 0, counters)).toThrow(RangeError);
    expect(() => new DailyBudget('tokens', 1.5, counters)).toThrow(RangeError);
  });
});
