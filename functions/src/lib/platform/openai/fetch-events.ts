// The one fetch -> parse chain of a streamed Chat Completions call, used by chat and explanations:
//   OpenAiTransport.fetch -> parseSseStream -> parseOpenAiEvents
// It resolves once the server has accepted the request (an HTTP error or a network fault rejects it,
// typed by the transport); the events then come as they arrive, ending with `done`.
import { parseSseStream } from '../sse/parse.js';
import { parseOpenAiEvents } from './stream-events.js';
import type { OpenAiStreamRequest, OpenAiTransport } from './streaming-client.js';
import type { OpenAiStreamEvent } from './types.js';

export async function fetchOpenAiEvents(
  client: OpenAiTransport,
  request: OpenAiStreamRequest,
): Promise<AsyncGenerator<OpenAiStreamEvent, void, undefined>> {
  const response = await client.fetch(request);
  return parseOpenAiEvents(parseSseStream(response.body));
}
