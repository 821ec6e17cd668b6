// End to end through the REAL Functions and Auth emulators (firebase-tools), over HTTP, with real
// emulator ID tokens. Asserts what the request layer guarantees for every function, whatever its
// feature answers: authentication first, a request id on every response (echoed when the caller
// sent a sane one), the standard error body, RateLimit headers once authenticated, and wiring of
// the configuration (no `not_configured`: the emulator passed our Gemini/Upstash/S3 settings on).
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { OFFLINE_MARK } from '../../dev/gemini-server/index.js';
import { EXAMPLE_REQUESTS, FUNCTION_NAMES, type FunctionName } from '../support/example-requests.js';
import { functionUrl, getServices, signUp, type SignedUpUser } from '../support/services.js';

const FUNCTIONS = EXAMPLE_REQUESTS;
const NAMES = FUNCTION_NAMES;

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; requestId?: unknown };
}

/** The first string anywhere in a JSON value that satisfies `test`. */
function findString(value: unknown, test: (value: string) => boolean): string | undefined {
  if (typeof value === 'string') return test(value) ? value : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const child of Object.values(value)) {
    const found = findString(child, test);
    if (found !== undefined) return found;
  }
  return undefined;
}

async function call(name: FunctionName, options: { token?: string; requestId?: string } = {}) {
  const spec = FUNCTIONS[name];
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.requestId !== undefined) headers['x-request-id'] = options.requestId;
  if (spec.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(functionUrl(name), {
    method: spec.method,
    headers,
    body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
    signal: AbortSignal.timeout(60_000),
  });
  // A stream (chat once implemented) is not needed past its headers.
  const isStream = res.headers.get('content-type')?.startsWith('text/event-stream') ?? false;
  const text = isStream ? (await res.body?.cancel(), '') : await res.text();
  let json: ErrorBody | undefined;
  try {
    json = JSON.parse(text) as ErrorBody;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json };
}

describe('functions behind the real emulators', () => {
  let user: SignedUpUser;

  beforeAll(async () => {
    user = await signUp();
  });

  // An external emulator (FUNCTIONS_EMULATOR_BASE_URL) was not started by us: we saw no load report.
  it.skipIf(Boolean(process.env.FUNCTIONS_EMULATOR_BASE_URL))('the emulator loaded exactly the HTTPS functions', () => {
    const { functionsBaseUrl, functionsUnavailable, functionNames } = getServices();
    expect(functionsBaseUrl, functionsUnavailable).toBeDefined();
    // The seven AI functions, and the data functions (account-erasure.test.ts, data-deletion.test.ts).
    const dataFunctions = ['deleteConversation', 'deleteImage', 'exportData', 'deleteAccount'];
    expect([...functionNames].sort()).toEqual([...NAMES, ...dataFunctions, 'health'].sort());
  });

  it.each(NAMES)('%s: 401 unauthenticated without a token, with the request id echoed', async (name) => {
    const requestId = `e2e-${randomUUID()}`;
    const res = await call(name, { requestId });
    expect(res.status).toBe(401);
    expect(res.json?.error?.code).toBe('unauthenticated');
    expect(res.headers.get('x-request-id')).toBe(requestId);
    expect(res.json?.error?.requestId).toBe(requestId);
  });

  it.each(NAMES)('%s: 401 invalid_token for a token the Auth emulator did not issue', async (name) => {
    const res = await call(name, { token: 'not.a.token' });
    expect(res.status).toBe(401);
    expect(res.json?.error?.code).toBe('invalid_token');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it.each(NAMES)('%s: an emulator ID token gets past auth, rate limiting and configuration', async (name) => {
    const requestId = `e2e-${randomUUID()}`;
    const res = await call(name, { token: user.idToken, requestId });

    expect([401, 403]).not.toContain(res.status);
    expect(res.headers.get('x-request-id')).toBe(requestId);
    // Order in the request layer: auth, validation, secrets, rate limit, handler. Unless the body
    // was refused (the examples above trail a schema change), the caller was counted.
    if (res.json?.error?.code !== 'invalid_request') {
      expect(Number(res.headers.get('ratelimit-limit'))).toBeGreaterThan(0);
    }
    if (res.status >= 400) {
      expect(res.json?.error?.requestId).toBe(requestId);
      expect(typeof res.json?.error?.message).toBe('string');
      expect(res.json?.error?.code).not.toBe('not_configured');
    }
    if (res.status === 501) expect(res.json?.error?.code).toBe('not_implemented');
  });

  // Wiring: the emulator handed the functions our Gemini settings (GEMINI_BASE_URL in .env.local,
  // GEMINI_API_KEY in .secret.local), so a chat reply comes from the local Gemini-protocol server.
  it('chatMessage gets its reply from the local Gemini-protocol server', async () => {
    const res = await fetch(functionUrl('chatMessage'), {
      method: 'POST',
      headers: { authorization: `Bearer ${user.idToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(FUNCTIONS.chatMessage.body),
    });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(text).toContain(OFFLINE_MARK);
  });

  // Wiring: S3 endpoint, bucket and credentials reached the functions; the image lands in s3rver.
  it('generateImage stores its image in the local S3 bucket', async () => {
    const { s3 } = getServices();
    const res = await fetch(functionUrl('generateImage'), {
      method: 'POST',
      headers: { authorization: `Bearer ${user.idToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(FUNCTIONS.generateImage.body),
    });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const bucketUrl = `${s3.endpoint}/${s3.bucket}/`;
    const imageUrl = findString(JSON.parse(text), (value) => value.startsWith(bucketUrl));
    expect(imageUrl, `no ${bucketUrl} URL in ${text.slice(0, 500)}`).toBeDefined();
    const image = await fetch(imageUrl as string);
    expect(image.status).toBe(200);
    const head = Buffer.from(await image.arrayBuffer()).subarray(0, 4);
    // PNG or JPEG signature: real image bytes, not an error page.
    expect(
      head.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])) || head.subarray(0, 2).equals(Buffer.from([0xff, 0xd8])),
    ).toBe(true);
  });

  it('generates a request id when the caller sends none', async () => {
    const res = await call('suggestions', { token: user.idToken });
    const generated = res.headers.get('x-request-id');
    expect(generated).toMatch(/^[A-Za-z0-9._:@/+=-]{8,128}$/);
    if (res.status >= 400) expect(res.json?.error?.requestId).toBe(generated);
  });
});
