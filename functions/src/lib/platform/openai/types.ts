// Events of an OpenAI-compatible stream, as parseOpenAiEvents gives them.

/** Token usage as the server reports it (`usage` of the chunk before `[DONE]`). */
export interface OpenAiTokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** `completion_tokens_details.reasoning_tokens`, where the server reports it. */
  reasoning_tokens?: number;
}

/** Answer text, or reasoning text (`reasoning_content` / `reasoning`) when `thought` is true. */
export interface OpenAiTextEvent {
  type: 'text-delta';
  text: string;
  thought?: boolean;
}

/** One whole tool call (tool-call-assembler.ts). */
export interface OpenAiToolCallEvent {
  type: 'tool-call';
  id?: string;
  name: string;
  args: unknown;
}

export interface OpenAiDoneEvent {
  type: 'done';
  /** As the server sent it: stop, length, tool_calls, content_filter, ... */
  finishReason?: string;
  usage?: OpenAiTokenUsage;
  /** The chunks' `model`. */
  model?: string;
  /** The chunks' `id`. */
  id?: string;
}

export type OpenAiStreamEvent = OpenAiTextEvent | OpenAiToolCallEvent | OpenAiDoneEvent;
