// The Firebase callable protocol at every defineEndpoint URL, on the wire, over real loopback HTTP
// (mount.ts): a POST of exactly {"data": ...} is answered {"result": ...} or {"error": {status, message,
// details}}, or streamed (`Accept: text/event-stream`) as `data: {"message": ...}` chunks and a final
// `data: {"result": ...}` after the padded opening; the same checks run in the same order as for REST.
// No services: the ID token verifier and the limiter are fakes, App Check runs firebase-admin's real
// verifier against a local key set. The official SDK on top of this is in test/integration/callable-*.
import type { DecodedIdToken } from 'firebase-admin/auth';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { firebaseAppCheckVerifier } from '../../../../src/lib/platform/app-check/verifier.js';
import { callableCodeFor } from '../../../../src/lib/platform/http/errors.js';
import { defineEndpoint, HttpError, type EndpointDeps } from '../../../../src/lib/platform/http/index.js';
import { respondWithSse } from '../../../../src/lib/platform/http/sse-responder.js';
import { MemorySlidingWindowLimiter } from '../../../../src/lib/platform/rate-limit/memory-sliding-window.js';
import { STREAM_OPENING_BYTES } from '../../../../src/lib/platform/sse/stream-opening.js';
import { startLocalAppCheck, type LocalAppCheck } from '../../../support/app-check.js';
import { captureLogs } from '../../../support/logs.js';
import { mountFunctions, type MountedFunctions } from '../../../support/mount.js';

const logs = captureLogs().entries;

let local: LocalAppCheck;
let appCheckApp: ReturnType<LocalAppCheck['adminApp']>;
let limiters = new Map<string, MemorySlidingWindowLimiter>();
const seen: Array<{ name: string; uid: string; body?: unknown; query?: unknown }> = [];
const aborted: string[] = [];

// 10 s into a minute: a counted sequence never straddles the limiter's minute boundary.
const clock = (): number => Date.UTC(2026, 4, 1, 12, 0, 10);
const deps: Partial<EndpointDeps> = {
  clock,
  verifyIdToken: async (idToken) => {
    if (idToken === 'token-auth-down') throw Object.assign(new Error('down'), { code: 'auth/internal-error' });
    if (!idToken.startsWith('token-')) throw Object.assign(new Error('bad'), { code: 'auth/argument-error' });
    return { uid: idToken.slice(6) } as DecodedIdToken;
  },
  rateLimiter: (bucket, perMinute) => {
    let limiter = limiters.get(bucket);
    if (!limiter)
      limiters.set(bucket, (limiter = new MemorySlidingWindowLimiter({ limit: perMinute, windowMs: 60_000, clock })));
    return limiter;
  },
  appCheckVerifier: firebaseAppCheckVerifier(() => appCheckApp),
};

const message = z.object({ message: z.string().min(1), count: z.number().optional() });

const endpoints = {
  echo: defineEndpoint(
    {
      name: 'echo',
      method: 'POST',
      body: message,
      maxBodyBytes: 1024,
      rateLimit: { bucket: 'echo', perMinute: 3 },
      handle: ({ scope: { uid }, body }) => {
        seen.push({ name: 'echo', uid, body });
        return { uid, echoed: body };
      },
    },
    deps,
  ),
  listing: defineEndpoint(
    {
      name: 'listing',
      method: 'GET',
      query: z.object({ limit: z.coerce.number().int().min(1).max(10).optional() }),
      rateLimit: false,
      handle: ({ scope: { uid }, query }) => {
        seen.push({ name: 'listing', uid, query });
        return { limit: query.limit ?? 3 };
      },
    },
    deps,
  ),
  /** Throws the HttpError its `status` asks for (or a plain Error for 0). */
  fails: defineEndpoint(
    {
      name: 'fails',
      method: 'POST',
      body: z.object({ status: z.number().int(), retryAfter: z.string().optional() }),
      rateLimit: false,
      handle: ({ body }) => {
        if (body.status === 0) throw new Error(`exploded with key ${process.env.GEMINI_API_KEY}`);
        throw new HttpError(body.status, `code_${body.status}`, `failed with ${body.status}`, {
          details: { reason: 'test' },
          headers: body.retryAfter ? { 'Retry-After': body.retryAfter } : {},
        });
      },
    },
    deps,
  ),
  /** A stream: start, n deltas (ms apart), done; fails after them when asked; records an abort. */
  streams: defineEndpoint(
    {
      name: 'streams',
      method: 'POST',
      body: z.object({
        deltas: z.number().int().min(0).max(1000),
        delayMs: z.number().optional(),
        fail: z.boolean().optional(),
      }),
      rateLimit: false,
      handle: (ctx) =>
        respondWithSse(ctx, async (stream) => {
          await stream.send('start', { id: 'm1' });
          for (let i = 0; i < ctx.body.deltas; i++) {
            if (stream.signal.aborted) {
              aborted.push('streams');
              return;
            }
            await stream.send('delta', { text: `w${i}` });
            if (ctx.body.delayMs) await new Promise((resolve) => setTimeout(resolve, ctx.body.delayMs));
          }
          if (ctx.body.fail)
            throw new HttpError(422, 'blocked', 'The reply was blocked', { details: { category: 'hate_speech' } });
          await stream.finish('done', { finishReason: 'STOP' }, { text: 'whole reply', finishReason: 'STOP' });
        }),
    },
    deps,
  ),
  guarded: defineEndpoint(
    {
      name: 'guarded',
      method: 'POST',
      body: message,
      rateLimit: false,
      appCheck: { replayProtected: true },
      handle: ({ scope: { uid } }) => ({ uid }),
    },
    deps,
  ),
};

