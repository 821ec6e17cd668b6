// `requiresGemini` and `requiresTextModel`: the request layer checks what GEMINI_BACKEND (or TEXT_BACKEND)
// needs once, before the rate limit and the handler, answers 503 not_configured naming what is missing,
// and hands the access to the handler.
import type { DecodedIdToken } from 'firebase-admin/auth';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defineEndpoint } from '../../../../src/lib/platform/http/index.js';
import { mountFunctions, type MountedFunctions } from '../../../support/mount.js';

const ENV = [
  'GEMINI_API_KEY',
  'GEMINI_BACKEND',
  'GEMINI_VERTEX_PROJECT',
  'GEMINI_VERTEX_LOCATION',
  'GCLOUD_PROJECT',
  'TEXT_BACKEND',
  'OPENAI_BASE_URL',
  'OPENAI_MODEL',
  'OPENAI_API_KEY',
];
const saved = { ...process.env };
let handled = 0;
let limited = 0;

const usesGemini = defineEndpoint(
  {
    name: 'usesGemini',
    method: 'GET',
    requiresGemini: true,
    rateLimit: { bucket: 'g', perMinute: 100 },
    handle: ({ gemini }) => {
      handled++;
      return gemini.backend === 'vertex-ai'
        ? { backend: gemini.backend, project: gemini.project, location: gemini.location }
        : { backend: gemini.backend, hasKey: gemini.apiKey.length > 0 };
    },
  },
  {
    verifyIdToken: async () => ({ uid: 'alice' }) as DecodedIdToken,
    rateLimiter: () => ({
      consume: async () => {
        limited++;
        return { allowed: true, limit: 100, remaining: 99, resetMs: 60_000 } as never;
      },
    }),
  },
);

/** Like chat: the text backend, whichever it is. */
const usesText = defineEndpoint(
  {
    name: 'usesText',
    method: 'GET',
    requiresTextModel: true,
    rateLimit: { bucket: 't', perMinute: 100 },
    handle: ({ text }) => {
      handled++;
      return text.backend === 'gemini'
        ? { backend: text.backend, model: text.model }
        : { backend: text.backend, model: text.model, baseUrl: text.baseUrl, hasKey: text.apiKey !== undefined };
    },
  },
  {
    verifyIdToken: async () => ({ uid: 'alice' }) as DecodedIdToken,
    rateLimiter: () => ({
      consume: async () => {
        limited++;
        return { allowed: true, limit: 100, remaining: 99, resetMs: 60_000 } as never;
      },
    }),
  },
);

let mounted: MountedFunctions;
beforeAll(async () => {
  for (const name of ENV) delete process.env[name];
  mounted = await mountFunctions({ usesGemini, usesText });
});
afterEach(() => {
  for (const name of ENV) delete process.env[name];
});
afterAll(async () => {
  await mounted.close();
  process.env = saved;
});

async function call(name = 'usesGemini'): Promise<{ status: number; json: any; text: string }> {
  const res = await fetch(mounted.url(name), { headers: { authorization: 'Bearer t' } });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text), text };
}

describe('requiresGemini', () => {
  it('developer-api: 503 naming GEMINI_API_KEY before the limiter and the handler; then the key, never echoed', async () => {
    const missing = await call();
    expect(missing.status).toBe(503);
    expect(missing.json.error).toMatchObject({ code: 'not_configured', details: { missing: ['GEMINI_API_KEY'] } });
    expect([handled, limited]).toEqual([0, 0]);
    process.env.GEMINI_API_KEY = 'a-configured-key-1';
    const ok = await call();
    expect(ok.json).toEqual({ backend: 'developer-api', hasKey: true });
    expect(ok.text).not.toContain('a-configured-key-1');
  });

  it('vertex-ai: no key needed; 503 naming GEMINI_VERTEX_PROJECT without a project', async () => {
    process.env.GEMINI_BACKEND = 'vertex-ai';
    const missing = await call();
    expect(missing.json.error).toMatchObject({ details: { missing: ['GEMINI_VERTEX_PROJECT'] } });
    process.env.GCLOUD_PROJECT = 'demo-p';
    expect((await call()).json).toEqual({ backend: 'vertex-ai', project: 'demo-p', location: 'global' });
  });
});

describe('requiresTextModel', () => {
  it('openai-compatible: chat needs no Gemini key, while images (Gemini) still answer 503 naming it', async () => {
    Object.assign(process.env, { TEXT_BACKEND: 'openai-compatible', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' });
    const before = [handled, limited];
    const missing = await call('usesText');
    expect(missing.status).toBe(503);
    expect(missing.json.error).toMatchObject({ code: 'not_configured', details: { missing: ['OPENAI_MODEL'] } });
    expect([handled, limited]).toEqual(before);
    Object.assign(process.env, { OPENAI_MODEL: 'qwen2.5', OPENAI_API_KEY: 'sk-local-secret-1' });
    const ok = await call('usesText');
    expect(ok.json).toEqual({
      backend: 'openai-compatible',
      model: 'qwen2.5',
      baseUrl: 'http://127.0.0.1:9/v1',
      hasKey: true,
    });
    expect(ok.text).not.toContain('sk-local-secret-1');
    const images = await call('usesGemini');
    expect(images.json.error).toMatchObject({ code: 'not_configured', details: { missing: ['GEMINI_API_KEY'] } });
  });

  it('gemini (the default): what GEMINI_BACKEND needs, named when missing', async () => {
    expect((await call('usesText')).json.error).toMatchObject({ details: { missing: ['GEMINI_API_KEY'] } });
    process.env.GEMINI_API_KEY = 'a-configured-key-2';
    expect((await call('usesText')).json).toEqual({ backend: 'gemini', model: 'gemini-flash-latest' });
  });
});
