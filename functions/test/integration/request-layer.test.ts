// The seven exported functions behind real HTTP (mountFunctions), with real Auth-emulator ID tokens:
// every request-layer rule applies to every function before its feature exists.
// The Upstash part runs the limiter through a local Upstash-compatible endpoint and a real redis-server,
// then stops the endpoint: limits must keep holding from memory, with no 5xx.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { redisServerAvailable, startRedis, type RedisServer } from '../../dev/services/redis.js';
import { startUpstashRest, type CommandEvent, type UpstashRestServer } from '../../dev/services/upstash-rest.js';
import { applyServiceEnv, signUp } from '../support/services.js';
import { mountFunctions, type MountableFunction, type MountedFunctions } from '../support/mount.js';

const FUNCTION_NAMES = [
  'chatMessage', 'chatStream', 'matchUsers', 'matchEvents', 'suggestions', 'generateImage', 'editImage',
] as const;
type FunctionName = (typeof FUNCTION_NAMES)[number];

/** A minimal valid request per function (against the provisional schemas). */
const VALID_BODIES: Record<Exclude<FunctionName, 'suggestions'>, unknown> = {
  chatMessage: { message: 'hello' },
  chatStream: { message: 'hello' },
  matchUsers: { limit: 5 },
  matchEvents: { limit: 5 },
  generateImage: { prompt: 'a lighthouse at dusk' },
  editImage: { prompt: 'make it snow', imageUrl: 'https://example.com/a.png' },
};

const CHAT_LIMIT = 3;
const IMAGE_LIMIT = 2;

async function mountExported(): Promise<MountedFunctions> {
  const exported = (await import('../../src/index.js')) as unknown as Record<FunctionName, MountableFunction>;
  expect(Object.keys(exported).sort()).toEqual([...FUNCTION_NAMES].sort());
  return mountFunctions(exported);
}

interface CallOptions {
  method?: string;
  token?: string;
  contentType?: string;
  body?: string;
  path?: string;
}

async function call(mounted: MountedFunctions, name: FunctionName, options: CallOptions = {}) {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const res = await fetch(mounted.url(name) + (options.path ?? ''), {
    method: options.method ?? (name === 'suggestions' ? 'GET' : 'POST'),
    headers,
    body: options.body,
  });
  const text = await res.text();
  let error: { code?: string; details?: { issues?: Array<{ location: string; path: unknown[] }> } } | undefined;
  try {
    error = (JSON.parse(text) as { error?: typeof error }).error;
  } catch {
    error = undefined;
  }
  return { status: res.status, headers: res.headers, error };
}

function validCall(name: FunctionName, token: string): CallOptions {
  return name === 'suggestions' ? { token } : { token, body: JSON.stringify(VALID_BODIES[name]) };
}

const savedEnv = { ...process.env };

beforeAll(() => {
  applyServiceEnv();
  process.env.RATE_LIMIT_PER_MINUTE = String(CHAT_LIMIT);
  process.env.IMAGE_RATE_LIMIT_PER_MINUTE = String(IMAGE_LIMIT);
});
afterAll(() => {
  process.env = { ...savedEnv };
});

