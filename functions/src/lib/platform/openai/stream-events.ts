// parseOpenAiEvents: SSE events of a streamed Chat Completions response -> typed events
//   text-delta {text, thought?}   tool-call {id?, name, args}   done {finishReason, usage, model, id}
// What the servers send, all read here:
//   - `data: {chunk}` events; `: comment` lines (llama.cpp's keep-alives, OpenRouter's
//     `: OPENROUTER PROCESSING`) never reach us: the SSE parser drops comments;
//   - chunks with `choices: []` (Azure's first chunk, the usage chunk) and `usage: null` on the others;
//   - the usage chunk before `[DONE]` when asked for (`stream_options.include_usage`), with extras such
//     as llama.cpp's `timings` ignored; Ollama sends usage only when asked;
//   - tool calls in fragments or whole (tool-call-assembler.ts), handed out at the finish;
//   - `data: [DONE]` ends the stream; a stream that ends without it after a finish_reason is taken as
//     complete, one that ends before any finish_reason was cut short (retryable);
//   - an error object as a data event after the 200 (vLLM's `{"object": "error"}` or `{"error": {...}}`
//     followed by `[DONE]`, OpenRouter's `{"error": {...}}`): thrown as OpenAiApiError.
// Throws OpenAiProtocolError for data that is not a JSON object or an event too large to buffer.
import { isStreamedSseEvent, type SseEvent } from '../sse/parse.js';
import { isErrorChunk, OpenAiApiError, OpenAiProtocolError, openAiStreamError } from './errors.js';
import { ToolCallAssembler } from './tool-call-assembler.js';
import type { OpenAiStreamEvent, OpenAiTokenUsage } from './types.js';

type JsonObject = Record<string, unknown>;

function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** A usage object with at least its prompt and completion counts; anything else is no usage. */
export function readUsage(value: unknown): OpenAiTokenUsage | undefined {
  if (!isRecord(value)) return undefined;
  const prompt = count(value.prompt_tokens);
  const completion = count(value.completion_tokens);
  if (prompt === undefined || completion === undefined) return undefined;
  const details = isRecord(value.completion_tokens_details) ? value.completion_tokens_details : {};
  const reasoning = count(details.reasoning_tokens);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: count(value.total_tokens) ?? prompt + completion,
    ...(reasoning !== undefined && reasoning > 0 ? { reasoning_tokens: reasoning } : {}),
  };
}

function parseChunk(data: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (error) {
    // The data itself is left out of the message: it is upstream content.
    throw new OpenAiProtocolError('PROTOCOL_INVALID_JSON', `stream data is not valid JSON (${data.length} chars)`, {
      cause: error,
    });
  }
  if (!isRecord(value)) throw new OpenAiProtocolError('PROTOCOL_INVALID_JSON', 'stream data is not a JSON object');
  return value;
}

export async function* parseOpenAiEvents(
  sse: AsyncIterable<SseEvent>,
): AsyncGenerator<OpenAiStreamEvent, void, undefined> {
  const calls = new ToolCallAssembler();
  const end: { finishReason?: string; usage?: OpenAiTokenUsage; model?: string; id?: string } = {};
  let finished = false;
  try {
    for await (const event of sse) {
      if (isStreamedSseEvent(event)) {
        throw new OpenAiProtocolError('PROTOCOL_INVALID_JSON', 'stream event too large for a completion chunk');
      }
      const data = event.data.trim();
      if (data === '[DONE]') {
        finished = true;
        break;
      }
      if (data === '') continue;
      const chunk = parseChunk(data);
      if (isErrorChunk(chunk)) throw OpenAiApiError.fromBody(chunk);
      if (typeof chunk.model === 'string' && end.model === undefined) end.model = chunk.model;
      if (typeof chunk.id === 'string' && end.id === undefined) end.id = chunk.id;
      const usage = readUsage(chunk.usage);
      if (usage) end.usage = usage;
      const choice = Array.isArray(chunk.choices) ? chunk.choices.find(isFirstChoice) : undefined;
      if (!isRecord(choice)) continue;
      const delta = isRecord(choice.delta) ? choice.delta : {};
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (typeof reasoning === 'string' && reasoning !== '')
        yield { type: 'text-delta', text: reasoning, thought: true };
      if (typeof delta.content === 'string' && delta.content !== '') yield { type: 'text-delta', text: delta.content };
      if (typeof delta.refusal === 'string' && delta.refusal !== '') yield { type: 'text-delta', text: delta.refusal };
      if (Array.isArray(delta.tool_calls)) for (const fragment of delta.tool_calls) calls.add(fragment);
      if (typeof choice.finish_reason === 'string' && choice.finish_reason !== '') {
        end.finishReason = choice.finish_reason;
        for (const call of calls.take()) yield { type: 'tool-call', ...call };
      }
    }
  } catch (error) {
    throw openAiStreamError(error);
  }
  if (!finished && end.finishReason === undefined) {
    throw new OpenAiProtocolError('PROTOCOL_MISSING_DONE', 'stream ended before the reply finished');
  }
  for (const call of calls.take()) yield { type: 'tool-call', ...call };
  yield { type: 'done', ...end };
}

/** The first choice (n = 1); a chunk without an index is taken to be it. */
function isFirstChoice(choice: unknown): boolean {
  return isRecord(choice) && (choice.index === undefined || choice.index === 0);
}
