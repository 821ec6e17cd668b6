// The explanation call on an OpenAI-compatible server: one streamed Chat Completions request through
// the platform's chain (fetchOpenAiEvents), its answer text collected (the JSON is useless until
// complete). The answer's shape is asked for with `response_format: {type: "json_schema"}` where the
// server supports it (OpenAI, vLLM, llama.cpp, Ollama); a server that refuses the field (400/422) is
// asked again without it, and remembered, so later calls go straight to JSON in the text, which
// parseExplanations reads defensively. No other retries: within a ~3 s budget templates are a fine answer.
import { estimateTokens } from '../../../platform/model/token-estimate.js';
import { ModelApiError } from '../../../platform/model/errors.js';
import { fetchOpenAiEvents } from '../../../platform/openai/fetch-events.js';
import { OpenAiBlockedError } from '../../../platform/openai/errors.js';
import type { ChatCompletionRequest } from '../../../platform/openai/request-body.js';
import type { OpenAiTransport } from '../../../platform/openai/streaming-client.js';
import { openAiBillableTokens } from '../../../platform/openai/billable-tokens.js';
import type { ExplanationModel, ExplanationRequest } from './model.js';

/** Per client (one per server) and model: those that refused response_format json_schema. */
const refusesJsonSchema = new WeakMap<OpenAiTransport, Set<string>>();

function refused(client: OpenAiTransport): Set<string> {
  let models = refusesJsonSchema.get(client);
  if (!models) refusesJsonSchema.set(client, (models = new Set()));
  return models;
}

/** A refusal of the request's shape (the response_format field), not of the server's state. */
function isFieldRefusal(error: unknown): boolean {
  return error instanceof ModelApiError && (error.status === 400 || error.status === 422);
}

function requestBody(request: ExplanationRequest, structured: boolean): ChatCompletionRequest {
  return {
    model: request.model,
    messages: [
      { role: 'system', content: request.systemInstruction },
      { role: 'user', content: request.prompt },
    ],
    stream: true,
    stream_options: { include_usage: true },
    temperature: request.temperature,
    max_tokens: request.maxOutputTokens,
    ...(structured
      ? {
          response_format: { type: 'json_schema', json_schema: { name: 'match_explanations', schema: request.schema } },
        }
      : {}),
  };
}

/** The answer text; usage reported to onUsage (estimated from what was sent and written when none came). */
async function answer(
  client: OpenAiTransport,
  body: ChatCompletionRequest,
  request: ExplanationRequest,
): Promise<string> {
  const events = await fetchOpenAiEvents(client, { request: body, signal: request.signal });
  let text = '';
  for await (const event of events) {
    if (event.type === 'text-delta' && !event.thought) text += event.text;
    if (event.type !== 'done') continue;
    const sentChars = request.systemInstruction.length + request.prompt.length;
    const billable = event.usage
      ? openAiBillableTokens(event.usage)
      : { input: estimateTokens(sentChars), cachedInput: 0, output: estimateTokens(text.length) };
    request.onUsage?.({
      totalTokens: event.usage?.total_tokens ?? billable.input + billable.output,
      billable,
      ...(event.model ? { model: event.model } : {}),
    });
    if (event.finishReason === 'content_filter') throw new OpenAiBlockedError(event.finishReason);
  }
  if (text.trim() === '') throw new Error('no explanation text (empty)');
  return text;
}

export function openAiExplanationModel(client: OpenAiTransport): ExplanationModel {
  return async (request) => {
    const known = refused(client);
    if (known.has(request.model)) return answer(client, requestBody(request, false), request);
    try {
      return await answer(client, requestBody(request, true), request);
    } catch (error) {
      if (!isFieldRefusal(error) || request.signal.aborted) throw error;
      known.add(request.model);
      return answer(client, requestBody(request, false), request);
    }
  };
}
