// The request layer's spend controls over real loopback HTTP (mount.ts): the daily budget checked or
// reserved before the handler (429 quota_exceeded, handler never runs), AI-Budget-* headers, the
// reservation refunded when the handler fails, `whenExhausted: 'continue'`, and App Check in each mode
// with firebase-admin's real verifier against a local key set; App Check and the budget come after
// validation, so a bad request neither consumes a token nor reserves budget.
import type { DecodedIdToken } from 'firebase-admin/auth';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { firebaseAppCheckVerifier } from '../../../../src/lib/platform/app-check/verifier.js';
import { DailyBudget } from '../../../../src/lib/platform/budget/daily-budget.js';
import { MemoryCounterStore } from '../../../../src/lib/platform/budget/memory-store.js';
import { ResilientCounterStore } from '../../../../src/lib/platform/budget/resilient-store.js';
import type { UsageDelta } from '../../../../src/lib/platform/budget/usage-record.js';
import { defineEndpoint, HttpError, type EndpointDeps } from '../../../../src/lib/platform/http/index.js';
import { createLogger } from '../../../../src/lib/platform/logging.js';
import { startLocalAppCheck, type LocalAppCheck } from '../../../support/app-check.js';
import { captureLogs } from '../../../support/logs.js';
import { mountFunctions, type MountedFunctions } from '../../../support/mount.js';

const logs: Array<Record<string, unknown>> = captureLogs().entries;

let local: LocalAppCheck;
let mounted: MountedFunctions;
let store: ResilientCounterStore;
const usage: Array<{ uid: string; delta: UsageDelta }> = [];
const handled: string[] = [];

const deps = (): Partial<EndpointDeps> => ({
  verifyIdToken: async (token) => {
    if (!token.startsWith('user-')) throw Object.assign(new Error('bad'), { code: 'auth/argument-error' });
    return { uid: token.slice(5) } as DecodedIdToken;
  },
  dailyBudget: (kind, limit) => (limit > 0 ? new DailyBudget(kind, limit, store) : undefined),
  usageRecorder: { record: async (uid, _day, delta) => void usage.push({ uid, delta }) },
  appCheckVerifier: firebaseAppCheckVerifier(() => appCheckApp),
});
let appCheckApp: ReturnType<LocalAppCheck['adminApp']>;

const body = z.object({
  prompt: z.string().min(1),
  fail: z.boolean().optional(),
  tokens: z.number().optional(),
  costUsd: z.number().optional(),
});

function endpoints() {
  const image = defineEndpoint(
    {
      name: 'image',
      method: 'POST',
      body,
      rateLimit: false,
      // What one image may cost at most: reserved from the cost budget before the handler runs.
      budget: { kind: 'images', reserveCostUsd: () => 0.15 },
      appCheck: { replayProtected: true },
      handle: async ({ body: input, scope: { budget } }) => {
        handled.push('image');
        if (input.fail) throw new HttpError(502, 'upstream_error', 'Gemini failed before any output');
        await budget.chargeImages(1);
        await budget.chargeCost(input.costUsd ?? null);
        return { ok: true };
      },
    },
    deps(),
  );
  const chat = defineEndpoint(
    {
      name: 'chat',
      method: 'POST',
      body,
      rateLimit: false,
      budget: 'tokens',
      handle: async ({ body: input, scope: { budget } }) => {
        handled.push('chat');
        await budget.chargeTokens(input.tokens ?? 0);
        await budget.chargeCost(input.costUsd ?? null);
        return { ok: true };
      },
    },
    deps(),
  );
  const match = defineEndpoint(
    {
      name: 'match',
      method: 'POST',
      body,
      rateLimit: false,
      budget: { kind: 'tokens', whenExhausted: 'continue' },
      appCheck: false,
      handle: ({ scope: { budget } }) => ({ model: budget.canSpend('tokens') }),
    },
    deps(),
  );
  return { image, chat, match };
}

beforeAll(async () => {
  process.env.METADATA_SERVER_DETECTION = 'none';
  local = await startLocalAppCheck({ projectId: 'demo-endpoint-spend' });
  appCheckApp = local.adminApp();
  mounted = await mountFunctions(endpoints());
});
afterAll(async () => {
  await mounted?.close();
  await local?.stop();
});
const savedEnv = { ...process.env };
beforeEach(() => {
  store = new ResilientCounterStore({ primary: null, fallback: new MemoryCounterStore(), log: createLogger({}) });
  usage.length = 0;
  handled.length = 0;
  logs.length = 0;
  process.env.DAILY_IMAGE_BUDGET = '2';
  process.env.DAILY_TOKEN_BUDGET = '1000';
  process.env.APP_CHECK = 'off';
});
afterEach(() => {
  process.env = { ...savedEnv };
});

