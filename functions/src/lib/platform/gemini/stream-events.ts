// parseGeminiEvents: SSE events of a `streamGenerateContent?alt=sse` response -> typed events
//   text-delta {text, thought?}   image-start {mimeType}   image-delta {data}   done {...}
// Buffered SSE events are JSON.parse'd; streamed ones (an image too large to buffer) are parsed
// incrementally so that the image base64 flows through in slices (see events-streamed.ts).
// image-delta carries only base64 not emitted before, whether an image arrives whole, fragmented
// or cumulatively (see events-images.ts). `done` comes last, when the SSE stream ends.
//
// Throws: GeminiApiError for an `error` event, GeminiBlockedError for a blocked prompt,
// GeminiProtocolError for invalid JSON, a truncated streamed event or an inconsistent image
// continuation. Errors of the body itself (network, abort) pass through unchanged.
import { isStreamedSseEvent, type SseEvent } from '../sse/parse.js';
import { GeminiProtocolError, geminiStreamError } from './errors.js';
import { GeminiEventAssembler, isJsonObject, type JsonObject } from './stream-events-assembler.js';
import { StreamedResponseReader } from './stream-events-streamed.js';
import type { GeminiStreamEvent } from './types.js';

export async function* parseGeminiEvents(
  sse: AsyncIterable<SseEvent>,
): AsyncGenerator<GeminiStreamEvent, void, undefined> {
  const assembler = new GeminiEventAssembler();
  try {
    for await (const event of sse) {
      if (isStreamedSseEvent(event)) {
        const reader = new StreamedResponseReader(assembler);
        for await (const chunk of event.dataChunks) {
          reader.write(chunk);
          yield* assembler.take();
        }
        reader.end();
      } else {
        assembler.handleResponse(parseResponse(event.data));
      }
      yield* assembler.take();
    }
  } catch (error) {
    throw geminiStreamError(error);
  }
  yield assembler.done();
}

function parseResponse(data: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (error) {
    // The data itself is left out of the message: it can be large and is upstream content.
    throw new GeminiProtocolError(
      'PROTOCOL_INVALID_JSON',
      `Gemini event data is not valid JSON (${data.length} chars)`,
      {
        cause: error,
      },
    );
  }
  if (!isJsonObject(value))
    throw new GeminiProtocolError('PROTOCOL_INVALID_JSON', 'Gemini event data is not a JSON object');
  return value;
}
