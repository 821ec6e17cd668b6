// The request layer end to end over real loopback HTTP, with the framework's body parsing (mount.ts).
// No services: the ID token verifier and the limiter are injected fakes/in-memory.
import type { DecodedIdToken } from 'firebase-admin/auth';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { captureLogs } from '../../../support/logs.js';

const logs: Array<Record<string, unknown>> = captureLogs().entries;

import { defineEndpoint, HttpError, type EndpointDeps } from '../../../../src/lib/platform/http/index.js';
import { MAX_REPORTED_ISSUES } from '../../../../src/lib/platform/http/request-checks.js';
import { MAX_INPUT_VALUES } from '../../../../src/lib/platform/http/request-checks.js';
import { MemorySlidingWindowLimiter } from '../../../../src/lib/platform/rate-limit/memory-sliding-window.js';
import { mountFunctions, type MountedFunctions } from '../../../support/mount.js';

const TOKENS: Record<string, string> = { 'token-alice': 'alice', 'token-bob': 'bob' };

function authError(code: string): Error {
  return Object.assign(new Error(`fake ${code}`), { code });
}

const deps: Partial<EndpointDeps> = {
  verifyIdToken: async (idToken) => {
    if (idToken === 'token-auth-down') throw authError('auth/internal-error');
    const uid = TOKENS[idToken];
    if (!uid) throw authError('auth/argument-error');
    return { uid } as DecodedIdToken;
  },
};

// The limiter's window is computed from this clock: 10 s into a minute, so a counted sequence never
// straddles a minute boundary (the previous minute's weight would round an earlier call away).
const clock = (): number => Date.UTC(2026, 4, 1, 12, 0, 10);
let limiters = new Map<string, MemorySlidingWindowLimiter>();
const limitedDeps: Partial<EndpointDeps> = {
  ...deps,
  clock,
  rateLimiter: (bucket, perMinute) => {
    const key = `${bucket}:${perMinute}`;
    let limiter = limiters.get(key);
    if (!limiter)
      limiters.set(key, (limiter = new MemorySlidingWindowLimiter({ limit: perMinute, windowMs: 60_000, clock })));
    return limiter;
  },
};

const echo = defineEndpoint(
  {
    name: 'echo',
    method: 'POST',
    body: z.object({ message: z.string().min(1), tags: z.array(z.string()).max(2).optional() }),
    query: z.object({ mode: z.enum(['a', 'b']).optional() }),
    maxBodyBytes: 1024,
    rateLimit: { bucket: 'echo', perMinute: 3 },
    handle: ({ scope: { uid }, body, query, requestId }) => ({ uid, body, query, requestId }),
  },
  limitedDeps,
);

const byPath = defineEndpoint(
  {
    name: 'byPath',
    method: 'GET',
    path: z.union([z.tuple([]), z.tuple([z.string().regex(/^[a-z]+$/)])]),
    rateLimit: false,
    handle: ({ path }) => ({ status: 202, body: { path }, headers: { 'X-Extra': 'yes' } }),
  },
  deps,
);

const failing = defineEndpoint(
  {
    name: 'failing',
    method: 'GET',
    rateLimit: false,
    handle: () => {
      throw new Error(`database exploded with key ${process.env.GEMINI_API_KEY}`);
    },
  },
  deps,
);

const needsSecret = defineEndpoint(
  {
    name: 'needsSecret',
    method: 'GET',
    rateLimit: false,
    requiredSecrets: ['GEMINI_API_KEY'],
    handle: () => ({ ok: true }),
  },
  deps,
);

/** Answers whether the handler was given the secret's value (never the value itself). */
const passesSecret = defineEndpoint(
  {
    name: 'passesSecret',
    method: 'GET',
    rateLimit: false,
    requiredSecrets: ['GEMINI_API_KEY'],
    handle: ({ secrets }) => {
      // @ts-expect-error only the declared secrets are on the context
      void secrets.UPSTASH_REDIS_REST_TOKEN;
      return { given: secrets.GEMINI_API_KEY === process.env.GEMINI_API_KEY, names: Object.keys(secrets) };
    },
  },
  deps,
);

const teapot = defineEndpoint(
  {
    name: 'teapot',
    method: 'GET',
    rateLimit: false,
    handle: () => {
      throw new HttpError(418, 'teapot', 'short and stout', {
        details: { spout: 1 },
        headers: { 'X-Tea': 'earl grey' },
      });
    },
  },
  deps,
);

let mounted: MountedFunctions;
const savedEnv = { ...process.env };