function call(name: string, input: unknown, headers: Record<string, string> = {}, uid = 'alice') {
  return fetch(mounted.url(name), {
    method: 'POST',
    headers: { authorization: `Bearer user-${uid}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(input),
  });
}

describe('daily budgets in the request layer', () => {
  it('reserves one image per request, says what is left, and answers 429 quota_exceeded after the limit', async () => {
    const first = await call('image', { prompt: 'a' });
    expect(first.status).toBe(200);
    expect(first.headers.get('ai-budget-unit')).toBe('images');
    expect(first.headers.get('ai-budget-limit')).toBe('2');
    expect(first.headers.get('ai-budget-remaining')).toBe('1');
    expect(Number(first.headers.get('ai-budget-reset'))).toBeGreaterThan(0);
    expect((await call('image', { prompt: 'b' })).headers.get('ai-budget-remaining')).toBe('0');

    const refused = await call('image', { prompt: 'c' });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect(retryAfter).toBe(Number(refused.headers.get('ai-budget-reset')));
    const { error } = (await refused.json()) as { error: { code: string; details: Record<string, unknown> } };
    expect(error.code).toBe('quota_exceeded');
    expect(error.details).toMatchObject({ budget: 'images', limit: 2, used: 2 });
    expect(handled).toEqual(['image', 'image']); // the third never reached the handler
    // Another user has their own budget.
    expect((await call('image', { prompt: 'd' }, {}, 'bob')).status).toBe(200);
    expect(usage.filter((u) => u.uid === 'alice').map((u) => u.delta.images)).toEqual([1, 1]);
  });

  it('refunds the reserved image when the handler fails before any output', async () => {
    expect((await call('image', { prompt: 'a', fail: true })).status).toBe(502);
    expect((await call('image', { prompt: 'a', fail: true })).status).toBe(502);
    const after = await call('image', { prompt: 'a' });
    expect(after.status).toBe(200);
    expect(after.headers.get('ai-budget-remaining')).toBe('1');
    expect(usage.map((u) => u.delta)).toEqual([{ tokens: 0, images: 1, costUsd: 0 }]);
  });

  it('lets a token request start while anything is left, charges real usage, then refuses', async () => {
    const first = await call('chat', { prompt: 'a', tokens: 700 });
    // JSON answers carry what is left after this request's own charge.
    expect(first.headers.get('ai-budget-remaining')).toBe('300');
    const second = await call('chat', { prompt: 'b', tokens: 700 });
    expect(second.status).toBe(200);
    expect(second.headers.get('ai-budget-remaining')).toBe('0');
    const third = await call('chat', { prompt: 'c', tokens: 1 });
    expect(third.status).toBe(429);
    expect(handled).toEqual(['chat', 'chat']);
    expect(usage.map((u) => u.delta.tokens)).toEqual([700, 700]);
  });

  it("whenExhausted 'continue': the handler runs and sees canSpend false", async () => {
    expect(await (await call('match', { prompt: 'a' })).json()).toEqual({ model: true });
    await call('chat', { prompt: 'a', tokens: 1000 });
    const res = await call('match', { prompt: 'a' });
    expect(res.status).toBe(200);
    expect(res.headers.get('ai-budget-remaining')).toBe('0');
    expect(await res.json()).toEqual({ model: false });
  });

  it('a budget of 0 is off: no headers, no limit, nothing recorded', async () => {
    process.env.DAILY_IMAGE_BUDGET = '0';
    for (let i = 0; i < 4; i++) {
      const res = await call('image', { prompt: 'a' });
      expect(res.status).toBe(200);
      expect(res.headers.get('ai-budget-remaining')).toBeNull();
    }
    expect(usage).toEqual([]);
  });

  it('DAILY_COST_BUDGET_USD: an image reserves its most, is charged its cost, and the rest goes back', async () => {
    process.env.DAILY_IMAGE_BUDGET = '0';
    process.env.DAILY_COST_BUDGET_USD = '0.2';
    const first = await call('image', { prompt: 'a', costUsd: 0.067 });
    expect(first.status).toBe(200);
    // 0.067 used: a second reservation of 0.15 would pass 0.2, so the second image is refused.
    const second = await call('image', { prompt: 'b', costUsd: 0.067 });
    expect(second.status).toBe(429);
    const { error } = (await second.json()) as { error: { code: string; details: Record<string, unknown> } };
    expect(error).toMatchObject({ code: 'quota_exceeded', details: { budget: 'cost', limit: 0.2, used: 0.067 } });
    expect(error.details.retryAfterSeconds).toBeGreaterThan(0);
    expect(handled).toEqual(['image']);
    expect(usage.map((u) => u.delta)).toEqual([{ tokens: 0, images: 0, costUsd: 0.067 }]);
  });

  it('DAILY_COST_BUDGET_USD: concurrent image requests can never together pass it', async () => {
    process.env.DAILY_IMAGE_BUDGET = '0';
    process.env.DAILY_COST_BUDGET_USD = '0.45'; // room for three reservations of 0.15
    const statuses = await Promise.all(
      Array.from({ length: 6 }, (_, i) => call('image', { prompt: `p${i}`, costUsd: 0.15 }).then((r) => r.status)),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(3);
  });

  it('DAILY_COST_BUDGET_USD: a chat request starts while money is left, is charged its cost, then refused', async () => {
    process.env.DAILY_COST_BUDGET_USD = '0.01';
    expect((await call('chat', { prompt: 'a', tokens: 10, costUsd: 0.008 })).status).toBe(200);
    expect((await call('chat', { prompt: 'b', tokens: 10, costUsd: 0.008 })).status).toBe(200); // 0.002 was left
    const refused = await call('chat', { prompt: 'c', tokens: 10 });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { details: unknown } }).error.details).toMatchObject({
      budget: 'cost',
      limit: 0.01,
      used: 0.016,
    });
    // The token budget's headers stay the endpoint's own.
    expect(refused.headers.get('ai-budget-unit')).toBe('tokens');
  });

  it('a cost refusal gives back the image the request had reserved', async () => {
    process.env.DAILY_COST_BUDGET_USD = '0.1'; // less than one image's reservation
    expect((await call('image', { prompt: 'a' })).status).toBe(429);
    process.env.DAILY_COST_BUDGET_USD = '0';
    expect((await call('image', { prompt: 'a' })).headers.get('ai-budget-remaining')).toBe('1');
  });

  it('records the cost in the usage document whether or not the cost budget is on; null adds nothing', async () => {
    await call('chat', { prompt: 'a', tokens: 5, costUsd: 0.0012 });
    await call('chat', { prompt: 'a', tokens: 5 });
    expect(usage.map((u) => u.delta)).toEqual([
      { tokens: 5, images: 0, costUsd: 0.0012 },
      { tokens: 5, images: 0, costUsd: 0 },
    ]);
  });

  it('an invalid request reserves nothing', async () => {
    expect((await call('image', { prompt: '' })).status).toBe(400);
    expect((await call('image', { prompt: 'a' })).headers.get('ai-budget-remaining')).toBe('1');
  });
});

describe('App Check in the request layer', () => {
  it('off (the local default): no header needed', async () => {
    expect((await call('chat', { prompt: 'a' })).status).toBe(200);
  });

  it('enforce: 401 app_check_failed without a valid token, before the budget is touched', async () => {
    process.env.APP_CHECK = 'enforce';
    const attempts: Array<Record<string, string>> = [{}, { 'x-firebase-appcheck': local.mintWithForeignKey() }];
    for (const headers of attempts) {
      const res = await call('image', { prompt: 'a' }, headers);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('app_check_failed');
    }
    expect(handled).toEqual([]);
    const ok = await call('image', { prompt: 'a' }, { 'x-firebase-appcheck': local.mint() });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('ai-budget-remaining')).toBe('1'); // the refused ones reserved nothing
  });

  it('enforce + APP_CHECK_REPLAY_PROTECTION: an image request consumes its token; a replay is refused', async () => {
    process.env.APP_CHECK = 'enforce';
    process.env.APP_CHECK_REPLAY_PROTECTION = 'true';
    const token = local.mint();
    const consumedBefore = local.requests.consume;
    expect((await call('image', { prompt: 'a' }, { 'x-firebase-appcheck': token })).status).toBe(200);
    const replay = await call('image', { prompt: 'a' }, { 'x-firebase-appcheck': token });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: { code: 'app_check_failed', details: { reason: 'replayed' } } });
    // Chat is not replay-protected: the same token is accepted there, with no consume call.
    expect((await call('chat', { prompt: 'a' }, { 'x-firebase-appcheck': token })).status).toBe(200);
    expect(local.requests.consume - consumedBefore).toBe(2);
  });

  it('monitor: a missing token is served, and logged once with the endpoint and uid', async () => {
    process.env.APP_CHECK = 'monitor';
    expect((await call('chat', { prompt: 'a' })).status).toBe(200);
    const lines = logs.filter((entry) => entry.message === 'app check failed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      severity: 'WARNING',
      endpoint: 'chat',
      uid: 'alice',
      appCheck: { mode: 'monitor', reason: 'missing' },
    });
  });

  it('an endpoint without a budget or with appCheck: false is not checked', async () => {
    process.env.APP_CHECK = 'enforce';
    expect((await call('match', { prompt: 'a' })).status).toBe(200);
  });

  it('an unknown APP_CHECK value fails closed (enforce)', async () => {
    process.env.APP_CHECK = 'enfroce';
    expect((await call('chat', { prompt: 'a' })).status).toBe(401);
  });
});
