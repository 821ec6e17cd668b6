import { afterEach, describe, expect, it } from 'vitest';
import { captureLogs } from '../../../support/logs.js';

const logged: Array<Record<string, unknown>> = captureLogs().entries;

import {
  getConfig,
  getUpstashCredentials,
  GOOGLE_GEMINI_DEFAULT_BASE_URL,
  parseOriginList,
  readSecret,
  requireSecrets,
} from '../../../../src/lib/platform/config/index.js';
import { HttpError } from '../../../../src/lib/platform/http/errors.js';

const saved = { ...process.env };
const NAMES = [
  'GEMINI_API_KEY',
  'UPSTASH_REDIS_REST_URL',
  'UPSTASH_REDIS_REST_TOKEN',
  'GEMINI_BASE_URL',
  'GOOGLE_GEMINI_BASE_URL',
  'GEMINI_TEXT_MODEL',
  'CORS_ORIGINS',
  'RATE_LIMIT_PER_MINUTE',
  'IMAGE_RATE_LIMIT_PER_MINUTE',
  'S3_ENDPOINT',
  'PUBLIC_URL_BASE',
];

function clearEnv(): void {
  for (const name of NAMES) delete process.env[name];
}

afterEach(() => {
  process.env = { ...saved };
});

describe('getConfig', () => {
  it('applies the defaults when nothing is set (as when mounted outside the CLI)', () => {
    clearEnv();
    const config = getConfig();
    expect(config.gemini).toMatchObject({
      baseUrl: GOOGLE_GEMINI_DEFAULT_BASE_URL,
      textModel: 'gemini-flash-latest',
      imageModel: 'gemini-3.1-flash-image',
      backend: 'developer-api',
    });
    expect(config.cors.origins).toEqual(['*']);
    expect(config.rateLimit).toEqual({ perMinute: 100, imagePerMinute: 10 });
    expect(config.s3.endpoint).toBeUndefined();
  });

  it('reads values per call, so a change is seen without a restart', () => {
    clearEnv();
    process.env.RATE_LIMIT_PER_MINUTE = '7';
    process.env.GEMINI_TEXT_MODEL = 'gemini-test';
    process.env.CORS_ORIGINS = ' https://a.test/ ,, https://b.test ';
    const config = getConfig();
    expect(config.rateLimit.perMinute).toBe(7);
    expect(config.gemini.textModel).toBe('gemini-test');
    expect(config.cors.origins).toEqual(['https://a.test', 'https://b.test']);
  });

  it('reads flags with their own default when unset (CHAT_TOOLS on, IMAGE_SOURCE_ALLOW_LOOPBACK off)', () => {
    delete process.env.CHAT_TOOLS;
    delete process.env.IMAGE_SOURCE_ALLOW_LOOPBACK;
    expect(getConfig().chat.toolsEnabled).toBe(true);
    expect(getConfig().images.sourceAllowLoopback).toBe(false);
    process.env.CHAT_TOOLS = 'false';
    process.env.IMAGE_SOURCE_ALLOW_LOOPBACK = 'true';
    expect(getConfig().chat.toolsEnabled).toBe(false);
    expect(getConfig().images.sourceAllowLoopback).toBe(true);
  });

  it('falls back to the default for unusable limits', () => {
    clearEnv();
    for (const bad of ['0', '-5', 'lots', '']) {
      process.env.RATE_LIMIT_PER_MINUTE = bad;
      expect(getConfig().rateLimit.perMinute).toBe(100);
    }
  });

  it('resolves one Gemini base URL: GEMINI_BASE_URL, then GOOGLE_GEMINI_BASE_URL, then Google', () => {
    clearEnv();
    process.env.GOOGLE_GEMINI_BASE_URL = 'http://127.0.0.1:7000/';
    expect(getConfig().gemini.baseUrl).toBe('http://127.0.0.1:7000');
    process.env.GEMINI_BASE_URL = 'http://127.0.0.1:8000';
    expect(getConfig().gemini.baseUrl).toBe('http://127.0.0.1:8000');
  });

  it('parses origin lists: trims, drops empties and trailing slashes', () => {
    expect(parseOriginList('*')).toEqual(['*']);
    expect(parseOriginList(' https://x.test/, ,http://localhost:3000 ')).toEqual([
      'https://x.test',
      'http://localhost:3000',
    ]);
  });
});

