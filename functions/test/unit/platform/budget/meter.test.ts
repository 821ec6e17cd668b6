// The per-request meter (ctx.budget): a reservation covered by the charge, the unused part refunded,
// one usage write per request with the net charges, charges after the response still recorded,
// failures logged and never thrown.
import { describe, expect, it } from 'vitest';
import { DailyBudget } from '../../../../src/lib/platform/budget/daily-budget.js';
import { MemoryCounterStore } from '../../../../src/lib/platform/budget/memory-store.js';
import { RequestBudgetMeter } from '../../../../src/lib/platform/budget/meter.js';
import { ResilientCounterStore } from '../../../../src/lib/platform/budget/resilient-store.js';
import type { UsageRecorder } from '../../../../src/lib/platform/budget/usage-record.js';
import { createLogger, type Logger } from '../../../../src/lib/platform/logging.js';

const NOW = Date.parse('2026-12-02T12:00:00Z');

const clock = () => NOW;

function counters() {
  return new ResilientCounterStore({
    primary: null,
    fallback: new MemoryCounterStore({ clock }),
    log: createLogger({}),
  });
}

function setup(
  limits: { tokens?: number; images?: number; costMicroUsd?: number },
  usage?: UsageRecorder,
  log: Logger = createLogger({}),
) {
  const store = counters();
  const budgets = {
    ...(limits.tokens ? { tokens: new DailyBudget('tokens', limits.tokens, store) } : {}),
    ...(limits.images ? { images: new DailyBudget('images', limits.images, store) } : {}),
    ...(limits.costMicroUsd ? { cost: new DailyBudget('cost', limits.costMicroUsd, store) } : {}),
  };
  const writes: Array<{ uid: string; day: string; delta: unknown; limits: unknown }> = [];
  const recorder: UsageRecorder = usage ?? {
    record: async (uid, day, delta, recordedLimits) => void writes.push({ uid, day, delta, limits: recordedLimits }),
  };
  const meter = () => new RequestBudgetMeter({ uid: 'alice', budgets, usage: recorder, log, clock });
  return { budgets, writes, meter };
}

describe('RequestBudgetMeter', () => {
  it('covers an image charge with the reservation: nothing refunded, one usage write', async () => {
    const { budgets, writes, meter } = setup({ images: 5 });
    const m = meter();
    expect(await m.reserve('images', 1)).toMatchObject({ used: 1, remaining: 4 });
    await m.chargeImages(1);
    await m.settle();
    expect((await budgets.images!.check('alice')).used).toBe(1);
    expect(writes).toEqual([
      {
        uid: 'alice',
        day: '2026-12-02',
        delta: { tokens: 0, images: 1, costUsd: 0 },
        limits: { tokens: 0, images: 5, costUsd: 0 },
      },
    ]);
  });

  it('refunds the reservation of a request that produced nothing (an abort before any output)', async () => {
    const { budgets, writes, meter } = setup({ images: 5 });
    const m = meter();
    await m.reserve('images', 1);
    await m.settle();
    expect((await budgets.images!.check('alice')).used).toBe(0);
    expect(m.latest('images')).toMatchObject({ used: 0, remaining: 5 });
    expect(writes).toEqual([]);
  });

  it('marks an exhausted reservation and takes nothing', async () => {
    const { meter } = setup({ images: 1 });
    const first = meter();
    await first.reserve('images', 1);
    await first.chargeImages(1);
    await first.settle();
    const second = meter();
    expect(await second.reserve('images', 1)).toMatchObject({ remaining: 0 });
    expect(second.canSpend('images')).toBe(false);
    await second.settle();
    expect(await meter().check('images')).toMatchObject({ used: 1 });
  });

  it('counts cost in millionths of a dollar, rounded up, beside an image reservation; writes dollars', async () => {
    const { budgets, writes, meter } = setup({ images: 5, costMicroUsd: 1_000_000 });
    const m = meter();
    await m.reserve('images', 1);
    expect(await m.reserve('cost', 150_000)).toMatchObject({ used: 150_000 });
    await m.chargeImages(1);
    await m.chargeCost(0.0670004); // 67,000.4 micro-USD: 67,001 counted
    await m.chargeCost(null); // a model with no price: nothing
    await m.settle();
    expect((await budgets.cost!.check('alice')).used).toBe(67_001); // the rest of the reservation went back
    expect((await budgets.images!.check('alice')).used).toBe(1);
    expect(writes.map((w) => [w.delta, w.limits])).toEqual([
      [
        { tokens: 0, images: 1, costUsd: 0.067001 },
        { tokens: 0, images: 5, costUsd: 1 },
      ],
    ]);
  });

  it('adds each token charge (every model call of a turn) and writes their sum once', async () => {
    const { budgets, writes, meter } = setup({ tokens: 10_000 });
    const m = meter();
    expect(await m.check('tokens')).toMatchObject({ remaining: 10_000 });
    await m.chargeTokens(1200);
    await m.chargeTokens(800.7); // whole tokens only
    expect(m.latest('tokens')).toMatchObject({ used: 2000, remaining: 8000 });
    await m.settle();
    expect((await budgets.tokens!.check('alice')).used).toBe(2000);
    expect(writes).toHaveLength(1);
    expect(writes[0].delta).toEqual({ tokens: 2000, images: 0, costUsd: 0 });
  });

  it('says what is left after the charges so far (a tool loop can stop at 0), undefined when off', async () => {
    const { meter } = setup({ tokens: 1000 });
    const m = meter();
    expect(m.remaining('images')).toBeUndefined();
    await m.check('tokens');
    expect(m.remaining('tokens')).toBe(1000);
    await m.chargeTokens(600);
    expect(m.remaining('tokens')).toBe(400);
    await m.chargeTokens(600);
    expect(m.remaining('tokens')).toBe(0);
  });

  it('records a charge made after settle (a turn that finished after the response) at once', async () => {
    const { writes, meter } = setup({ tokens: 10_000 });
    const m = meter();
    await m.settle();
    await m.chargeTokens(50);
    expect(writes.map((w) => w.delta)).toEqual([{ tokens: 50, images: 0, costUsd: 0 }]);
  });

  it('ignores zero, negative and non-finite charges (no refund through a charge)', async () => {
    const { budgets, meter } = setup({ tokens: 100 });
    const m = meter();
    for (const value of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) await m.chargeTokens(value);
    expect((await budgets.tokens!.check('alice')).used).toBe(0);
  });

  it('charges nothing for a kind that is off (limit 0) and answers canSpend true', async () => {
    const { writes, meter } = setup({ tokens: 100 });
    const m = meter();
    expect(m.isOn('images')).toBe(false);
    expect(await m.reserve('images', 1)).toBeUndefined();
    await m.chargeImages(3);
    await m.settle();
    expect(m.canSpend('images')).toBe(true);
    expect(writes).toEqual([]);
  });

  it('never throws when the usage write fails: logged, and the counters still hold the charge', async () => {
    const warnings: string[] = [];
    const log: Logger = { ...createLogger({}), warn: (message) => void warnings.push(message) };
    const failing: UsageRecorder = { record: () => Promise.reject(new Error('firestore down')) };
    const { budgets, meter } = setup({ tokens: 100 }, failing, log);
    const m = meter();
    await m.chargeTokens(10);
    await expect(m.settle()).resolves.toBeUndefined();
    expect(warnings).toEqual(['budget usage record failed']);
    expect((await budgets.tokens!.check('alice')).used).toBe(10);
  });
});
