// Which backend serves chat and match explanations (TEXT_BACKEND), and with what: checked once by the
// request layer for endpoints that declare `requiresTextModel` (503 not_configured naming what the
// chosen backend lacks), then handed to the features, which build their model from it.
//   gemini              as GEMINI_BACKEND says (gemini-access.ts), with GEMINI_TEXT_MODEL
//   openai-compatible   OPENAI_BASE_URL and OPENAI_MODEL; OPENAI_API_KEY (a secret) only when the
//                       server wants one ("none" or empty: no Authorization header). No Gemini key.
import {
  accessOrNotConfigured,
  resolveGeminiAccess,
  type AccessResolution,
  type GeminiAccess,
} from './gemini-access.js';
import type { AppConfig } from './settings.js';
import { readSecret } from './secrets.js';

export type TextAccess =
  | { backend: 'gemini'; gemini: GeminiAccess; model: string }
  | { backend: 'openai-compatible'; baseUrl: string; apiKey: string | undefined; model: string };

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

export function resolveTextAccess(config: AppConfig): AccessResolution<TextAccess> {
  const { text } = config;
  if (text.backend === undefined) {
    return { ok: false, missing: ['TEXT_BACKEND'], message: 'TEXT_BACKEND must be gemini or openai-compatible' };
  }
  if (text.backend === 'gemini') {
    const gemini = resolveGeminiAccess(config);
    if (!gemini.ok) return gemini;
    return { ok: true, access: { backend: 'gemini', gemini: gemini.access, model: config.gemini.textModel } };
  }
  const { baseUrl, model } = text.openai;
  const missing = [...(isHttpUrl(baseUrl) ? [] : ['OPENAI_BASE_URL']), ...(model ? [] : ['OPENAI_MODEL'])];
  if (missing.length > 0) {
    const message =
      baseUrl && !isHttpUrl(baseUrl) ? 'OPENAI_BASE_URL must be an http(s) URL' : `missing ${missing.join(', ')}`;
    return { ok: false, missing, message };
  }
  const key = readSecret('OPENAI_API_KEY');
  const apiKey = key === undefined || key.toLowerCase() === 'none' ? undefined : key;
  return { ok: true, access: { backend: 'openai-compatible', baseUrl, apiKey, model } };
}

/** The configured access, or the request layer's 503 not_configured (names only, never values). */
export function requireTextAccess(config: AppConfig): TextAccess {
  return accessOrNotConfigured(resolveTextAccess(config));
}

/** For features where the model is optional (match explanations fall back to templates). */
export function readTextAccess(config: AppConfig): TextAccess | undefined {
  const result = resolveTextAccess(config);
  return result.ok ? result.access : undefined;
}
