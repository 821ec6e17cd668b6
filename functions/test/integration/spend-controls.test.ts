// Daily budgets and App Check with the real parts: the exported image functions mounted in-process
// (request layer, Gemini-protocol server, S3, Firestore emulator) counting in a real redis-server
// behind the Upstash REST endpoint; the same Redis seen by a fresh instance; Redis stopped mid-way;
// aborted jobs (charged once image output began, refunded before); the usage document; and the
// Functions emulator answering 429 quota_exceeded from the shared Redis count.
import { Redis } from '@upstash/redis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { GeminiServerControl } from '../../dev/gemini-server/control-client.js';
import type { Scenario } from '../../dev/gemini-server/types.js';
import { redisServerAvailable, startRedis, type RedisServer } from '../../dev/services/redis.js';
import { startUpstashRest, type CommandEvent, type UpstashRestServer } from '../../dev/services/upstash-rest.js';
import { utcDay } from '../../src/lib/platform/budget/day.js';
import { getDb } from '../../src/lib/platform/firebase.js';
import { captureLogs } from '../support/logs.js';
import { loadFunctions } from '../support/functions.js';
import { mountFunctions, type MountedFunctions } from '../support/mount.js';
import { applyServiceEnv, functionUrl, getServices, signUp, type SignedUpUser } from '../support/services.js';
import { readSse, startInspectableS3, type InspectableS3 } from './images-support.js';

const logged = captureLogs().entries;
const BUCKET = 'spend-controls';
let s3: InspectableS3;
let gemini: GeminiServerControl;
let user: SignedUpUser;
const savedEnv = { ...process.env };

const imageReply = (extra: Partial<Scenario> = {}, image: Record<string, unknown> = {}): Scenario => ({
  reply: { kind: 'content', parts: [{ type: 'image', width: 64, height: 64, ...image }] },
  ...extra,
});

async function mountImages(): Promise<MountedFunctions> {
  return mountFunctions(await loadFunctions(['generateImage', 'editImage']));
}