describe('request layer on the seven functions (in-memory limits)', () => {
  let mounted: MountedFunctions;
  let user: { uid: string; idToken: string };

  beforeAll(async () => {
    delete process.env.UPSTASH_REDIS_REST_URL;
    delete process.env.UPSTASH_REDIS_REST_TOKEN;
    mounted = await mountExported();
    user = await signUp();
  });
  afterAll(async () => {
    await mounted?.close();
  });

  it.each(FUNCTION_NAMES)('%s: 401 unauthenticated without a token', async (name) => {
    const { body } = validCall(name, 'unused');
    const res = await call(mounted, name, { body });
    expect(res.status).toBe(401);
    expect(res.error?.code).toBe('unauthenticated');
  });

  it.each(FUNCTION_NAMES)('%s: 401 invalid_token for a garbage token', async (name) => {
    const res = await call(mounted, name, validCall(name, 'not.a.token'));
    expect(res.status).toBe(401);
    expect(res.error?.code).toBe('invalid_token');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it.each(FUNCTION_NAMES)('%s: 501 not_implemented for a valid authenticated call, with RateLimit headers', async (name) => {
    const caller = await signUp();
    const res = await call(mounted, name, validCall(name, caller.idToken));
    expect(res.status).toBe(501);
    expect(res.error?.code).toBe('not_implemented');
    expect(Number(res.headers.get('ratelimit-limit'))).toBe(name.includes('Image') ? IMAGE_LIMIT : CHAT_LIMIT);
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('405 with Allow for the wrong method', async () => {
    const post = await call(mounted, 'suggestions', { method: 'POST', token: user.idToken, body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, OPTIONS');
    const get = await call(mounted, 'chatMessage', { method: 'GET', token: user.idToken });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
  });

  it('415 for a non-JSON body', async () => {
    const res = await call(mounted, 'chatMessage', { token: user.idToken, contentType: 'text/plain', body: 'hello' });
    expect(res.status).toBe(415);
    expect(res.error?.code).toBe('unsupported_media_type');
  });

  it('413 for a body over 64 KiB', async () => {
    const body = JSON.stringify({ message: 'x'.repeat(70 * 1024) });
    const res = await call(mounted, 'chatStream', { token: user.idToken, body });
    expect(res.status).toBe(413);
    expect(res.error?.code).toBe('payload_too_large');
  });

  it('400 invalid_json for a malformed JSON body that reaches the function', async () => {
    // application/json is parsed (and rejected) by the framework before any function runs; a +json body
    // arrives raw and is parsed by our layer.
    const res = await call(mounted, 'matchUsers', {
      token: user.idToken,
      contentType: 'application/vnd.social+json',
      body: '{"limit": 5,',
    });
    expect(res.status).toBe(400);
    expect(res.error?.code).toBe('invalid_json');
  });

  it('400 invalid_request naming the paths of the problems', async () => {
    const res = await call(mounted, 'editImage', {
      token: user.idToken,
      body: JSON.stringify({ prompt: '', imageUrl: 'ftp://example.com/a.png' }),
    });
    expect(res.status).toBe(400);
    expect(res.error?.code).toBe('invalid_request');
    const paths = res.error?.details?.issues?.map((issue) => [issue.location, ...issue.path].join('.')).sort();
    expect(paths).toEqual(['body.imageUrl', 'body.prompt']);
  });

  it("suggestions: 403 for another user's uid, the caller's own uid passes", async () => {
    const other = await call(mounted, 'suggestions', { token: user.idToken, path: '/someone-else' });
    expect(other.status).toBe(403);
    expect(other.error?.code).toBe('forbidden');
    const own = await call(mounted, 'suggestions', { token: user.idToken, path: `/${user.uid}` });
    expect(own.status).toBe(501);
  });

  it('429 rate_limited after the limit, with Retry-After and RateLimit-*; chat functions share a budget', async () => {
    const caller = await signUp();
    const statuses: number[] = [];
    for (const name of ['chatMessage', 'chatStream', 'chatMessage'] as const) {
      statuses.push((await call(mounted, name, validCall(name, caller.idToken))).status);
    }
    expect(statuses).toEqual([501, 501, 501]);
    const blocked = await call(mounted, 'chatStream', validCall('chatStream', caller.idToken));
    expect(blocked.status).toBe(429);
    expect(blocked.error?.code).toBe('rate_limited');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(blocked.headers.get('ratelimit-limit')).toBe(String(CHAT_LIMIT));
    expect(blocked.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(blocked.headers.get('ratelimit-reset'))).toBeLessThanOrEqual(60);
    // A different bucket is unaffected.
    expect((await call(mounted, 'matchUsers', validCall('matchUsers', caller.idToken))).status).toBe(501);
  });
});

describe.skipIf(!redisServerAvailable())('rate limits through Upstash, and without it', () => {
  let redis: RedisServer;
  let rest: UpstashRestServer;
  const commands: CommandEvent[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    rest = await startUpstashRest({ redisUrl: redis.url, token: 'request-layer-token', onCommand: (e) => commands.push(e) });
    process.env.UPSTASH_REDIS_REST_URL = rest.url;
    process.env.UPSTASH_REDIS_REST_TOKEN = rest.token;
  });
  afterEach(() => {
    vi.resetModules();
  });
  afterAll(async () => {
    await rest?.stop();
    await redis?.stop();
    delete process.env.UPSTASH_REDIS_REST_URL;
    delete process.env.UPSTASH_REDIS_REST_TOKEN;
  });

  it('counts in Redis, so a fresh instance (new module state) sees the same budget', async () => {
    const caller = await signUp();
    const first = await mountExported();
    try {
      for (let i = 0; i < IMAGE_LIMIT; i++) {
        expect((await call(first, 'generateImage', validCall('generateImage', caller.idToken))).status).toBe(501);
      }
      expect(commands.some((event) => event.command.startsWith('EVAL') && event.ok)).toBe(true);
    } finally {
      await first.close();
    }
    vi.resetModules(); // a second instance: new limiters, empty memory, same Redis
    const second = await mountExported();
    try {
      const res = await call(second, 'editImage', validCall('editImage', caller.idToken));
      expect(res.status).toBe(429);
      expect(res.headers.get('ratelimit-limit')).toBe(String(IMAGE_LIMIT));
    } finally {
      await second.close();
    }
  });

  it('keeps limiting from memory when the Upstash endpoint is down: no 5xx, still 429 after the limit', async () => {
    const mounted = await mountExported();
    try {
      await rest.stop();
      const caller = await signUp();
      const statuses: number[] = [];
      const started = Date.now();
      for (let i = 0; i < IMAGE_LIMIT + 2; i++) {
        statuses.push((await call(mounted, 'generateImage', validCall('generateImage', caller.idToken))).status);
      }
      expect(statuses).toEqual([501, 501, 429, 429]);
      // One failed Redis attempt, then the cool-down keeps requests fast.
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await mounted.close();
    }
  });
});