describe('secrets', () => {
  it('treats unset and empty secrets as missing', () => {
    clearEnv();
    process.env.UPSTASH_REDIS_REST_URL = '';
    expect(readSecret('GEMINI_API_KEY')).toBeUndefined();
    expect(readSecret('UPSTASH_REDIS_REST_URL')).toBeUndefined();
    process.env.GEMINI_API_KEY = 'k-123456';
    expect(readSecret('GEMINI_API_KEY')).toBe('k-123456');
  });

  it('requireSecrets returns values or throws 503 not_configured naming (only) what is missing', () => {
    clearEnv();
    process.env.GEMINI_API_KEY = 'value-of-the-key';
    expect(requireSecrets(['GEMINI_API_KEY'])).toEqual({ GEMINI_API_KEY: 'value-of-the-key' });
    process.env.UPSTASH_REDIS_REST_TOKEN = 'token-value-xyz';
    let thrown: unknown;
    try {
      requireSecrets(['GEMINI_API_KEY', 'UPSTASH_REDIS_REST_URL', 'UPSTASH_REDIS_REST_TOKEN']);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(HttpError);
    expect(thrown).toMatchObject({
      status: 503,
      code: 'not_configured',
      details: { missing: ['UPSTASH_REDIS_REST_URL'] },
    });
    const text = JSON.stringify({ message: (thrown as Error).message, details: (thrown as HttpError).details });
    expect(text).not.toContain('value-of-the-key');
    expect(text).not.toContain('token-value-xyz');
  });

  it('a missing Upstash URL or token means "not configured", not an error', () => {
    clearEnv();
    expect(getUpstashCredentials()).toBeNull();
    process.env.UPSTASH_REDIS_REST_URL = 'http://127.0.0.1:1';
    expect(getUpstashCredentials()).toBeNull();
    process.env.UPSTASH_REDIS_REST_TOKEN = 'tok-tok-tok';
    expect(getUpstashCredentials()).toEqual({ url: 'http://127.0.0.1:1', token: 'tok-tok-tok' });
  });

  it('a placeholder Upstash URL such as "none" (deploy needs every secret set) means "not configured"', () => {
    clearEnv();
    process.env.UPSTASH_REDIS_REST_URL = 'none';
    process.env.UPSTASH_REDIS_REST_TOKEN = 'none';
    expect(getUpstashCredentials()).toBeNull();
  });
});

describe('bounds of numeric params', () => {
  /** Every whole-number param with the cap it must never exceed, whatever is configured. */
  const CAPS: Array<[string, (config: ReturnType<typeof getConfig>) => number, number]> = [
    ['IMAGE_TIMEOUT_SECONDS', (c) => c.images.defaultTimeoutMs, 3_600_000],
    ['IMAGE_MAX_OUTPUT_BYTES', (c) => c.images.maxOutputBytes, 256 * 1024 * 1024],
    ['IMAGE_SOURCE_MAX_BYTES', (c) => c.images.sourceMaxBytes, 64 * 1024 * 1024],
    ['RATE_LIMIT_PER_MINUTE', (c) => c.rateLimit.perMinute, 10_000],
    ['IMAGE_RATE_LIMIT_PER_MINUTE', (c) => c.rateLimit.imagePerMinute, 1_000],
    ['CHAT_HISTORY_LENGTH', (c) => c.chat.historyLength, 100],
    ['CHAT_MAX_OUTPUT_TOKENS', (c) => c.chat.maxOutputTokens, 65_536],
    ['MATCH_EXPLANATION_TIMEOUT_MS', (c) => c.matching.explanationTimeoutMs, 60_000],
  ];
  /** setTimeout fires at once for delays past this (and warns): a huge timeout must never get there. */
  const SET_TIMEOUT_MAX = 2 ** 31 - 1;

  it.each(CAPS)('%s: an absurd value is clamped to its maximum', (name, read, cap) => {
    process.env[name] = '99999999999999999999';
    expect(read(getConfig())).toBe(cap);
    process.env[name] = String(cap);
    expect(read(getConfig())).toBe(cap);
  });

  it.each(CAPS)('%s: negative or zero still means the default', (name, read) => {
    delete process.env[name];
    const fallback = read(getConfig());
    for (const bad of ['-5', '0']) {
      process.env[name] = bad;
      expect(read(getConfig())).toBe(fallback);
    }
  });

  it('keeps every configured timeout within what setTimeout can wait', () => {
    for (const [name] of CAPS) process.env[name] = '99999999999999999999';
    process.env.IMAGE_MODEL_TIMEOUTS = 'gemini-3-pro-image=99999999999';
    const config = getConfig();
    const timeouts = [
      config.images.defaultTimeoutMs,
      ...Object.values(config.images.modelTimeoutsMs),
      config.matching.explanationTimeoutMs,
    ];
    for (const ms of timeouts) expect(ms).toBeLessThanOrEqual(SET_TIMEOUT_MAX);
    expect(config.images.modelTimeoutsMs['gemini-3-pro-image']).toBe(3_600_000);
  });

  it('logs a clamp once per instance and value, naming the setting', () => {
    logged.length = 0;
    process.env.IMAGE_RATE_LIMIT_PER_MINUTE = '123456789';
    getConfig();
    getConfig();
    const warnings = logged.filter((entry) => entry.setting === 'IMAGE_RATE_LIMIT_PER_MINUTE');
    expect(warnings).toEqual([
      expect.objectContaining({
        severity: 'WARNING',
        value: 123456789,
        max: 1_000,
        message: expect.stringMatching(/IMAGE_RATE_LIMIT_PER_MINUTE/),
      }),
    ]);
  });
});