function post(fns: MountedFunctions, headers: Record<string, string> = {}, signal?: AbortSignal) {
  return fetch(fns.url('generateImage'), {
    method: 'POST',
    headers: { authorization: `Bearer ${user.idToken}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ prompt: 'a lighthouse', aspectRatio: '1:1' }),
    signal: signal ?? AbortSignal.timeout(60_000),
  });
}

async function usageDoc(uid: string) {
  return (
    await getDb()
      .doc(`users/${uid}/usage/${utcDay(Date.now())}`)
      .get()
  ).data();
}

async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

beforeAll(async () => {
  const services = applyServiceEnv();
  gemini = new GeminiServerControl(services.gemini.url);
  s3 = await startInspectableS3(BUCKET);
});
afterAll(async () => {
  await s3?.stop();
  process.env = { ...savedEnv };
});
beforeEach(async () => {
  applyServiceEnv();
  Object.assign(process.env, {
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: BUCKET,
    IMAGE_RATE_LIMIT_PER_MINUTE: '1000',
    DAILY_IMAGE_BUDGET: '2',
  });
  await gemini.reset();
  user = await signUp();
});

describe.skipIf(!redisServerAvailable())('image budget counted in Redis (Upstash REST)', () => {
  let redis: RedisServer;
  let rest: UpstashRestServer;
  const commands: CommandEvent[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    rest = await startUpstashRest({ redisUrl: redis.url, token: 'spend-token', onCommand: (e) => commands.push(e) });
  });
  beforeEach(() => {
    process.env.UPSTASH_REDIS_REST_URL = rest.url;
    process.env.UPSTASH_REDIS_REST_TOKEN = rest.token;
  });
  afterEach(() => vi.resetModules());
  afterAll(async () => {
    await rest?.stop();
    await redis?.stop();
  });

  it('allows DAILY_IMAGE_BUDGET images, then 429 quota_exceeded until midnight UTC; a fresh instance agrees', async () => {
    await gemini.queue(imageReply({ times: 2 }));
    const first = await mountImages();
    try {
      const remaining: Array<string | null> = [];
      for (let i = 0; i < 2; i++) {
        const res = await post(first);
        expect(res.status).toBe(200);
        remaining.push(res.headers.get('ai-budget-remaining'));
      }
      expect(remaining).toEqual(['1', '0']);
      expect(commands.some((c) => c.command === 'INCRBY' && c.ok)).toBe(true);
    } finally {
      await first.close();
    }
    vi.resetModules(); // a second instance: empty memory, same Redis
    const second = await mountImages();
    try {
      const refused = await post(second);
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      const midnight = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1);
      expect(Math.abs(retryAfter - (midnight - Date.now()) / 1000)).toBeLessThan(5);
      expect(await errorCode(refused)).toBe('quota_exceeded');
      expect(await gemini.requests({ action: 'streamGenerateContent' })).toHaveLength(2); // refused before Gemini
    } finally {
      await second.close();
    }
    expect(await usageDoc(user.uid)).toMatchObject({ images: 2, limits: { images: 2, tokens: 200_000 } });
  });

  it('refunds an image whose Gemini call failed before any output, and one aborted before output', async () => {
    const fns = await mountImages();
    try {
      await gemini.queue({ reply: { kind: 'http-error', code: 400, message: 'bad request' } });
      expect((await post(fns)).status).toBeGreaterThanOrEqual(400);

      // The client leaves while Gemini has sent nothing yet.
      await gemini.queue(imageReply({ latencyMs: 5_000 }));
      const controller = new AbortController();
      const pending = post(fns, { accept: 'text/event-stream' }, controller.signal).catch(() => undefined);
      await expect.poll(async () => (await gemini.requests({ action: 'streamGenerateContent' })).length).toBe(2);
      controller.abort();
      await pending;
      await new Promise((resolve) => setTimeout(resolve, 300));

      await gemini.queue(imageReply());
      const ok = await post(fns);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ai-budget-remaining')).toBe('1'); // only this one counted
    } finally {
      await fns.close();
    }
    expect(await usageDoc(user.uid)).toMatchObject({ images: 1 });
  });

  it('charges an image aborted after Gemini began sending it (Gemini bills it)', async () => {
    const fns = await mountImages();
    try {
      await gemini.queue(
        imageReply({ chunkDelayMs: 60 }, { imageBytes: 20_000_000, delivery: 'fragmented', fragments: 40 }),
      );
      const controller = new AbortController();
      const response = await post(fns, { accept: 'text/event-stream' }, controller.signal);
      // A stream's headers go out before the job: what is left after this request's reservation.
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(response.headers.get('ai-budget-remaining')).toBe('1');
      await readSse(response, (event) => event.event === 'progress');
      controller.abort();
      await expect.poll(async () => (await usageDoc(user.uid))?.images, { timeout: 10_000 }).toBe(1);
      await gemini.queue(imageReply());
      expect((await post(fns)).headers.get('ai-budget-remaining')).toBe('0');
    } finally {
      await fns.close();
    }
  });

  it('keeps enforcing from memory when Redis is down: no 5xx, still 429 after the limit', async () => {
    const fns = await mountImages();
    try {
      await rest.stop();
      await gemini.queue(imageReply({ times: 2 }));
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await post(fns)).status);
      expect(statuses).toEqual([200, 200, 429]);
      expect(logged.filter((entry) => /budget store unavailable/.test(String(entry.message)))).toHaveLength(1);
    } finally {
      await fns.close();
    }
  });
});

describe('the Functions emulator', () => {
  it('sends AI-Budget-* headers and answers 429 quota_exceeded once the shared Redis count is at the limit', async () => {
    const { upstash, functionsEnv } = getServices();
    if (!upstash || !functionsEnv.UPSTASH_REDIS_REST_URL) return expect(upstash).toBeUndefined(); // no redis-server
    const call = () =>
      fetch(functionUrl('generateImage'), {
        method: 'POST',
        headers: { authorization: `Bearer ${user.idToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'emulated', aspectRatio: '1:1' }),
        // The emulator starts a function's worker on its first call: slow on a loaded machine.
        signal: AbortSignal.timeout(120_000),
      });
    await gemini.queue(imageReply());
    const ok = await call();
    expect(ok.status).toBe(200);
    expect(ok.headers.get('ai-budget-unit')).toBe('images');
    const limit = Number(ok.headers.get('ai-budget-limit'));
    expect(Number(ok.headers.get('ai-budget-remaining'))).toBe(limit - 1);
    // Spend the rest of today's images through the shared counter the emulated function reads.
    const client = new Redis({ url: upstash.url, token: upstash.token });
    await client.incrby(`budget:images:${utcDay(Date.now())}:${user.uid}`, limit - 1);
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(await errorCode(refused)).toBe('quota_exceeded');
    expect(await usageDoc(user.uid)).toMatchObject({ images: 1 });
  }, 150_000);
});
