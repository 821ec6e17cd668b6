// GEMINI_BACKEND and what each backend needs: the access the request layer hands to features, and the
// 503 not_configured naming what is missing (never a value). Also the SDK options each backend gets.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getConfig, readGeminiAccess, requireGeminiAccess } from '../../../../src/lib/platform/config/index.js';
import { captureLogs } from '../../../support/logs.js';

const logged = captureLogs().entries;
import { HttpError } from '../../../../src/lib/platform/http/errors.js';
import { sdkOptions } from '../../../support/gemini-sdk.js';
import { GoogleGenAIApiAdapter } from '../../../../src/lib/platform/gemini/adapter.js';
import { GoogleGenAI } from '@google/genai';

const NAMES = [
  'GEMINI_API_KEY',
  'GEMINI_BACKEND',
  'GEMINI_VERTEX_PROJECT',
  'GEMINI_VERTEX_LOCATION',
  'GEMINI_BASE_URL',
  'GOOGLE_GEMINI_BASE_URL',
  'GOOGLE_VERTEX_BASE_URL',
  'GOOGLE_CLOUD_PROJECT',
  'GCLOUD_PROJECT',
  'FIREBASE_CONFIG',
  'GOOGLE_GENAI_USE_VERTEXAI',
  'CHAT_SAFETY',
  'MATCH_EXPLANATION_SAFETY',
  'IMAGE_SAFETY',
];
const saved = { ...process.env };
beforeEach(() => {
  for (const name of NAMES) delete process.env[name];
});
afterEach(() => {
  process.env = { ...saved };
});

function notConfigured(fn: () => unknown): { status: number; code: string; details: unknown; message: string } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    const { status, code, details, message } = error as HttpError;
    return { status, code, details, message };
  }
  throw new Error('expected not_configured');
}

describe('requireGeminiAccess', () => {
  it('developer-api (the default) needs GEMINI_API_KEY and names it when missing', () => {
    expect(notConfigured(() => requireGeminiAccess(getConfig()))).toMatchObject({
      status: 503,
      code: 'not_configured',
      details: { missing: ['GEMINI_API_KEY'] },
    });
    process.env.GEMINI_API_KEY = 'key-123456';
    process.env.GEMINI_BASE_URL = 'http://127.0.0.1:9/';
    expect(requireGeminiAccess(getConfig())).toEqual({
      backend: 'developer-api',
      apiKey: 'key-123456',
      baseUrl: 'http://127.0.0.1:9',
    });
  });

  it('vertex-ai needs no key; project defaults to the Firebase project, location to global', () => {
    process.env.GEMINI_BACKEND = 'vertex-ai';
    expect(notConfigured(() => requireGeminiAccess(getConfig())).details).toEqual({
      missing: ['GEMINI_VERTEX_PROJECT'],
    });
    expect(readGeminiAccess(getConfig())).toBeUndefined();
    process.env.FIREBASE_CONFIG = JSON.stringify({ projectId: 'from-firebase-config' });
    expect(requireGeminiAccess(getConfig())).toEqual({
      backend: 'vertex-ai',
      project: 'from-firebase-config',
      location: 'global',
      baseUrl: undefined,
    });
    process.env.GCLOUD_PROJECT = 'from-gcloud';
    expect(requireGeminiAccess(getConfig())).toMatchObject({ project: 'from-gcloud' });
    Object.assign(process.env, {
      GEMINI_VERTEX_PROJECT: 'explicit',
      GEMINI_VERTEX_LOCATION: 'europe-west4',
      GOOGLE_VERTEX_BASE_URL: 'http://127.0.0.1:8/',
    });
    expect(requireGeminiAccess(getConfig())).toEqual({
      backend: 'vertex-ai',
      project: 'explicit',
      location: 'europe-west4',
      baseUrl: 'http://127.0.0.1:8',
    });
  });

  it('an unknown GEMINI_BACKEND is not_configured (not a silent fallback), and never leaks a key', () => {
    process.env.GEMINI_BACKEND = 'vertex';
    process.env.GEMINI_API_KEY = 'secret-value-123';
    const error = notConfigured(() => requireGeminiAccess(getConfig()));
    expect(error.details).toEqual({ missing: ['GEMINI_BACKEND'] });
    expect(JSON.stringify(error)).not.toContain('secret-value-123');
    process.env.GEMINI_BACKEND = ' Vertex-AI ';
    process.env.GEMINI_VERTEX_PROJECT = 'p';
    expect(requireGeminiAccess(getConfig()).backend).toBe('vertex-ai');
  });
});