let mounted: MountedFunctions;
const savedEnv = { ...process.env };
beforeAll(async () => {
  process.env.METADATA_SERVER_DETECTION = 'none';
  local = await startLocalAppCheck({ projectId: 'demo-endpoint-callable' });
  appCheckApp = local.adminApp();
  mounted = await mountFunctions(endpoints);
});
afterAll(async () => {
  await mounted?.close();
  await local?.stop();
});
beforeEach(() => {
  limiters = new Map();
  seen.length = 0;
  aborted.length = 0;
  logs.length = 0;
  process.env.APP_CHECK = 'off';
});
afterEach(() => {
  process.env = { ...savedEnv };
});

interface CallableError {
  status: string;
  message: string;
  details: { code: string; requestId: string; retryAfterSeconds?: number } & Record<string, unknown>;
}

interface CallOptions {
  token?: string | null;
  headers?: Record<string, string>;
  stream?: boolean;
  signal?: AbortSignal;
}

function post(name: string, body: unknown, { token = 'token-alice', headers = {}, stream, signal }: CallOptions = {}) {
  return fetch(mounted.url(name), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(stream ? { accept: 'text/event-stream' } : {}),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });
}

async function call(name: string, data: unknown, options: CallOptions = {}) {
  const res = await post(name, { data }, options);
  const json = (await res.json()) as { result?: unknown; error?: CallableError };
  return { status: res.status, headers: res.headers, json };
}

/** A callable stream as the SDKs read it: the `data:` lines' JSON, in order; plus the raw text. */
async function callStream(name: string, data: unknown, options: CallOptions = {}) {
  const res = await post(name, { data }, { ...options, stream: true });
  const text = await res.text();
  const lines = text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)) as { message?: unknown; result?: unknown; error?: CallableError });
  return { status: res.status, headers: res.headers, text, lines };
}

