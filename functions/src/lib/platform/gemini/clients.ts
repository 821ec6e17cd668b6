// The Gemini clients of an instance, built once and shared by every feature (one SDK client, one
// keep-alive pool, one ADC token cache), rebuilt only when the access changes (backend, key, project,
// location or base URL). Features ask for a client by the GeminiAccess the request layer checked and
// never learn which backend it is: the SDK builds the URLs and auth headers for both (adapter.ts).
//   developer-api   x-goog-api-key
//   vertex-ai       Authorization: Bearer <token> from Application Default Credentials
//                   (google-auth-library: the metadata server on Cloud Functions, or
//                   GOOGLE_APPLICATION_CREDENTIALS), scope cloud-platform
import { GoogleGenAI, type GoogleGenAIOptions } from '@google/genai';
import type { GeminiAccess } from '../config/gemini-access.js';
import { GoogleGenAIApiAdapter } from './adapter.js';
import { GeminiStreamingClient } from './streaming-client.js';

let current: { key: string; sdk: GoogleGenAI; streaming: GeminiStreamingClient } | undefined;

function identity(access: GeminiAccess): string {
  return access.backend === 'developer-api'
    ? ['developer-api', access.baseUrl, access.apiKey].join('\n')
    : ['vertex-ai', access.baseUrl ?? '', access.project, access.location].join('\n');
}

/** SDK options for the access. Vertex gets project and location explicitly (never from the env). */
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

function clientsFor(access: GeminiAccess): NonNullable<typeof current> {
  const key = identity(access);
  if (current?.key !== key) {
    const sdk = new GoogleGenAI(sdkOptions(access));
    current = { key, sdk, streaming: new GeminiStreamingClient(new GoogleGenAIApiAdapter(sdk)) };
  }
  return current;
}

/** The SDK client, for small unary calls (e.g. structured match explanations). */
export function geminiSdk(access: GeminiAccess): GoogleGenAI {
  return clientsFor(access).sdk;
}

/** The raw streaming client (chat, images): our own SSE and JSON parsing, bounded memory. */
export function geminiStreamingClient(access: GeminiAccess): GeminiStreamingClient {
  return clientsFor(access).streaming;
}
