// Which Gemini service a request may call, and with what: checked once by the request layer for
// endpoints that declare `requiresGemini` (503 not_configured naming what the chosen backend lacks),
// then handed to the features, which build their client from it (platform/gemini/clients.ts) without
// knowing which backend it is.
//   developer-api   the Gemini Developer API with GEMINI_API_KEY
//   vertex-ai       Vertex AI with Application Default Credentials (no key): a project and a location
import { HttpError } from '../http/errors.js';
import type { AppConfig } from './settings.js';
import { readSecret } from './secrets.js';

export type GeminiAccess =
  | { backend: 'developer-api'; apiKey: string; baseUrl: string }
  | { backend: 'vertex-ai'; project: string; location: string; baseUrl: string | undefined };

/** An access, or what is missing for it (names only, never values). */
export type AccessResolution<Access> = { ok: true; access: Access } | { ok: false; missing: string[]; message: string };

export function resolveGeminiAccess(config: AppConfig): AccessResolution<GeminiAccess> {
  const { gemini } = config;
  if (gemini.backend === undefined) {
    return { ok: false, missing: ['GEMINI_BACKEND'], message: 'GEMINI_BACKEND must be developer-api or vertex-ai' };
  }
  if (gemini.backend === 'vertex-ai') {
    const { project, location, baseUrl } = gemini.vertex;
    if (!project) return { ok: false, missing: ['GEMINI_VERTEX_PROJECT'], message: 'missing GEMINI_VERTEX_PROJECT' };
    return { ok: true, access: { backend: 'vertex-ai', project, location, baseUrl } };
  }
  const apiKey = readSecret('GEMINI_API_KEY');
  if (apiKey === undefined) return { ok: false, missing: ['GEMINI_API_KEY'], message: 'missing GEMINI_API_KEY' };
  return { ok: true, access: { backend: 'developer-api', apiKey, baseUrl: gemini.baseUrl } };
}

/** The access, or the request layer's 503 not_configured naming what is missing (never values). */
export function accessOrNotConfigured<Access>(result: AccessResolution<Access>): Access {
  if (result.ok) return result.access;
  throw new HttpError(503, 'not_configured', `Service is not configured: ${result.message}`, {
    details: { missing: result.missing },
  });
}

/** The configured access, or the request layer's 503 not_configured (names only, never values). */
export function requireGeminiAccess(config: AppConfig): GeminiAccess {
  return accessOrNotConfigured(resolveGeminiAccess(config));
}

/** For features where Gemini is optional. */
export function readGeminiAccess(config: AppConfig): GeminiAccess | undefined {
  const result = resolveGeminiAccess(config);
  return result.ok ? result.access : undefined;
}
