// @google/genai options for a GeminiAccess, as production built its client before it stopped loading
// the SDK: tests compare our own addressing (src/lib/platform/gemini/endpoint.ts) with the SDK's, and
// call the local servers through the SDK as an independent client.
import type { GoogleGenAIOptions } from '@google/genai';
import { afterEach, beforeEach } from 'vitest';
import type { GeminiAccess } from '../../src/lib/platform/config/index.js';

/** What the SDK reads from the environment at construction. */
const SDK_ENV_KEYS = [
  'GOOGLE_API_KEY',
  'GEMINI_API_KEY',
  'GOOGLE_GEMINI_BASE_URL',
  'GOOGLE_VERTEX_BASE_URL',
  'GOOGLE_CLOUD_PROJECT',
  'GOOGLE_CLOUD_LOCATION',
  'GOOGLE_GENAI_USE_VERTEXAI',
];

/** Keeps the machine's environment away from SDK clients built in the calling test file. */
export function withoutSdkEnvironment(): void {
  let saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    saved = Object.fromEntries(SDK_ENV_KEYS.map((key) => [key, process.env[key]]));
    for (const key of SDK_ENV_KEYS) delete process.env[key];
  });
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
}

/** Vertex gets project and location explicitly (never from the environment). */
export function sdkOptions(access: GeminiAccess): GoogleGenAIOptions {
  if (access.backend === 'developer-api') {
    // vertexai: false explicitly, or GOOGLE_GENAI_USE_VERTEXAI in the environment would switch it.
    return { vertexai: false, apiKey: access.apiKey, httpOptions: { baseUrl: access.baseUrl } };
  }
  return {
    vertexai: true,
    project: access.project,
    location: access.location,
    ...(access.baseUrl ? { httpOptions: { baseUrl: access.baseUrl } } : {}),
  };
}
