// Chat on any OpenAI-compatible server (vLLM, llama.cpp's server, Ollama, OpenRouter, OpenAI):
// POST {base}/chat/completions, streamed, through the platform's chain (fetchOpenAiEvents: transport ->
// parseSseStream -> parseOpenAiEvents), its events mapped to the neutral ones. Tools are OpenAI
// `tools` (JSON Schema from the same zod definitions); the exchange is OpenAI messages: the assistant
// message with its tool_calls, then one `tool` message per call with its tool_call_id.
// Finish reasons are given the names the app already knows (Gemini's): stop and tool_calls are STOP,
// length is MAX_TOKENS, content_filter is SAFETY (and a 422 blocked); any other is upper-cased.
import { fetchOpenAiEvents } from '../../../platform/openai/fetch-events.js';
import { OpenAiBlockedError } from '../../../platform/openai/errors.js';
import type { ChatCompletionRequest, OpenAiMessage } from '../../../platform/openai/request-body.js';
import type { OpenAiTransport } from '../../../platform/openai/streaming-client.js';
import type { OpenAiStreamEvent, OpenAiTokenUsage } from '../../../platform/openai/types.js';
import { openAiBillableTokens } from '../../../platform/openai/billable-tokens.js';
import type { ToolOutcome } from '../tools.js';
import type { ChatUsage } from '../api-types.js';
import {
  toolResponse,
  type ChatModel,
  type ChatPrompt,
  type ModelEvent,
  type ModelExchange,
  type PromptInput,
  type StoredExchange,
  type ToolDeclaration,
} from './chat-model.js';
import { buildOpenAiPrompt, type OpenAiChatPrompt } from './openai-prompt.js';
import { OpenAiResponse } from './openai-response.js';

const FINISH_REASONS: Record<string, string> = {
  stop: 'STOP',
  tool_calls: 'STOP',
  function_call: 'STOP',
  length: 'MAX_TOKENS',
  content_filter: 'SAFETY',
};

export function toFinishReason(reason: string | undefined): string | undefined {
  return reason === undefined ? undefined : (FINISH_REASONS[reason] ?? reason.toUpperCase());
}

export function toOpenAiChatUsage(usage: OpenAiTokenUsage | undefined): ChatUsage | undefined {
  if (!usage) return undefined;
  return {
    promptTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens,
    totalTokens: usage.total_tokens,
    ...(usage.reasoning_tokens !== undefined ? { thoughtsTokens: usage.reasoning_tokens } : {}),
  };
}

async function* neutralEvents(events: AsyncIterable<OpenAiStreamEvent>): AsyncGenerator<ModelEvent, void, undefined> {
  for await (const event of events) {
    if (event.type === 'text-delta') {
      yield { type: 'text', text: event.text, ...(event.thought ? { thought: true } : {}) };
    } else if (event.type === 'tool-call') {
      yield {
        type: 'tool-call',
        ...(event.id !== undefined ? { id: event.id } : {}),
        name: event.name,
        args: event.args,
      };
    } else {
      yield {
        type: 'done',
        finishReason: toFinishReason(event.finishReason),
        usage: toOpenAiChatUsage(event.usage),
        model: event.model,
        ...(event.usage ? { billable: openAiBillableTokens(event.usage) } : {}),
        ...(event.finishReason === 'content_filter' ? { blocked: new OpenAiBlockedError(event.finishReason) } : {}),
      };
    }
  }
}

class OpenAiExchange implements ModelExchange {
  private readonly messages: OpenAiMessage[] = [];

  constructor(
    private readonly prompt: OpenAiChatPrompt,
    private readonly tools: readonly ToolDeclaration[],
  ) {}

  request(last: boolean): ChatPrompt {
    const request: ChatCompletionRequest = {
      ...this.prompt.request,
      messages: [...this.prompt.request.messages, ...this.messages],
    };
    if (this.tools.length > 0) {
      request.tools = this.tools.map(({ name, description, parameters }) => ({
        type: 'function',
        function: { name, description, parameters },
      }));
      if (last) request.tool_choice = 'none';
    }
    return { ...this.prompt, request };
  }

  response(idPrefix: string): OpenAiResponse {
    return new OpenAiResponse(idPrefix);
  }

  /** Tool results are user-written data (titles, names, tags): they go back as data, under `result`. */
  addToolResults(response: OpenAiResponse, outcomes: ReadonlyMap<string, ToolOutcome>): void {
    this.messages.push(response.message());
    for (const call of response.calls) {
      this.messages.push({
        role: 'tool',
        tool_call_id: call.id,
        content: JSON.stringify(toolResponse(outcomes.get(call.id)!)),
      });
    }
  }

  addFinalAnswer(response: OpenAiResponse): void {
    // Replayable history needs the final answer only when tools were involved.
    if (this.messages.length > 0) this.messages.push(response.message(false));
  }

  stored(): StoredExchange | undefined {
    return this.messages.length > 0 ? { format: 'openai-compatible', contents: this.messages } : undefined;
  }
}

export class OpenAiChatModel implements ChatModel {
  readonly backend = 'openai-compatible';

  constructor(private readonly transport: OpenAiTransport) {}

  prompt(input: PromptInput): OpenAiChatPrompt {
    return buildOpenAiPrompt(input);
  }

  exchange(prompt: ChatPrompt, tools: readonly ToolDeclaration[]): ModelExchange {
    return new OpenAiExchange(prompt as OpenAiChatPrompt, tools);
  }

  async open(prompt: ChatPrompt, signal: AbortSignal): Promise<AsyncIterator<ModelEvent>> {
    const { request } = prompt as OpenAiChatPrompt;
    return neutralEvents(await fetchOpenAiEvents(this.transport, { request, signal }));
  }
}
