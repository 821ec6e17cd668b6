// What an OpenAI-compatible server sees for one chat turn: a system message (prompt.ts), the
// conversation as user/assistant messages ending with the new one, the generation settings. Pure
// functions: the same inputs always give the same request, which the cache key relies on.
// Roles are made to alternate (consecutive messages of one role merged, no leading assistant): several
// open models' chat templates refuse anything else (llama.cpp and vLLM render those templates).
import type { ChatCompletionRequest, OpenAiMessage } from '../../../platform/openai/request-body.js';
import { buildSystemInstruction, historyText, type HistoryMessage } from '../prompt.js';
import { CHAT_SAMPLING, type ChatPrompt, type PromptInput, type StoredExchange } from './chat-model.js';

export type OpenAiChatPrompt = ChatPrompt<ChatCompletionRequest>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An assistant message (text and/or tool calls) or a tool result, as this backend stores them. */
function isExchangeMessage(value: unknown): value is OpenAiMessage {
  if (!isRecord(value)) return false;
  if (value.role === 'tool') return typeof value.tool_call_id === 'string' && typeof value.content === 'string';
  if (value.role !== 'assistant') return false;
  const calls = value.tool_calls;
  return (
    (value.content === null || typeof value.content === 'string') &&
    (calls === undefined ||
      (Array.isArray(calls) &&
        calls.every((call) => isRecord(call) && typeof call.id === 'string' && isRecord(call.function))))
  );
}

/** A stored exchange this backend can send again: one it wrote, of well-formed messages. */
function replayableExchange(exchange: StoredExchange | undefined): OpenAiMessage[] | undefined {
  if (exchange?.format !== 'openai-compatible' || !exchange.contents.every(isExchangeMessage)) return undefined;
  return exchange.contents as OpenAiMessage[];
}

/**
 * History (oldest first) plus the new message as messages after the system one. A reply's tool
 * exchange is replayed when this backend wrote it (the assistant's tool_calls, one tool message per
 * call, the final answer); one from another backend (Gemini's contents) is replayed as its text.
 */
export function buildMessages(history: readonly HistoryMessage[], message: string): OpenAiMessage[] {
  const messages: OpenAiMessage[] = [];
  const turns: HistoryMessage[] = [...history, { role: 'user', text: message }];
  for (const turn of turns) {
    if (messages.length === 0 && turn.role === 'assistant') continue;
    const exchange = replayableExchange(turn.exchange);
    if (exchange && messages[messages.length - 1]?.role === 'user') {
      messages.push(...exchange.map((item) => structuredClone(item)));
      continue;
    }
    if (turn.text.trim() === '') continue;
    const text = historyText(turn);
    const last = messages[messages.length - 1];
    if (last && last.role === turn.role && typeof last.content === 'string') last.content += `\n\n${text}`;
    else messages.push({ role: turn.role, content: text });
  }
  return messages;
}

export function buildOpenAiPrompt(input: PromptInput): OpenAiChatPrompt {
  const { settings } = input;
  return {
    model: input.model,
    request: {
      model: input.model,
      messages: [
        {
          role: 'system',
          content: buildSystemInstruction(
            input.profile,
            input.toolNames,
            input.time ? { time: input.time, history: input.history.length > 0 } : undefined,
          ),
        },
        ...buildMessages(input.history, input.message),
      ],
      stream: true,
      stream_options: { include_usage: true },
      temperature: CHAT_SAMPLING.temperature,
      top_p: CHAT_SAMPLING.topP,
      max_tokens: settings.maxOutputTokens,
    },
    maxOutputTokens: settings.maxOutputTokens,
  };
}