describe('callable requests at a REST URL', () => {
  it('answers {data} with {result}: the same handler, the uid from the token', async () => {
    const res = await call('echo', { message: 'hi', count: 2 }, { token: 'token-bob' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ result: { uid: 'bob', echoed: { message: 'hi', count: 2 } } });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(res.headers.get('ratelimit-remaining')).toBe('2');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(logs.find((entry) => entry.message === 'request')).toMatchObject({
      protocol: 'callable',
      uid: 'bob',
      status: 200,
    });
  });

  it('keeps REST for any other body: {data} beside another key is an invalid REST body', async () => {
    const res = await post('echo', { data: { message: 'hi' }, message: 'rest' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ echoed: { message: 'rest' } });
    const wrapped = await post('echo', { data: { message: 'hi' }, extra: 1 });
    expect(wrapped.status).toBe(400);
    expect(((await wrapped.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
  });

  it('reads data null (an SDK call without arguments) as {}, so the schema names what is missing under data', async () => {
    const res = await call('echo', null);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({
      status: 'INVALID_ARGUMENT',
      message: 'The request is invalid: data.message',
      details: { code: 'invalid_request', issues: [{ location: 'data', path: ['message'] }] },
    });
  });

  it('takes data as the query of a GET endpoint (callables are always POST)', async () => {
    expect(await call('listing', { limit: 7 })).toMatchObject({ status: 200, json: { result: { limit: 7 } } });
    expect(await call('listing', null)).toMatchObject({ status: 200, json: { result: { limit: 3 } } });
    const bad = await call('listing', { limit: 70 });
    expect(bad.json.error).toMatchObject({
      status: 'INVALID_ARGUMENT',
      details: { issues: [{ location: 'data', path: ['limit'] }] },
    });
  });

  it("decodes the SDKs' Int64Value numbers, and refuses any other @type with a 400 naming it", async () => {
    const long = { '@type': 'type.googleapis.com/google.protobuf.Int64Value', value: '42' };
    expect((await call('echo', { message: 'n', count: long })).json.result).toMatchObject({ echoed: { count: 42 } });
    const other = await call('echo', { message: 'n', count: { '@type': 'type.example/Other', value: '1' } });
    expect(other.status).toBe(400);
    expect(other.json.error?.details).toMatchObject({
      code: 'invalid_request',
      issues: [{ location: 'data', path: ['count'], code: 'invalid_type' }],
    });
  });

  it('refuses deep nesting and oversized data as INVALID_ARGUMENT, before any recursion over it', async () => {
    // 30,000 levels in 60 kB (under the 64 KiB limit): enough to overflow a recursive decoder's stack.
    const deep = `{"data":${'['.repeat(30_000)}${']'.repeat(30_000)}}`;
    const nested = await post('streams', deep);
    expect(nested.status).toBe(400);
    expect(((await nested.json()) as { error: CallableError }).error.details).toMatchObject({
      code: 'invalid_request',
      issues: [{ code: 'too_deep' }],
    });
    const big = await call('echo', { message: 'x'.repeat(2000) });
    expect(big.json.error).toMatchObject({
      status: 'INVALID_ARGUMENT',
      details: { code: 'payload_too_large', maxBytes: 1024 },
    });
  });
});

describe('errors the way the SDKs read them', () => {
  it.each([
    [400, 'INVALID_ARGUMENT'],
    [401, 'UNAUTHENTICATED'],
    [403, 'PERMISSION_DENIED'],
    [404, 'NOT_FOUND'],
    [409, 'ABORTED'],
    [422, 'FAILED_PRECONDITION'],
    [429, 'RESOURCE_EXHAUSTED'],
    [503, 'UNAVAILABLE'],
    [504, 'DEADLINE_EXCEEDED'],
    [502, 'INTERNAL'],
    [418, 'INTERNAL'],
  ])('%i -> %s with our code, the request id and the REST details', async (status, name) => {
    const res = await call('fails', { status }, { headers: { 'x-request-id': `request-${status}` } });
    expect(res.json).toEqual({
      error: {
        status: name,
        message: `failed with ${status}`,
        details: { reason: 'test', code: `code_${status}`, requestId: `request-${status}` },
      },
    });
  });

  it('carries Retry-After as details.retryAfterSeconds (and as the header)', async () => {
    const res = await call('fails', { status: 503, retryAfter: '7' });
    expect(res.json.error?.details.retryAfterSeconds).toBe(7);
    expect(res.headers.get('retry-after')).toBe('7');
  });

  it('masks an unexpected error as INTERNAL: no stack, no secret', async () => {
    process.env.GEMINI_API_KEY = 'secret-value-123';
    const res = await call('fails', { status: 0 });
    expect(res.json.error).toMatchObject({ status: 'INTERNAL', details: { code: 'internal' } });
    expect(JSON.stringify(res.json)).not.toMatch(/secret-value-123|exploded|at .*\.ts/);
  });

  it("the request layer's own refusals: auth, revocation outage, rate limit, each with its code", async () => {
    expect((await call('echo', { message: 'a' }, { token: null })).json.error).toMatchObject({
      status: 'UNAUTHENTICATED',
      details: { code: 'unauthenticated' },
    });
    expect((await call('echo', { message: 'a' }, { token: 'forged' })).json.error).toMatchObject({
      status: 'UNAUTHENTICATED',
      details: { code: 'invalid_token' },
    });
    // A token that could not be checked is not the user's fault: never UNAUTHENTICATED (the app would sign out).
    expect((await call('echo', { message: 'a' }, { token: 'token-auth-down' })).json.error).toMatchObject({
      status: 'UNAVAILABLE',
      details: { code: 'auth_unavailable', retryAfterSeconds: 5 },
    });
    for (let i = 0; i < 3; i++) expect((await call('echo', { message: 'a' })).status).toBe(200);
    const limited = await call('echo', { message: 'a' });
    expect(limited.json.error).toMatchObject({
      status: 'RESOURCE_EXHAUSTED',
      details: { code: 'rate_limited', limit: 3 },
    });
    expect(limited.json.error?.details.retryAfterSeconds).toBe(50);
  });

  it('checks in the REST order: identity before input, input before the rate limit', async () => {
    expect((await call('echo', { message: 5 }, { token: null })).json.error?.details.code).toBe('unauthenticated');
    for (let i = 0; i < 5; i++)
      expect((await call('echo', { message: 5 })).json.error?.details.code).toBe('invalid_request');
    expect((await call('echo', { message: 'counted' })).status).toBe(200); // the refused ones were not counted
    expect(seen.map((s) => s.body)).toEqual([{ message: 'counted' }]);
  });

  it('maps every status of the issue table and nothing else to a named code', () => {
    expect([400, 401, 403, 404, 409, 413, 422, 429, 503, 504].map(callableCodeFor)).toEqual([
      'invalid-argument',
      'unauthenticated',
      'permission-denied',
      'not-found',
      'aborted',
      'invalid-argument',
      'failed-precondition',
      'resource-exhausted',
      'unavailable',
      'deadline-exceeded',
    ]);
    expect([405, 415, 418, 500, 502].map(callableCodeFor)).toEqual(Array(5).fill('internal'));
  });
});

describe('streams (.stream())', () => {
  it('opens with the padded comment, then one chunk per event ({type, ...data}), then the result', async () => {
    const res = await callStream('streams', { deltas: 2 });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const opening = res.text.slice(0, res.text.indexOf('\n\n') + 2);
    expect(opening.startsWith(':')).toBe(true);
    expect(Buffer.byteLength(opening)).toBe(STREAM_OPENING_BYTES);
    expect(res.text.indexOf('data:')).toBe(STREAM_OPENING_BYTES);
    expect(res.lines).toEqual([
      { message: { type: 'start', id: 'm1' } },
      { message: { type: 'delta', text: 'w0' } },
      { message: { type: 'delta', text: 'w1' } },
      { result: { text: 'whole reply', finishReason: 'STOP' } },
    ]);
  });

  it('a plain call to a streaming endpoint returns the same result, no chunks', async () => {
    expect((await call('streams', { deltas: 3 })).json).toEqual({
      result: { text: 'whole reply', finishReason: 'STOP' },
    });
  });

  it('a failure after chunks is one error line inside the stream (status 200), and nothing after it', async () => {
    const res = await callStream(
      'streams',
      { deltas: 1, fail: true },
      { headers: { 'x-request-id': 'req-in-stream' } },
    );
    expect(res.status).toBe(200);
    expect(res.lines).toEqual([
      { message: { type: 'start', id: 'm1' } },
      { message: { type: 'delta', text: 'w0' } },
      {
        error: {
          status: 'FAILED_PRECONDITION',
          message: 'The reply was blocked',
          details: { category: 'hate_speech', code: 'blocked', requestId: 'req-in-stream' },
        },
      },
    ]);
  });

  it('a refusal before any chunk is in the stream too (what the SDKs read), after the opening', async () => {
    const res = await callStream('streams', { deltas: 1 }, { token: null });
    expect(res.status).toBe(200);
    expect(res.text.indexOf('data:')).toBe(STREAM_OPENING_BYTES);
    expect(res.lines).toEqual([{ error: expect.objectContaining({ status: 'UNAUTHENTICATED' }) }]);
  });

  it('REST streams open with the same padded comment', async () => {
    const res = await post('streams', { deltas: 1 });
    const text = await res.text();
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(text.startsWith(': ok')).toBe(true);
    expect(text.indexOf('event:')).toBe(STREAM_OPENING_BYTES);
  });

  it('a caller leaving mid-stream aborts the work', async () => {
    const controller = new AbortController();
    const res = await post(
      'streams',
      { data: { deltas: 1000, delayMs: 5 } },
      { stream: true, signal: controller.signal },
    );
    const reader = res.body!.getReader();
    let received = '';
    while ((received.match(/"delta"/g) ?? []).length < 3)
      received += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    await expect.poll(() => aborted, { timeout: 2000 }).toEqual(['streams']);
  });
});

describe('App Check by callable (hidden from onCall, checked by the request layer)', () => {
  it('enforce: UNAUTHENTICATED app_check_failed without a token; a valid token passes', async () => {
    process.env.APP_CHECK = 'enforce';
    expect((await call('guarded', { message: 'a' })).json.error).toMatchObject({
      status: 'UNAUTHENTICATED',
      details: { code: 'app_check_failed', reason: 'missing' },
    });
    const ok = await call('guarded', { message: 'a' }, { headers: { 'x-firebase-appcheck': local.mint() } });
    expect(ok.json).toEqual({ result: { uid: 'alice' } });
  });

  it('replay protection: a malformed call does not use up a limited-use token; a replay is refused', async () => {
    process.env.APP_CHECK = 'enforce';
    process.env.APP_CHECK_REPLAY_PROTECTION = 'true';
    const token = local.mint();
    const consumedBefore = local.requests.consume;
    const malformed = await call('guarded', { message: '' }, { headers: { 'x-firebase-appcheck': token } });
    expect(malformed.json.error?.details.code).toBe('invalid_request');
    expect(local.requests.consume).toBe(consumedBefore);
    expect((await call('guarded', { message: 'a' }, { headers: { 'x-firebase-appcheck': token } })).status).toBe(200);
    const replay = await call('guarded', { message: 'a' }, { headers: { 'x-firebase-appcheck': token } });
    expect(replay.json.error).toMatchObject({
      status: 'UNAUTHENTICATED',
      details: { code: 'app_check_failed', reason: 'replayed' },
    });
  });
});
