// What Gemini sees for one chat turn: the system instruction (prompt.ts) and the conversation as
// multi-turn contents ending with the new message. Pure functions: the same inputs always give the
// same request, which the cache key relies on.
import type { GenerateContentRequestBody, StreamingContent } from '../../../platform/gemini/request-body.js';
import { buildSystemInstruction, historyText, type HistoryMessage } from '../prompt.js';
import { CHAT_SAMPLING, type ChatPrompt, type PromptInput, type StoredExchange } from './chat-model.js';

export type GeminiChatPrompt = ChatPrompt<GenerateContentRequestBody>;

function isContent(value: unknown): value is StreamingContent {
  if (typeof value !== 'object' || value === null) return false;
  const { role, parts } = value as { role?: unknown; parts?: unknown };
  return Array.isArray(parts) && (role === 'model' || role === 'user');
}

/** A stored exchange Gemini can be sent again: one Gemini wrote, of well-formed contents. */
function replayableExchange(exchange: StoredExchange | undefined): StreamingContent[] | undefined {
  if (exchange?.format !== 'gemini' || !exchange.contents.every(isContent)) return undefined;
  return exchange.contents as StreamingContent[];
}

/**
 * History (oldest first) plus the new message as Gemini contents. Empty messages are skipped,
 * consecutive messages of one role are merged (Gemini expects user/model alternation, and a failed
 * reply leaves two user messages in a row), and the contents start with a user message. A reply's tool
 * exchange is replayed when Gemini wrote it; one from another backend is replayed as its text.
 */
export function buildContents(history: readonly HistoryMessage[], message: string): StreamingContent[] {
  const contents: StreamingContent[] = [];
  const turns: HistoryMessage[] = [...history, { role: 'user', text: message }];
  for (const turn of turns) {
    const role = turn.role === 'assistant' ? 'model' : 'user';
    if (contents.length === 0 && role === 'model') continue;
    // A tool exchange starts with the model's calls and alternates; it follows the user message it answered.
    const exchange = replayableExchange(turn.exchange);
    if (exchange && contents[contents.length - 1]?.role === 'user') {
      contents.push(...exchange.map((content) => ({ role: content.role, parts: [...content.parts] })));
      continue;
    }
    if (turn.text.trim() === '') continue;
    const text = historyText(turn);
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts.push({ text });
    else contents.push({ role, parts: [{ text }] });
  }
  return contents;
}

export function buildChatPrompt(input: PromptInput): GeminiChatPrompt {
  const { settings } = input;
  return {
    model: input.model,
    request: {
      systemInstruction: {
        parts: [
          {
            text: buildSystemInstruction(
              input.profile,
              input.toolNames,
              input.time ? { time: input.time, history: input.history.length > 0 } : undefined,
            ),
          },
        ],
      },
      contents: buildContents(input.history, input.message),
      generationConfig: {
        ...CHAT_SAMPLING,
        maxOutputTokens: settings.maxOutputTokens,
      },
      // CHAT_SAFETY: part of the request, so of the reply cache's key too.
      ...(settings.safetySettings ? { safetySettings: settings.safetySettings } : {}),
    },
    maxOutputTokens: settings.maxOutputTokens,
  };
}
