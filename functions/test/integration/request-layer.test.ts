// The seven exported functions behind real HTTP (mountFunctions), with real Auth-emulator ID tokens:
// every request-layer rule applies to every function, whatever its feature then answers.
// A valid call must get past the whole layer (auth, method, content type, size, JSON, schema, secrets,
// rate limit): the feature's own answer (200, or 404 profile_not_found for a user without a profile)
// does not matter here; a request-layer status or code, or any 5xx, does.
// The Upstash part runs the limiter through a local Upstash-compatible endpoint and a real redis-server,
// then stops the endpoint: limits must keep holding from memory, with no 5xx.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LogEntry } from 'firebase-functions/logger';
import { GeminiServerControl } from '../../dev/gemini-server/control-client.js';
import { redisServerAvailable, startRedis, type RedisServer } from '../../dev/services/redis.js';
import { startUpstashRest, type CommandEvent, type UpstashRestServer } from '../../dev/services/upstash-rest.js';
import { captureLogs } from '../support/logs.js';
import { applyServiceEnv, signUp } from '../support/services.js';
import { loadFunctions } from '../support/functions.js';
import { mountFunctions, type MountedFunctions } from '../support/mount.js';
import { makePng } from '../unit/platform/image-pipeline/fixtures.js';
import { awayFromMinuteEdge } from '../support/minute-window.js';

// Every log line the functions write, so the Upstash fallback can be checked by what it reports.
const logged: LogEntry[] = captureLogs().entries;

const FUNCTION_NAMES = [
  'chatMessage',
  'chatStream',
  'matchUsers',
  'matchEvents',
  'suggestions',
  'generateImage',
  'editImage',
] as const;
type FunctionName = (typeof FUNCTION_NAMES)[number];

/** A minimal valid request per function (src/lib/features/chat/schema.ts, the match handlers, src/lib/features/images/schemas.ts). */
const VALID_BODIES: Record<Exclude<FunctionName, 'suggestions'>, unknown> = {
  chatMessage: { message: 'hello' },
  chatStream: { message: 'hello' },
  matchUsers: { limit: 5 },
  matchEvents: { limit: 5 },
  // 1:1 is a ratio every image model takes; the local Gemini server answers with a small PNG.
  generateImage: { prompt: 'a lighthouse at dusk', aspectRatio: '1:1' },
  editImage: { editPrompt: 'make it snow', image: `data:image/png;base64,${makePng(8, 8).toString('base64')}` },
};

const CHAT_LIMIT = 3;
const IMAGE_LIMIT = 2;

/** Per-minute limit of a function's bucket: images have their own, chat and matching the general one. */
function limitOf(name: FunctionName): number {
  return name === 'generateImage' || name === 'editImage' ? IMAGE_LIMIT : CHAT_LIMIT;
}

/** What only the request layer answers (src/lib/platform/http, plus requireSecrets' 503 not_configured). */
const REQUEST_LAYER_STATUSES = [400, 401, 403, 405, 413, 415, 429];
const REQUEST_LAYER_CODES = [
  'unauthenticated',
  'invalid_token',
  'auth_unavailable',
  'method_not_allowed',
  'unsupported_media_type',
  'payload_too_large',
  'invalid_json',
  'invalid_request',
  'not_found',
  'not_configured',
  'rate_limited',
  'internal',
];

async function mountExported(): Promise<MountedFunctions> {
  return mountFunctions(await loadFunctions(FUNCTION_NAMES));
}

interface CallOptions {
  method?: string;
  token?: string;
  contentType?: string;
  body?: string;
  path?: string;
}

type CallResult = Awaited<ReturnType<typeof call>>;

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
    error = undefined; // an SSE stream (chatStream) or another non-JSON answer
  }
  return { status: res.status, headers: res.headers, error };
}

function validCall(name: FunctionName, token: string): CallOptions {
  return name === 'suggestions' ? { token } : { token, body: JSON.stringify(VALID_BODIES[name]) };
}

/**
 * The call passed every request-layer check, was counted against `name`'s bucket (`remaining` left),
 * and the feature answered without a server error.
 */