describe('sdkOptions', () => {
  it('vertex-ai builds Vertex URLs and ignores an API key in the environment', () => {
    process.env.GEMINI_API_KEY = 'env-key-should-not-be-used';
    const options = sdkOptions({ backend: 'vertex-ai', project: 'p1', location: 'global', baseUrl: undefined });
    const adapter = new GoogleGenAIApiAdapter(new GoogleGenAI(options));
    expect(adapter.isVertexAI()).toBe(true);
    expect(adapter.buildRequestUrl('gemini-x', 'generateContent').toString()).toBe(
      'https://aiplatform.googleapis.com/v1beta1/projects/p1/locations/global/publishers/google/models/gemini-x:generateContent',
    );
  });

  it('developer-api stays on the Developer API even with GOOGLE_GENAI_USE_VERTEXAI set', async () => {
    process.env.GOOGLE_GENAI_USE_VERTEXAI = 'true';
    const options = sdkOptions({ backend: 'developer-api', apiKey: 'k-1', baseUrl: 'http://127.0.0.1:7' });
    const adapter = new GoogleGenAIApiAdapter(new GoogleGenAI(options));
    expect(adapter.isVertexAI()).toBe(false);
    const url = adapter.buildRequestUrl('gemini-x', 'streamGenerateContent');
    expect(url.toString()).toBe('http://127.0.0.1:7/v1beta/models/gemini-x:streamGenerateContent?alt=sse');
    expect((await adapter.getHeaders(url.toString()))['x-goog-api-key']).toBe('k-1');
  });
});

describe('safety settings params', () => {
  const thresholds = (settings: Array<{ threshold: string }>) => settings.map((s) => s.threshold);

  it('default per feature: chat medium, explanations low, images medium with sexually explicit low', () => {
    const config = getConfig();
    expect(thresholds(config.chat.safetySettings)).toEqual(Array(4).fill('BLOCK_MEDIUM_AND_ABOVE'));
    expect(thresholds(config.matching.explanationSafetySettings)).toEqual(Array(4).fill('BLOCK_LOW_AND_ABOVE'));
    expect(config.images.safetySettings).toEqual([
      { category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_MEDIUM_AND_ABOVE' },
      { category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_MEDIUM_AND_ABOVE' },
      { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', threshold: 'BLOCK_LOW_AND_ABOVE' },
      { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', threshold: 'BLOCK_MEDIUM_AND_ABOVE' },
    ]);
  });

  it('one threshold for every category, per-category entries over it, read per request', () => {
    process.env.CHAT_SAFETY = 'block_only_high';
    expect(thresholds(getConfig().chat.safetySettings)).toEqual(Array(4).fill('BLOCK_ONLY_HIGH'));
    process.env.CHAT_SAFETY = 'BLOCK_NONE, hate_speech=BLOCK_LOW_AND_ABOVE, HARM_CATEGORY_HARASSMENT=OFF';
    expect(thresholds(getConfig().chat.safetySettings)).toEqual([
      'OFF',
      'BLOCK_LOW_AND_ABOVE',
      'BLOCK_NONE',
      'BLOCK_NONE',
    ]);
    // Entries alone: the other categories keep the feature's defaults.
    process.env.IMAGE_SAFETY = 'DANGEROUS_CONTENT=BLOCK_ONLY_HIGH';
    expect(thresholds(getConfig().images.safetySettings)).toEqual([
      'BLOCK_MEDIUM_AND_ABOVE',
      'BLOCK_MEDIUM_AND_ABOVE',
      'BLOCK_LOW_AND_ABOVE',
      'BLOCK_ONLY_HIGH',
    ]);
  });

  it('an entry that is not a threshold keeps the default and is logged once, naming the setting', () => {
    logged.length = 0;
    process.env.MATCH_EXPLANATION_SAFETY = 'BLOCK_EVERYTHING';
    expect(thresholds(getConfig().matching.explanationSafetySettings)).toEqual(Array(4).fill('BLOCK_LOW_AND_ABOVE'));
    process.env.MATCH_EXPLANATION_SAFETY = 'HATE_SPEECH=BLOCK_ONLY_HIGH, VIOLENCE=OFF, HARASSMENT=NONE';
    expect(thresholds(getConfig().matching.explanationSafetySettings)).toEqual([
      'BLOCK_LOW_AND_ABOVE',
      'BLOCK_ONLY_HIGH',
      'BLOCK_LOW_AND_ABOVE',
      'BLOCK_LOW_AND_ABOVE',
    ]);
    getConfig();
    const warnings = logged.filter((entry) => entry.setting === 'MATCH_EXPLANATION_SAFETY');
    expect(warnings.map((entry) => [entry.severity, entry.message])).toEqual([
      ['WARNING', expect.stringMatching(/MATCH_EXPLANATION_SAFETY.*BLOCK_EVERYTHING/)],
      ['WARNING', expect.stringMatching(/MATCH_EXPLANATION_SAFETY.*VIOLENCE=OFF/)],
      ['WARNING', expect.stringMatching(/MATCH_EXPLANATION_SAFETY.*HARASSMENT=NONE/)],
    ]);
  });
});
