// The budget hooks of match explanations: charged with the billed tokens and their cost, an aborted or
// timed-out call charged its prompt plus output cap (Gemini keeps billing), no model call once the token
// or the cost budget is used up.
import { describe, expect, it } from 'vitest';
import { explainMatches, type ExplainItem } from '../../../../src/lib/features/matching/explain/explainer.js';
import { personFacts } from '../../../../src/lib/features/matching/explain/facts.js';
import type { ExplanationModel } from '../../../../src/lib/features/matching/explain/model.js';
import type { BudgetKind, BudgetMeter } from '../../../../src/lib/platform/budget/types.js';
import { MemoryLruCache } from '../../../../src/lib/platform/cache/index.js';
import { createLogger } from '../../../../src/lib/platform/logging.js';
import { callPricer } from '../../../../src/lib/platform/pricing/pricer.js';

const pricer = callPricer({ m: [{ input: 1, output: 4 }] }, () => Date.parse('2026-12-07T00:00:00Z'));
const usage = (totalTokens: number, input = 0, output = 0) => ({
  totalTokens,
  billable: { input, cachedInput: 0, output },
});

const SETTINGS = { model: 'm', timeoutMs: 200, temperature: 0.8, tokensPerMatch: 100, cacheTtlSeconds: 60 };
const log = createLogger({ test: 'explainer-budget' });

const ITEMS: ExplainItem[] = ['a', 'b'].map((targetId) => ({
  viewerId: 'me',
  targetId,
  facts: personFacts({
    interests: ['jazz'],
    purposes: [],
    location: { kind: 'city', place: 'Oakland' },
  }),
  components: { interests: 0.5, purpose: 0, location: 1 },
}));

function meter(canSpend = true, exhausted: BudgetKind = 'tokens') {
  const charged: number[] = [];
  const costs: Array<number | null> = [];
  const budget: BudgetMeter = {
    chargeTokens: async (n) => void charged.push(n),
    chargeImages: async () => undefined,
    chargeCost: async (usd) => void costs.push(usd),
    canSpend: (kind: BudgetKind) => (kind === exhausted ? canSpend : true),
    remaining: () => undefined,
  };
  return { budget, charged, costs };
}

const answering: ExplanationModel = async (request) => {
  request.onUsage?.(usage(321, 300, 21));
  return JSON.stringify({ m1: 'One.', m2: 'Two.' });
};

function run(model: ExplanationModel, budget: BudgetMeter, signal = new AbortController().signal) {
  return explainMatches(
    ITEMS,
    { cache: new MemoryLruCache(), model, settings: SETTINGS, pricer },
    { signal, log, budget },
  );
}

describe('explainMatches and the daily token budget', () => {
  it('charges the tokens Gemini reported for the call, and their cost', async () => {
    const { budget, charged, costs } = meter();
    const { stats } = await run(answering, budget);
    expect(stats.modelAnswered).toBe(2);
    expect(charged).toEqual([321]);
    expect(costs).toEqual([0.000384]); // 300 x $1 + 21 x $4 per million
  });

  it('charges the reported tokens even when the answer is unusable', async () => {
    const { budget, charged } = meter();
    const { stats } = await run(async (request) => {
      request.onUsage?.(usage(99));
      return 'not json';
    }, budget);
    expect(stats.fallbackReason).toBe('invalid_output');
    expect(charged).toEqual([99]);
  });

  it('charges an aborted call its prompt estimate plus the output cap: Gemini bills it anyway', async () => {
    const { budget, charged, costs } = meter();
    const client = new AbortController();
    let promptChars = 0;
    const hanging: ExplanationModel = (request) =>
      new Promise((_, reject) => {
        promptChars = request.prompt.length;
        request.signal.addEventListener('abort', () => reject(request.signal.reason));
        client.abort(new Error('client left'));
      });
    const { stats } = await run(hanging, budget, client.signal);
    expect(stats.fallbackReason).toBe('aborted');
    expect(charged).toHaveLength(1);
    expect(charged[0]).toBeGreaterThan(2 * 100 + 50 + promptChars / 4);
    // The output cap at $4 per million at least: the estimate is priced too.
    expect(costs[0]).toBeGreaterThanOrEqual((4 * (2 * 100 + 50)) / 1e6);
  });

  it('charges nothing for a call refused outright (no usage, not aborted)', async () => {
    const { budget, charged } = meter();
    const { stats } = await run(async () => {
      throw new Error('HTTP 400');
    }, budget);
    expect(stats.fallbackReason).toBe('error');
    expect(charged).toEqual([]);
  });

  it('makes no model call once the budget is used up: templates, reason "budget"', async () => {
    const { budget, charged } = meter(false);
    let calls = 0;
    const { explanations, stats } = await run(async (request) => {
      calls++;
      return answering(request);
    }, budget);
    expect(calls).toBe(0);
    expect(stats.fallbackReason).toBe('budget');
    expect(explanations.every((e) => e.source === 'template')).toBe(true);
    expect(charged).toEqual([]);
  });

  it('makes no model call once the cost budget is used up either', async () => {
    const { budget, costs } = meter(false, 'cost');
    let calls = 0;
    const { stats } = await run(async (request) => {
      calls++;
      return answering(request);
    }, budget);
    expect([calls, stats.fallbackReason, costs]).toEqual([0, 'budget', []]);
  });
});