beforeAll(async () => {
  mounted = await mountFunctions({ echo, byPath, failing, needsSecret, passesSecret, teapot });
});
afterAll(async () => {
  await mounted.close();
});
beforeEach(() => {
  logs.length = 0;
  limiters = new Map();
  process.env.CORS_ORIGINS = 'https://app.example.com, https://*.preview.example.com';
  delete process.env.GEMINI_API_KEY;
});
afterEach(() => {
  process.env = { ...savedEnv };
});

interface CallOptions {
  method?: string;
  token?: string | null;
  contentType?: string | null;
  body?: string;
  headers?: Record<string, string>;
  path?: string;
}

async function call(name: string, options: CallOptions = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== null) headers.authorization = `Bearer ${options.token ?? 'token-alice'}`;
  if (options.contentType !== null && options.body !== undefined) {
    headers['content-type'] = options.contentType ?? 'application/json';
  }
  const res = await fetch(mounted.url(name) + (options.path ?? ''), {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    body: options.body,
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

describe('identity', () => {
  it('answers 401 unauthenticated without a bearer token', async () => {
    const res = await call('echo', { token: null, body: '{"message":"hi"}' });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('unauthenticated');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('answers 401 invalid_token when the verifier rejects the token', async () => {
    const res = await call('echo', { token: 'forged', body: '{"message":"hi"}' });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('invalid_token');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('answers 503 (not 401) when the token could not be checked at all', async () => {
    const res = await call('echo', { token: 'token-auth-down', body: '{"message":"hi"}' });
    expect(res.status).toBe(503);
    expect(res.json.error.code).toBe('auth_unavailable');
  });

  it('passes the uid from the token to the handler, never from the body', async () => {
    const res = await call('echo', { token: 'token-bob', body: '{"message":"hi","uid":"alice"}' });
    expect(res.status).toBe(200);
    expect(res.json.uid).toBe('bob');
    expect(res.json.body).toEqual({ message: 'hi' });
  });
});

describe('request checks', () => {
  it('answers 405 with Allow for the wrong method', async () => {
    const res = await call('echo', { method: 'PUT', body: '{"message":"hi"}' });
    expect(res.status).toBe(405);
    expect(res.json.error.code).toBe('method_not_allowed');
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
  });

  it('answers 415 for a non-JSON content type', async () => {
    const res = await call('echo', { contentType: 'text/plain', body: 'message=hi' });
    expect(res.status).toBe(415);
    expect(res.json.error.code).toBe('unsupported_media_type');
  });

  it('answers 413 for a body over the endpoint limit', async () => {
    const res = await call('echo', { body: JSON.stringify({ message: 'x'.repeat(2000) }) });
    expect(res.status).toBe(413);
    expect(res.json.error).toMatchObject({ code: 'payload_too_large', details: { maxBytes: 1024 } });
  });

  it('leaves malformed application/json to the framework (400, not our shape), like the emulator', async () => {
    const res = await call('echo', { body: '{"message": oops' });
    expect(res.status).toBe(400);
    expect(res.json).toBeUndefined();
    expect(logs.some((entry) => entry.endpoint === 'echo')).toBe(false); // our handler never ran
  });

  it('answers 400 invalid_json for malformed +json bodies, which reach us unparsed', async () => {
    const res = await call('echo', { contentType: 'application/vnd.api+json', body: '{"message": oops' });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('invalid_json');
  });

  it('accepts a well-formed +json body', async () => {
    const res = await call('echo', { contentType: 'application/merge-patch+json', body: '{"message":"hi"}' });
    expect(res.status).toBe(200);
    expect(res.json.body).toEqual({ message: 'hi' });
  });

  it('answers 400 invalid_request listing every issue with its location and path', async () => {
    const res = await call('echo', { path: '?mode=c', body: '{"message":"","tags":["a","b","c"]}' });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('invalid_request');
    const where = res.json.error.details.issues.map((issue: { location: string; path: unknown[] }) =>
      [issue.location, ...issue.path].join('.'),
    );
    expect(where.sort()).toEqual(['body.message', 'body.tags', 'query.mode']);
  });

  it('reads an empty JSON body as {} so the schema names the missing fields', async () => {
    const res = await call('echo', { body: '' });
    expect(res.status).toBe(400);
    expect(res.json.error.details.issues[0]).toMatchObject({ location: 'body', path: ['message'] });
  });

  it('validates path segments and 404s extra paths on endpoints without a path schema', async () => {
    expect((await call('byPath', { path: '/abc' })).json).toEqual({ path: ['abc'] });
    expect((await call('byPath', { path: '/ABC' })).status).toBe(400);
    expect((await call('failing', { path: '/anything' })).status).toBe(404);
  });

  it('sends a {status, body, headers} result as given', async () => {
    const res = await call('byPath');
    expect(res.status).toBe(202);
    expect(res.headers.get('x-extra')).toBe('yes');
    expect(res.json).toEqual({ path: [] });
  });
});

describe('input shape (before any schema, for every endpoint)', () => {
  const issuesOf = (res: { json: any }) =>
    res.json.error.details.issues.map(
      (issue: { location: string; path: unknown[]; code: string }) =>
        `${issue.code}@${[issue.location, ...issue.path].join('.')}`,
    );

  it('answers 400 invalid_request naming a lone surrogate in a string field (JSON \\ud800)', async () => {
    // Raw JSON text: JSON.stringify would escape it the same way; the parsed string is ill-formed.
    const res = await call('echo', { body: '{"message":"hi \\ud800","tags":["ok","\\udc00"]}' });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('invalid_request');
    expect(issuesOf(res)).toEqual(['ill_formed_string@body.message', 'ill_formed_string@body.tags.1']);
    expect(res.json.error.message).toBe('The request is invalid: body.message, body.tags.1');
  });

  it('refuses an ill-formed key or value the schema would have stripped unseen', async () => {
    const key = await call('echo', { body: '{"message":"hi","\\ud800x":1}' });
    expect([key.status, ...issuesOf(key)]).toEqual([400, 'ill_formed_string@body.\ufffdx']);
    const value = await call('echo', { body: '{"message":"hi","extra":{"note":"\\udfff"}}' });
    expect([value.status, ...issuesOf(value)]).toEqual([400, 'ill_formed_string@body.extra.note']);
  });

  it('refuses deep nesting, even in fields no schema names', async () => {
    const deep = await call('echo', { body: `{"message":"hi","extra":${'['.repeat(40)}${']'.repeat(40)}}` });
    expect(deep.status).toBe(400);
    expect(issuesOf(deep)[0]).toMatch(/^too_deep@body\.extra(\.0)+$/);
  });

  it('accepts surrogate pairs (emoji) as they are', async () => {
    const res = await call('echo', { body: '{"message":"\\ud83d\\ude00 ok"}' });
    expect([res.status, res.json.body]).toEqual([200, { message: '😀 ok' }]);
  });

  it('names the path segment that is not UTF-8 (a percent-encoded lone surrogate)', async () => {
    const res = await call('byPath', { path: '/%ED%A0%80' });
    expect(res.status).toBe(400);
    expect(issuesOf(res)).toEqual(['invalid_format@path.0']);
  });

  it('gets query values as URL parsing leaves them: invalid UTF-8 becomes U+FFFD, never a lone surrogate', async () => {
    // So the schema, not the shape check, refuses it here (enum a|b).
    const res = await call('echo', { path: '?mode=%ED%A0%80', body: '{"message":"hi"}' });
    expect(issuesOf(res)).toEqual(['invalid_value@query.mode']);
  });

  it('does not count shape-rejected requests against the rate limit', async () => {
    for (let i = 0; i < 5; i++) expect((await call('echo', { body: '{"message":"\\ud800"}' })).status).toBe(400);
    expect((await call('echo', { body: '{"message":"hi"}' })).status).toBe(200);
  });
});

describe('many values', () => {
  const many = defineEndpoint(
    { name: 'many', method: 'POST', body: z.object({ n: z.array(z.string()) }), rateLimit: false, handle: () => ({}) },
    deps,
  );
  let local: MountedFunctions;
  beforeAll(async () => {
    local = await mountFunctions({ many });
  });
  afterAll(async () => {
    await local.close();
  });
  const post = async (body: unknown) => {
    const res = await fetch(local.url('many'), {
      method: 'POST',
      headers: { authorization: 'Bearer token-alice', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      json: (await res.json()) as {
        error: {
          message: string;
          details: { issues: Array<{ code: string; path: unknown[] }>; omittedIssues?: number };
        };
      },
    };
  };

  it(`refuses a body of more than ${MAX_INPUT_VALUES} values before the schema runs`, async () => {
    // Had the schema run first, it would have reported a thousand invalid_type issues.
    const res = await post({ n: Array(MAX_INPUT_VALUES).fill(0) });
    expect(res.status).toBe(400);
    expect(res.json.error.details.issues).toEqual([expect.objectContaining({ code: 'too_many_values', path: ['n'] })]);
  });

  it('reports at most MAX_REPORTED_ISSUES schema issues and says how many were left out', async () => {
    const res = await post({ n: Array(100).fill(1) });
    expect(res.status).toBe(400);
    expect(res.json.error.details.issues).toHaveLength(MAX_REPORTED_ISSUES);
    expect(res.json.error.details.omittedIssues).toBe(100 - MAX_REPORTED_ISSUES);
    expect(res.json.error.message).toMatch(/\(and 80 more\)$/);
  });
});

describe('errors', () => {
  it('masks unexpected errors as 500 internal and logs the cause without secret values', async () => {
    process.env.GEMINI_API_KEY = 'super-secret-key-123';
    const res = await call('failing', { headers: { 'x-request-id': 'req-abcdef-123' } });
    expect(res.status).toBe(500);
    expect(res.json.error).toMatchObject({ code: 'internal', requestId: 'req-abcdef-123' });
    expect(res.text).not.toContain('exploded');
    const failure = logs.find((entry) => entry.message === 'request failed');
    expect(failure).toMatchObject({ severity: 'ERROR', requestId: 'req-abcdef-123', endpoint: 'failing' });
    const logged = JSON.stringify(failure);
    expect(logged).toContain('database exploded');
    expect(logged).not.toContain('super-secret-key-123');
  });

  it('sends an HttpError with its status, code, details and headers', async () => {
    const res = await call('teapot');
    expect(res.status).toBe(418);
    expect(res.headers.get('x-tea')).toBe('earl grey');
    expect(res.json.error).toEqual({
      code: 'teapot',
      message: 'short and stout',
      details: { spout: 1 },
      requestId: res.headers.get('x-request-id'),
    });
  });

  it('answers 503 not_configured naming a missing secret, and runs once it is set', async () => {
    const missing = await call('needsSecret');
    expect(missing.status).toBe(503);
    expect(missing.json.error).toMatchObject({ code: 'not_configured', details: { missing: ['GEMINI_API_KEY'] } });
    process.env.GEMINI_API_KEY = 'now-configured-value';
    const ok = await call('needsSecret');
    expect(ok.status).toBe(200);
    expect(ok.text).not.toContain('now-configured-value');
  });

  it('hands the checked secrets to the handler, and only those it declared', async () => {
    process.env.GEMINI_API_KEY = 'configured-value-42';
    const res = await call('passesSecret');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ given: true, names: ['GEMINI_API_KEY'] });
  });
});

describe('request ids', () => {
  it('reuses a sane incoming X-Request-Id and logs it', async () => {
    const res = await call('echo', { body: '{"message":"hi"}', headers: { 'x-request-id': 'client-req-0001' } });
    expect(res.headers.get('x-request-id')).toBe('client-req-0001');
    expect(res.json.requestId).toBe('client-req-0001');
    expect(logs.some((entry) => entry.requestId === 'client-req-0001' && entry.message === 'request')).toBe(true);
  });

  it('replaces an unsafe one with a generated id', async () => {
    const res = await call('echo', { body: '{"message":"hi"}', headers: { 'x-request-id': 'bad id\twith "quotes"' } });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.json.requestId).toBe(id);
  });
});

describe('CORS', () => {
  it('answers a preflight with 204 without auth, for an allowed origin', async () => {
    const res = await call('echo', {
      method: 'OPTIONS',
      token: null,
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(res.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toContain('Authorization');
  });

  it('echoes allowed origins (wildcard subdomains too) on errors and exposes our headers', async () => {
    const res = await call('echo', {
      token: null,
      body: '{}',
      headers: { origin: 'https://pr-7.preview.example.com' },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://pr-7.preview.example.com');
    expect(res.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
  });

  it('sends no allow-origin for an origin not in CORS_ORIGINS', async () => {
    const res = await call('echo', {
      method: 'OPTIONS',
      token: null,
      headers: { origin: 'https://evil.example.org', 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows any origin with the default CORS_ORIGINS=*', async () => {
    delete process.env.CORS_ORIGINS;
    const res = await call('echo', { body: '{"message":"hi"}', headers: { origin: 'https://anything.test' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://anything.test');
  });
});

describe('rate limiting', () => {
  it('sends RateLimit-* headers, then 429 with Retry-After after the limit, per uid', async () => {
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call('echo', { body: '{"message":"hi"}' });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBe('3');
      remaining.push(res.headers.get('ratelimit-remaining')!);
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const blocked = await call('echo', { body: '{"message":"hi"}' });
    expect(blocked.status).toBe(429);
    expect(blocked.json.error.code).toBe('rate_limited');
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBe(50);
    expect(blocked.headers.get('ratelimit-remaining')).toBe('0');
    // Another user has their own budget.
    expect((await call('echo', { token: 'token-bob', body: '{"message":"hi"}' })).status).toBe(200);
  });

  it('does not count requests rejected before the limiter (invalid ones)', async () => {
    for (let i = 0; i < 5; i++) expect((await call('echo', { body: '{"message":""}' })).status).toBe(400);
    expect((await call('echo', { body: '{"message":"hi"}' })).status).toBe(200);
  });
});
