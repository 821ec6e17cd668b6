// Every answer of every function carries the API's security headers: no-store caching, nosniff, no
// framing, no referrer, same-origin resource policy, HSTS, and no X-Powered-By. Checked on every kind of
// answer the request layer and the features produce: 204 preflight, 401, 405, 404, a feature's answer
// (JSON, 200 or its own error; SSE for chatStream) and generateImage's SSE (Accept: text/event-stream).
// In-process (real HTTP, real Auth emulator tokens) for all of those, and through the real Functions
// emulator for the JSON answers (the emulator answers preflights itself, see src/lib/platform/http/responses.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GeminiServerControl } from '../../dev/gemini-server/control-client.js';
import { EXAMPLE_REQUESTS, FUNCTION_NAMES, type FunctionName } from '../support/example-requests.js';
import { applyServiceEnv, functionUrl, signUp, type SignedUpUser } from '../support/services.js';
import { loadFunctions } from '../support/functions.js';
import { mountFunctions, type MountedFunctions } from '../support/mount.js';

/** The policy, spelled out here rather than imported: the test is the specification. */
const EXPECTED_HEADERS: Record<string, string> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
};

interface Answer {
  status: number;
  headers: Headers;
  contentType: string;
}

interface CallOptions {
  method?: string;
  token?: string;
  path?: string;
  headers?: Record<string, string>;
  /** Send the function's valid example body (default: when the method is POST). */
  body?: boolean;
}

async function call(url: string, name: FunctionName, options: CallOptions = {}): Promise<Answer> {
  const spec = EXAMPLE_REQUESTS[name];
  const method = options.method ?? spec.method;
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const sendBody = (options.body ?? method === 'POST') && spec.body !== undefined;
  if (sendBody) headers['content-type'] = 'application/json';
  const res = await fetch(url + (options.path ?? ''), {
    method,
    headers,
    body: sendBody ? JSON.stringify(spec.body) : undefined,
    signal: AbortSignal.timeout(60_000),
  });
  await res.text(); // streams included: every answer here ends
  return { status: res.status, headers: res.headers, contentType: res.headers.get('content-type') ?? '' };
}

/**
 * `viaEmulatorHub`: the Functions emulator answers through its own Express "hub" in front of the
 * function's worker, and that hub adds X-Powered-By after our code ran. Production has no such hop.
 */
function expectSecurityHeaders(answer: Answer, what: string, { viaEmulatorHub = false } = {}): void {
  const seen = Object.fromEntries(Object.keys(EXPECTED_HEADERS).map((name) => [name, answer.headers.get(name)]));
  expect(seen, `${what} (HTTP ${answer.status})`).toEqual(EXPECTED_HEADERS);
  if (!viaEmulatorHub) expect(answer.headers.get('x-powered-by'), what).toBeNull();
}

const savedEnv = { ...process.env };
let user: SignedUpUser;

beforeAll(async () => {
  const services = applyServiceEnv();
  process.env.RATE_LIMIT_PER_MINUTE = '1000';
  process.env.IMAGE_RATE_LIMIT_PER_MINUTE = '1000';
  delete process.env.UPSTASH_REDIS_REST_URL;
  delete process.env.UPSTASH_REDIS_REST_TOKEN;
  await new GeminiServerControl(services.gemini.url).reset(); // default replies only
  user = await signUp();
});
afterAll(() => {
  process.env = { ...savedEnv };
});

describe('security headers, in-process', () => {
  let mounted: MountedFunctions;

  beforeAll(async () => {
    mounted = await mountFunctions(await loadFunctions(FUNCTION_NAMES));
  });
  afterAll(async () => {
    await mounted?.close();
  });

  it.each(FUNCTION_NAMES)('%s: on the preflight, 401, 405 and 404 the request layer answers', async (name) => {
    const url = mounted.url(name);
    const preflight = await call(url, name, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.test', 'access-control-request-method': EXAMPLE_REQUESTS[name].method },
    });
    expect(preflight.status).toBe(204);
    expectSecurityHeaders(preflight, 'preflight');

    const anonymous = await call(url, name);
    expect(anonymous.status).toBe(401);
    expectSecurityHeaders(anonymous, '401');

    const wrongMethod = await call(url, name, {
      method: EXAMPLE_REQUESTS[name].method === 'GET' ? 'PUT' : 'GET',
      token: user.idToken,
      body: false,
    });
    expect(wrongMethod.status).toBe(405);
    expectSecurityHeaders(wrongMethod, '405');

    // suggestions takes one path segment (a uid); two are not a resource of any function.
    const noSuchPath = await call(url, name, { token: user.idToken, path: '/no/such' });
    expect([400, 404]).toContain(noSuchPath.status);
    expectSecurityHeaders(noSuchPath, 'unknown path');
  });

  it.each(FUNCTION_NAMES)("%s: on the feature's own answer", async (name) => {
    const answer = await call(mounted.url(name), name, {
      token: user.idToken,
      path: name === 'suggestions' ? `/${user.uid}` : '',
    });
    expect(answer.status).toBeLessThan(500);
    expect(answer.contentType).toMatch(name === 'chatStream' ? /^text\/event-stream/ : /^application\/json/);
    expectSecurityHeaders(answer, 'feature answer');
  });

  it('on SSE streams: chatStream and generateImage with Accept: text/event-stream', async () => {
    for (const name of ['chatStream', 'generateImage'] as const) {
      const answer = await call(mounted.url(name), name, {
        token: user.idToken,
        headers: { accept: 'text/event-stream' },
      });
      expect(answer.status, name).toBe(200);
      expect(answer.contentType, name).toMatch(/^text\/event-stream/);
      expectSecurityHeaders(answer, `${name} stream`);
    }
  });
});

describe('security headers, through the Functions emulator', () => {
  it.each(FUNCTION_NAMES)('%s: on a 401 and on an authenticated answer', async (name) => {
    const url = functionUrl(name);
    const anonymous = await call(url, name);
    expect(anonymous.status).toBe(401);
    expectSecurityHeaders(anonymous, '401', { viaEmulatorHub: true });

    const answer = await call(url, name, { token: user.idToken, path: name === 'suggestions' ? `/${user.uid}` : '' });
    expect(answer.status).toBeLessThan(500);
    expectSecurityHeaders(answer, 'authenticated answer', { viaEmulatorHub: true });
  });
});
