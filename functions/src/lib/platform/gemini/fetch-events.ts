// The one fetch -> parse chain of a streamed Gemini call, used by chat and images alike:
//   GeminiTransport.fetch -> parseSseStream -> parseGeminiEvents
// It resolves once Gemini has accepted the request (an HTTP error or a network fault rejects it, typed
// by the transport); the events then come as they arrive, ending with `done`.
import { parseSseStream } from '../sse/parse.js';
import { parseGeminiEvents } from './stream-events.js';
import type { GeminiStreamRequest, GeminiTransport } from './streaming-client.js';
import type { GeminiStreamEvent } from './types.js';

export async function fetchGeminiEvents(
  client: GeminiTransport,
  request: GeminiStreamRequest,
): Promise<AsyncGenerator<GeminiStreamEvent, void, undefined>> {
  const response = await client.fetch(request);
  return parseGeminiEvents(parseSseStream(response.body));
}
