// The OpenAI-compatible client of an instance, built once and shared by every feature, rebuilt only
// when the access changes (base URL or key). Features ask for it by the access the request layer
// checked (platform/config/text-access.ts).
import { OpenAiStreamingClient, type OpenAiAccessConfig } from './streaming-client.js';

let current: { key: string; client: OpenAiStreamingClient } | undefined;

export function openAiStreamingClient(access: OpenAiAccessConfig): OpenAiStreamingClient {
  const key = [access.baseUrl, access.apiKey ?? ''].join('\n');
  if (current?.key !== key) current = { key, client: new OpenAiStreamingClient(access) };
  return current.client;
}
