// The Gemini clients of an instance, built once and shared by every feature (one SDK client, one
// keep-alive pool), rebuilt only when the API key or base URL changes.
import { GoogleGenAI } from '@google/genai';
import { GoogleGenAIApiAdapter } from './adapter.js';
import { GeminiStreamingClient } from './streaming-client.js';

let current: { key: string; sdk: GoogleGenAI; streaming: GeminiStreamingClient } | undefined;

function clientsFor(apiKey: string, baseUrl: string): NonNullable<typeof current> {
  const key = `${baseUrl}\n${apiKey}`;
  if (current?.key !== key) {
    const sdk = new GoogleGenAI({ apiKey, httpOptions: { baseUrl } });
    current = { key, sdk, streaming: new GeminiStreamingClient(new GoogleGenAIApiAdapter(sdk)) };
  }
  return current;
}

/** The SDK client, for small unary calls (e.g. structured match explanations). */
export function geminiSdk(apiKey: string, baseUrl: string): GoogleGenAI {
  return clientsFor(apiKey, baseUrl).sdk;
}

/** The raw streaming client (chat, images): our own SSE and JSON parsing, bounded memory. */
export function geminiStreamingClient(apiKey: string, baseUrl: string): GeminiStreamingClient {
  return clientsFor(apiKey, baseUrl).streaming;
}