function expectPastRequestLayer(res: CallResult, name: FunctionName, remaining: number): void {
  const outcome = `${name} answered ${res.status} ${res.error?.code ?? ''}`;
  expect(res.status, outcome).toBeLessThan(500);
  expect(REQUEST_LAYER_STATUSES, outcome).not.toContain(res.status);
  expect(REQUEST_LAYER_CODES, outcome).not.toContain(res.error?.code);
  expect(res.headers.get('x-request-id')).toBeTruthy();
  expect(res.headers.get('ratelimit-limit')).toBe(String(limitOf(name)));
  expect(res.headers.get('ratelimit-remaining')).toBe(String(remaining));
  expect(Number(res.headers.get('ratelimit-reset'))).toBeLessThanOrEqual(60);
}

function expectRateLimited(res: CallResult, name: FunctionName): void {
  expect(res.status).toBe(429);
  expect(res.error?.code).toBe('rate_limited');
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(res.headers.get('ratelimit-limit')).toBe(String(limitOf(name)));
  expect(res.headers.get('ratelimit-remaining')).toBe('0');
  expect(Number(res.headers.get('ratelimit-reset'))).toBeLessThanOrEqual(60);
}

const savedEnv = { ...process.env };

beforeAll(async () => {
  const services = applyServiceEnv();
  process.env.RATE_LIMIT_PER_MINUTE = String(CHAT_LIMIT);
  process.env.IMAGE_RATE_LIMIT_PER_MINUTE = String(IMAGE_LIMIT);
  // Unscripted (default) replies only: nothing another file queued may answer these calls.
  await new GeminiServerControl(services.gemini.url).reset();
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

  it.each(FUNCTION_NAMES)(
    '%s: a valid authenticated call passes the request layer, with RateLimit headers',
    async (name) => {
      const caller = await signUp(); // a fresh budget: the first call leaves limit - 1
      const res = await call(mounted, name, validCall(name, caller.idToken));
      expectPastRequestLayer(res, name, limitOf(name) - 1);
    },
  );

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
      body: JSON.stringify({ editPrompt: '  ', image: 'ftp://example.com/a.png' }),
    });
    expect(res.status).toBe(400);
    expect(res.error?.code).toBe('invalid_request');
    const paths = res.error?.details?.issues?.map((issue) => [issue.location, ...issue.path].join('.')).sort();
    expect(paths).toEqual(['body.editPrompt', 'body.image']);
  });

  it.each(FUNCTION_NAMES)(
    '%s: 400 invalid_request for ill-formed Unicode anywhere, before the rate limit counts it',
    async (name) => {
      const caller = await signUp();
      // A lone surrogate in a key no schema names (JSON "\ud800"), or a path segment that decodes to one.
      const bad: CallOptions =
        name === 'suggestions'
          ? { token: caller.idToken, path: '/%ED%A0%80' }
          : { token: caller.idToken, body: JSON.stringify({ ...(VALID_BODIES[name] as object), '\ud800': 1 }) };
      const res = await call(mounted, name, bad);
      expect(res.status).toBe(400);
      expect(res.error?.code).toBe('invalid_request');
      expect(res.error?.details?.issues?.map((issue) => issue.location)).toEqual([
        name === 'suggestions' ? 'path' : 'body',
      ]);
      expectPastRequestLayer(await call(mounted, name, validCall(name, caller.idToken)), name, limitOf(name) - 1);
    },
  );

  it("suggestions: 403 for another user's uid, the caller's own uid passes", async () => {
    const caller = await signUp();
    await awayFromMinuteEdge();
    const other = await call(mounted, 'suggestions', { token: caller.idToken, path: '/someone-else' });
    expect(other.status).toBe(403);
    expect(other.error?.code).toBe('forbidden');
    // The uid check runs in the handler, after the limiter counted the first call.
    const own = await call(mounted, 'suggestions', { token: caller.idToken, path: `/${caller.uid}` });
    expectPastRequestLayer(own, 'suggestions', CHAT_LIMIT - 2);
  });

  it('429 rate_limited after the limit, with Retry-After and RateLimit-*; chat functions share a budget', async () => {
    const caller = await signUp();
    await awayFromMinuteEdge();
    const sequence = ['chatMessage', 'chatStream', 'chatMessage'] as const;
    for (const [index, name] of sequence.entries()) {
      expectPastRequestLayer(await call(mounted, name, validCall(name, caller.idToken)), name, CHAT_LIMIT - 1 - index);
    }
    expectRateLimited(await call(mounted, 'chatStream', validCall('chatStream', caller.idToken)), 'chatStream');
    // A different bucket is unaffected.
    expectPastRequestLayer(
      await call(mounted, 'matchUsers', validCall('matchUsers', caller.idToken)),
      'matchUsers',
      CHAT_LIMIT - 1,
    );
  });

  it('image functions share their own, smaller budget', async () => {
    const caller = await signUp();
    const sequence = ['generateImage', 'editImage'] as const;
    for (const [index, name] of sequence.entries()) {
      expectPastRequestLayer(await call(mounted, name, validCall(name, caller.idToken)), name, IMAGE_LIMIT - 1 - index);
    }
    expectRateLimited(
      await call(mounted, 'generateImage', validCall('generateImage', caller.idToken)),
      'generateImage',
    );
    expectPastRequestLayer(
      await call(mounted, 'chatMessage', validCall('chatMessage', caller.idToken)),
      'chatMessage',
      CHAT_LIMIT - 1,
    );
  });
});

