// TEXT_BACKEND and what each backend needs: the access the request layer hands to chat and
// explanations, and the 503 not_configured naming what is missing (never a value).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getConfig, readTextAccess, requireTextAccess } from '../../../../src/lib/platform/config/index.js';
import { HttpError } from '../../../../src/lib/platform/http/errors.js';

const NAMES = [
  'TEXT_BACKEND',
  'OPENAI_BASE_URL',
  'OPENAI_MODEL',
  'OPENAI_API_KEY',
  'GEMINI_API_KEY',
  'GEMINI_BACKEND',
  'GEMINI_TEXT_MODEL',
];
const saved = { ...process.env };
beforeEach(() => {
  for (const name of NAMES) delete process.env[name];
});
afterEach(() => {
  process.env = { ...saved };
});

function notConfigured(): { status: number; code: string; details: unknown; message: string } {
  try {
    requireTextAccess(getConfig());
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    const { status, code, details, message } = error as HttpError;
    return { status, code, details, message };
  }
  throw new Error('expected not_configured');
}

describe('requireTextAccess', () => {
  it('gemini (the default) needs what GEMINI_BACKEND needs, and answers with GEMINI_TEXT_MODEL', () => {
    expect(notConfigured()).toMatchObject({
      status: 503,
      code: 'not_configured',
      details: { missing: ['GEMINI_API_KEY'] },
    });
    process.env.GEMINI_API_KEY = 'gemini-secret';
    process.env.GEMINI_TEXT_MODEL = 'gemini-x';
    expect(requireTextAccess(getConfig())).toMatchObject({
      backend: 'gemini',
      model: 'gemini-x',
      gemini: { backend: 'developer-api' },
    });
  });

  it('openai-compatible needs OPENAI_BASE_URL and OPENAI_MODEL (both named), and no Gemini key', () => {
    process.env.TEXT_BACKEND = 'openai-compatible';
    expect(notConfigured()).toMatchObject({ details: { missing: ['OPENAI_BASE_URL', 'OPENAI_MODEL'] } });
    process.env.OPENAI_BASE_URL = 'http://127.0.0.1:8000/v1/';
    expect(notConfigured()).toMatchObject({ details: { missing: ['OPENAI_MODEL'] } });
    process.env.OPENAI_MODEL = 'llama-3.1-8b';
    expect(requireTextAccess(getConfig())).toEqual({
      backend: 'openai-compatible',
      baseUrl: 'http://127.0.0.1:8000/v1',
      apiKey: undefined,
      model: 'llama-3.1-8b',
    });
  });

  it('OPENAI_API_KEY is sent when set; "none" means no key; its value is never in an error', () => {
    Object.assign(process.env, {
      TEXT_BACKEND: 'OpenAI-Compatible',
      OPENAI_MODEL: 'm',
      OPENAI_BASE_URL: 'https://openrouter.ai/api/v1',
    });
    process.env.OPENAI_API_KEY = 'sk-or-very-secret';
    expect(requireTextAccess(getConfig())).toMatchObject({ apiKey: 'sk-or-very-secret' });
    process.env.OPENAI_API_KEY = 'none';
    expect(requireTextAccess(getConfig())).toMatchObject({ apiKey: undefined });
    process.env.OPENAI_API_KEY = 'sk-or-very-secret';
    process.env.OPENAI_BASE_URL = 'file:///etc/passwd';
    const refused = notConfigured();
    expect(refused).toMatchObject({ details: { missing: ['OPENAI_BASE_URL'] } });
    expect(refused.message).toContain('http(s) URL');
    expect(JSON.stringify(refused)).not.toContain('very-secret');
  });

  it('an unknown TEXT_BACKEND names TEXT_BACKEND; readTextAccess gives undefined instead of throwing', () => {
    process.env.TEXT_BACKEND = 'llama';
    expect(notConfigured()).toMatchObject({ details: { missing: ['TEXT_BACKEND'] } });
    expect(readTextAccess(getConfig())).toBeUndefined();
  });
});
