// The Gemini clients of an instance, built once and shared by every feature (one keep-alive pool, one
// ADC token cache), rebuilt only when the access changes (backend, key, project, location or base URL).
// Features ask for a client by the GeminiAccess the request layer checked and never learn which
// backend it is: endpoint.ts builds the URLs and auth headers for both.
import type { GeminiAccess } from '../config/gemini-access.js';
import { GeminiEndpoint } from './endpoint.js';
import { GeminiStreamingClient } from './streaming-client.js';
import { GeminiUnaryClient } from './unary-client.js';

let current: { key: string; streaming: GeminiStreamingClient; unary: GeminiUnaryClient } | undefined;

function identity(access: GeminiAccess): string {
  return access.backend === 'developer-api'
    ? ['developer-api', access.baseUrl, access.apiKey].join('\n')
    : ['vertex-ai', access.baseUrl ?? '', access.project, access.location].join('\n');
}

function clientsFor(access: GeminiAccess): NonNullable<typeof current> {
  const key = identity(access);
  if (current?.key !== key) {
    const endpoint = new GeminiEndpoint(access);
    current = { key, streaming: new GeminiStreamingClient(endpoint), unary: new GeminiUnaryClient(endpoint) };
  }
  return current;
}

/** One generateContent answered whole, for small structured answers (match explanations). */
export function geminiUnaryClient(access: GeminiAccess): GeminiUnaryClient {
  return clientsFor(access).unary;
}

/** The raw streaming client (chat, images): our own SSE and JSON parsing, bounded memory. */
export function geminiStreamingClient(access: GeminiAccess): GeminiStreamingClient {
  return clientsFor(access).streaming;
}