describe.skipIf(!redisServerAvailable())('rate limits through Upstash, and without it', () => {
  let redis: RedisServer;
  let rest: UpstashRestServer;
  const commands: CommandEvent[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    rest = await startUpstashRest({
      redisUrl: redis.url,
      token: 'request-layer-token',
      onCommand: (e) => commands.push(e),
    });
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
    await awayFromMinuteEdge();
    try {
      for (let i = 0; i < IMAGE_LIMIT; i++) {
        const res = await call(first, 'generateImage', validCall('generateImage', caller.idToken));
        expectPastRequestLayer(res, 'generateImage', IMAGE_LIMIT - 1 - i);
      }
      expect(commands.some((event) => event.command.startsWith('EVAL') && event.ok)).toBe(true);
    } finally {
      await first.close();
    }
    vi.resetModules(); // a second instance: new limiters, empty memory, same Redis
    const second = await mountExported();
    try {
      expectRateLimited(await call(second, 'editImage', validCall('editImage', caller.idToken)), 'editImage');
    } finally {
      await second.close();
    }
  });

  it('keeps limiting from memory when the Upstash endpoint is down: no 5xx, still 429 after the limit', async () => {
    const mounted = await mountExported();
    try {
      await rest.stop();
      const caller = await signUp();
      await awayFromMinuteEdge();
      const fallbackWarningsBefore = storeUnavailableWarnings('image');
      for (let i = 0; i < IMAGE_LIMIT; i++) {
        const res = await call(mounted, 'generateImage', validCall('generateImage', caller.idToken));
        expectPastRequestLayer(res, 'generateImage', IMAGE_LIMIT - 1 - i);
      }
      expectRateLimited(
        await call(mounted, 'generateImage', validCall('generateImage', caller.idToken)),
        'generateImage',
      );
      expectRateLimited(await call(mounted, 'editImage', validCall('editImage', caller.idToken)), 'editImage');
      // One failed Redis attempt, then the cool-down answers from memory without trying Redis again.
      expect(storeUnavailableWarnings('image') - fallbackWarningsBefore).toBe(1);
    } finally {
      await mounted.close();
    }
  });
});

/** How often the limiter of `bucket` has reported falling back to memory (src/lib/platform/rate-limit). */
function storeUnavailableWarnings(bucket: string): number {
  return logged.filter(
    (entry) =>
      entry.severity === 'WARNING' &&
      entry.bucket === bucket &&
      /rate limit store unavailable/.test(String(entry.message)),
  ).length;
}
