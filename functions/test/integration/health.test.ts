// The health function against the real local services (Firestore emulator, Redis behind the Upstash
// REST endpoint when installed, s3rver, the local Gemini-protocol server): all reachable is 200; a
// dependency stopped is 503 naming it (Redis, which is optional, is reported down without failing);
// Redis missing is reported, not fatal; and no check ever asks a model to generate (the Gemini server
// sees models.get only).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GeminiServerControl } from '../../dev/gemini-server/control-client.js';
import { startGeminiServer } from '../../dev/gemini-server/index.js';
import { redisServerAvailable, startRedis } from '../../dev/services/redis.js';
import { startS3 } from '../../dev/services/s3.js';
import { startUpstashRest } from '../../dev/services/upstash-rest.js';
import { loadFunctions } from '../support/functions.js';
import { mountFunctions, type MountedFunctions } from '../support/mount.js';
import { applyServiceEnv } from '../support/services.js';

let mounted: MountedFunctions;
let gemini: GeminiServerControl;
let env: Record<string, string | undefined>;

interface Report {
  status: string;
  down: string[];
  checks: Record<string, { status: string; ms: number }>;
}

beforeAll(async () => {
  const services = applyServiceEnv();
  gemini = new GeminiServerControl(services.gemini.url);
  env = { ...process.env };
  mounted = await mountFunctions(await loadFunctions(['health']));
  // A cold instance's first Firestore read opens its connection, which can take longer than the 2 s a
  // check may (that first report says firestore is down; docs/health.md): warm it once.
  await fetch(mounted.url('health'), { signal: AbortSignal.timeout(10_000) });
}, 30_000);
afterAll(async () => {
  await mounted?.close();
});
beforeEach(async () => {
  process.env = { ...env };
  await gemini.reset();
  // Each case waits out the endpoint's 5 s report cache by changing what is probed: see `fresh`.
});

/** A report for the current environment (the per-instance cache keeps a report 5 s: wait it out). */
async function fresh(): Promise<{ status: number; body: Report }> {
  await new Promise((resolve) => setTimeout(resolve, 5_100));
  const response = await fetch(mounted.url('health'), { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: (await response.json()) as Report };
}

describe('health', () => {
  it('is 200 when Firestore, S3 and both models answer; the models are asked for metadata only', async () => {
    const { status, body } = await fresh();
    expect(body.checks).toMatchObject({
      firestore: { status: 'ok' },
      s3: { status: 'ok' },
      textModel: { status: 'ok' },
      imageModel: { status: 'ok' },
    });
    expect(['ok', 'not_configured']).toContain(body.checks.redis.status); // redis-server may be absent
    expect([status, body.status, body.down]).toEqual([200, 'ok', []]);
    for (const check of Object.values(body.checks)) expect(check.ms).toBeLessThan(2_000);
    const requests = await gemini.requests();
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((request) => request.action === 'getModel' && request.method === 'GET')).toBe(true);
  }, 20_000);

  it('is 503 naming the models when the Gemini key is refused, and not_configured without one', async () => {
    process.env.GEMINI_API_KEY = 'a-wrong-key';
    const refused = await fresh();
    expect(refused.status).toBe(503);
    expect(refused.body.down).toEqual(['textModel', 'imageModel']);
    expect(JSON.stringify(refused.body)).not.toContain('a-wrong-key');
    delete process.env.GEMINI_API_KEY;
    const missing = await fresh();
    expect(missing.body.checks.textModel.status).toBe('not_configured');
    expect(missing.body.down).toEqual(['textModel', 'imageModel']);
  }, 30_000);

  it('reports Redis not configured without failing: the functions fall back to memory', async () => {
    delete process.env.UPSTASH_REDIS_REST_URL;
    delete process.env.UPSTASH_REDIS_REST_TOKEN;
    const { status, body } = await fresh();
    expect(body.checks.redis.status).toBe('not_configured');
    expect(status).toBe(200);
  }, 20_000);
});

describe('health with services of its own, stopped one at a time', () => {
  const stops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  });

  it('is 200 while all run; Redis stopped is reported, the models stopped are 503 naming them, then S3 too', async () => {
    const s3 = await startS3({ bucket: 'health-bucket' });
    stops.push(() => s3.stop());
    const models = await startGeminiServer({ apiKey: 'health-key' });
    stops.push(() => models.close());
    const redis = redisServerAvailable() ? await startRedis() : undefined;
    if (redis) stops.push(() => redis.stop());
    const upstash = redis ? await startUpstashRest({ redisUrl: redis.url, token: 'health-token' }) : undefined;
    if (upstash) stops.push(() => upstash.stop());
    Object.assign(process.env, {
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: s3.bucket,
      GEMINI_BASE_URL: models.url,
      GEMINI_API_KEY: models.apiKey,
      TEXT_BACKEND: 'gemini',
    });
    if (upstash) {
      Object.assign(process.env, { UPSTASH_REDIS_REST_URL: upstash.url, UPSTASH_REDIS_REST_TOKEN: upstash.token });
    }

    const up = await fresh();
    expect([up.status, up.body.down]).toEqual([200, []]);
    expect(up.body.checks.redis.status).toBe(upstash ? 'ok' : 'not_configured');

    if (redis) {
      await redis.stop(); // the Upstash endpoint answers, Redis behind it does not
      const redisDown = await fresh();
      expect([redisDown.status, redisDown.body.down, redisDown.body.checks.redis.status]).toEqual([200, [], 'down']);
    }

    await models.close();
    const modelsDown = await fresh();
    expect([modelsDown.status, modelsDown.body.status, modelsDown.body.down]).toEqual([
      503,
      'down',
      ['textModel', 'imageModel'],
    ]);
    expect(modelsDown.body.checks).toMatchObject({ s3: { status: 'ok' }, firestore: { status: 'ok' } });

    await s3.stop();
    const s3Down = await fresh();
    expect([s3Down.status, s3Down.body.down]).toEqual([503, ['s3', 'textModel', 'imageModel']]);
    for (const check of Object.values(s3Down.body.checks)) expect(check.ms).toBeLessThan(2_500);
  }, 60_000);
});
