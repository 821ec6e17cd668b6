// Chat on Gemini: streamGenerateContent through the platform's one chain (fetchGeminiEvents:
// transport -> parseSseStream -> parseGeminiEvents), its events mapped to the neutral ones. Tools are
// `functionDeclarations`; the exchange is Gemini contents: the model's message exactly as received
// (gemini-response.ts), then a user message of functionResponse parts.
import { fetchGeminiEvents } from '../../../platform/gemini/fetch-events.js';
import { finishReasonBlock } from '../../../platform/gemini/finish-reasons.js';
import type {
  GenerateContentRequestBody,
  StreamingContent,
  StreamingPart,
} from '../../../platform/gemini/request-body.js';
import type { GeminiTransport } from '../../../platform/gemini/streaming-client.js';
import type { GeminiStreamEvent, GeminiTokenUsage } from '../../../platform/gemini/types.js';
import { toTokenUsage } from '../../../platform/gemini/usage.js';
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
import { geminiBillableTokens } from '../../../platform/gemini/billable-tokens.js';
import { buildChatPrompt, type GeminiChatPrompt } from './gemini-prompt.js';
import { GeminiResponse, type GeminiCall } from './gemini-response.js';

/**
 * Token counts as Gemini reports them. Not Gemini's cached-token count: its implicit cache is shared
 * by the whole project, so a hit would tell a caller that someone else recently sent the same prompt
 * prefix (for example an identical profile).
 */
export function toChatUsage(usage: GeminiTokenUsage | undefined): ChatUsage | undefined {
  return usage ? toTokenUsage(usage) : undefined;
}

/** Thinking text is never part of the answer; images are not expected from a chat model. */
async function* neutralEvents(events: AsyncIterable<GeminiStreamEvent>): AsyncGenerator<ModelEvent, void, undefined> {
  for await (const event of events) {
    if (event.type === 'text-delta') {
      yield { type: 'text', text: event.text, ...(event.thought ? { thought: true } : {}), raw: event };
    } else if (event.type === 'function-call') {
      yield {
        type: 'tool-call',
        ...(event.id !== undefined ? { id: event.id } : {}),
        name: event.name,
        args: event.args,
        raw: event,
      };
    } else if (event.type === 'done') {
      const blocked = finishReasonBlock(event.finishReason, event.safetyRatings);
      yield {
        type: 'done',
        finishReason: event.finishReason,
        usage: toChatUsage(event.usage),
        model: event.modelVersion,
        ...(event.usage ? { billable: geminiBillableTokens(event.usage) } : {}),
        ...(blocked ? { blocked } : {}),
      };
    }
  }
}

/** Tool results are user-written data (titles, names, tags): they go back as data, under `result`. */
function functionResponsePart(call: GeminiCall, outcome: ToolOutcome): StreamingPart {
  return {
    functionResponse: {
      name: call.name,
      response: toolResponse(outcome),
      ...(call.geminiId ? { id: call.geminiId } : {}),
    },
  };
}

class GeminiExchange implements ModelExchange {
  private readonly contents: StreamingContent[] = [];

  constructor(
    private readonly prompt: GeminiChatPrompt,
    private readonly tools: readonly ToolDeclaration[],
  ) {}

  request(last: boolean): ChatPrompt {
    const request: GenerateContentRequestBody = {
      ...this.prompt.request,
      contents: [...this.prompt.request.contents, ...this.contents],
    };
    if (this.tools.length > 0) {
      request.tools = [
        {
          functionDeclarations: this.tools.map(({ name, description, parameters }) => ({
            name,
            description,
            parametersJsonSchema: parameters,
          })),
        },
      ];
      if (last) request.toolConfig = { functionCallingConfig: { mode: 'NONE' } };
    }
    return { ...this.prompt, request };
  }

  response(idPrefix: string): GeminiResponse {
    return new GeminiResponse(idPrefix);
  }

  addToolResults(response: GeminiResponse, outcomes: ReadonlyMap<string, ToolOutcome>): void {
    this.contents.push(
      { role: 'model', parts: response.parts },
      { role: 'user', parts: response.calls.map((call) => functionResponsePart(call, outcomes.get(call.id)!)) },
    );
  }

  addFinalAnswer(response: GeminiResponse): void {
    // Replayable history needs the final answer only when tools were involved.
    if (this.contents.length > 0) this.contents.push({ role: 'model', parts: response.parts });
  }

  stored(): StoredExchange | undefined {
    return this.contents.length > 0 ? { format: 'gemini', contents: this.contents } : undefined;
  }
}

export class GeminiChatModel implements ChatModel {
  readonly backend = 'gemini';

  constructor(private readonly transport: GeminiTransport) {}

  prompt(input: PromptInput): GeminiChatPrompt {
    return buildChatPrompt(input);
  }

  exchange(prompt: ChatPrompt, tools: readonly ToolDeclaration[]): ModelExchange {
    return new GeminiExchange(prompt as GeminiChatPrompt, tools);
  }

  async open(prompt: ChatPrompt, signal: AbortSignal): Promise<AsyncIterator<ModelEvent>> {
    const { model, request } = prompt as GeminiChatPrompt;
    return neutralEvents(await fetchGeminiEvents(this.transport, { model, request, signal }));
  }
}
