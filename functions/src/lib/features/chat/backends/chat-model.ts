// The model a chat turn talks to, whatever serves it: the seam between the turn (turn.ts, tool-loop.ts,
// model-stream.ts), which knows only these neutral terms, and the backends that speak a wire format:
//   gemini-model.ts   Gemini (Developer API or Vertex AI), streamGenerateContent
//   openai-model.ts   any OpenAI-compatible server (vLLM, llama.cpp, Ollama, OpenRouter, OpenAI), /chat/completions
// A backend builds the turn's first request (the cache key hashes it), streams one model call as
// neutral events, and keeps the turn's exchange (the model's calls and the tools' results) in its own
// wire shape, because that is what its next request, and a later turn's history, must carry.
import type { ModelBlockedError } from '../../../platform/model/errors.js';
import type { BillableTokens } from '../../../platform/pricing/cost.js';
import type { ChatConfig, TextBackend } from '../../../platform/config/index.js';
import type { HistoryMessage, ProfileContext } from '../prompt.js';
import type { TurnTime } from '../time-context.js';
import type { ToolOutcome } from '../tools.js';
import type { ChatUsage } from '../api-types.js';

export type { TextBackend };

/** A model request, as sent: the cache key hashes `model` and `request`. */
export interface ChatPrompt<Request = unknown> {
  model: string;
  request: Request;
  /** The request's output cap: what an answer cut off before its usage arrived is charged. */
  maxOutputTokens: number;
}

/**
 * Chat's sampling, sent by every backend: tuned with the prompt (prompt.ts) for a friendly, varied but
 * on-topic assistant, not per deploy. topK is Gemini's only (OpenAI's API has no top-k).
 */
export const CHAT_SAMPLING = { temperature: 0.7, topP: 0.8, topK: 40 } as const;

/** What a turn's first request is made of. */
export interface PromptInput {
  model: string;
  settings: Pick<ChatConfig, 'maxOutputTokens'> & Partial<Pick<ChatConfig, 'safetySettings'>>;
  profile: ProfileContext | undefined;
  history: readonly HistoryMessage[];
  message: string;
  /** The tools the turn declares (their declarations are added per model call, by the exchange). */
  toolNames?: readonly string[];
  /**
   * The turn's zone and local moment: buildSystemInstruction(profile, toolNames, {time, history}) says
   * it, and historyText(turn) dates replayed user messages (prompt.ts). None: no time is told.
   */
  time?: TurnTime;
}

/** A tool as any backend declares it, from the same zod schema its arguments are checked with. */
export interface ToolDeclaration {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

/** One tool call the model asked for. */
export interface ModelCall {
  /** Unique within the turn (the server's id when it sent one); tool-call and tool-result events carry it. */
  id: string;
  name: string;
  args: unknown;
}

/** How one model call ended. */
export interface ModelEnd {
  finishReason: string | undefined;
  usage: ChatUsage | undefined;
  /** The model that answered, as the server names it. */
  model: string | undefined;
  /** What the call is billed for, in the backend's own accounting (thinking as output, cache apart). */
  billable?: BillableTokens;
  /** Set when the reply stopped for content reasons: it must not be shown as complete. */
  blocked?: ModelBlockedError;
}

/** Answer text, or thinking text (never part of the answer). `raw`: the backend's own event. */
export interface ModelTextEvent {
  type: 'text';
  text: string;
  thought?: boolean;
  raw?: unknown;
}

export interface ModelToolCallEvent {
  type: 'tool-call';
  /** The server's id for the call, when it gave one. */
  id?: string;
  name: string;
  /** Whatever JSON arrived (checked before any tool runs). */
  args: unknown;
  raw?: unknown;
}

export interface ModelDoneEvent extends ModelEnd {
  type: 'done';
}

/** One streamed model call, in order; always ends with `done` unless it fails. */
export type ModelEvent = ModelTextEvent | ModelToolCallEvent | ModelDoneEvent;

/** One model response as it streams: what the next request must repeat of it. */
export interface ModelResponse {
  /** Records the event; a new tool call is returned (a repeat of one already seen is not). */
  add(event: ModelTextEvent | ModelToolCallEvent): ModelCall | undefined;
  readonly calls: readonly ModelCall[];
}

/** A turn's exchange after the user's message, in its backend's wire shape (stored, replayed as history). */
export interface StoredExchange {
  format: TextBackend;
  contents: unknown[];
}

/** The model calls of one turn: the prompt, then every response and tool result so far. */
export interface ModelExchange {
  /** The next call's request; `last`: tool calling off, so it answers in text. */
  request(last: boolean): ChatPrompt;
  /** A new response; `idPrefix` makes call ids unique across the turn (e.g. "c2" for the 2nd call). */
  response(idPrefix: string): ModelResponse;
  /** The response asked for tools: it joins the exchange, followed by every call's outcome. */
  addToolResults(response: ModelResponse, outcomes: ReadonlyMap<string, ToolOutcome>): void;
  /** The final answer (kept only when tools were involved: only then is the exchange replayed). */
  addFinalAnswer(response: ModelResponse): void;
  /** What a later turn replays; undefined when no tool was called. */
  stored(): StoredExchange | undefined;
}

export interface ChatModel {
  readonly backend: TextBackend;
  /** The turn's first request: system instruction, history, the new message, generation settings. */
  prompt(input: PromptInput): ChatPrompt;
  /** The turn's model calls, starting from its prompt; `tools` empty: plain replies. */
  exchange(prompt: ChatPrompt, tools: readonly ToolDeclaration[]): ModelExchange;
  /**
   * Sends one request. Resolves once the server accepted it (an HTTP error or a network fault rejects
   * with a ModelError that says whether to retry); the events then come as they arrive.
   */
  open(prompt: ChatPrompt, signal: AbortSignal): Promise<AsyncIterator<ModelEvent>>;
}

/** A tool's outcome as the model reads it: the result under `result`, or the error. */
export function toolResponse(outcome: ToolOutcome): Record<string, unknown> {
  return outcome.ok ? { result: outcome.result } : { error: outcome.error };
}
