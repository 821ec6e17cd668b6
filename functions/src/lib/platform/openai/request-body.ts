// The Chat Completions request as this backend sends it (`POST {base}/chat/completions`), typed for
// what we use. Every OpenAI-compatible server (vLLM, llama.cpp, Ollama, OpenRouter, OpenAI) reads
// these fields; `stream_options.include_usage` asks for the usage chunk before `[DONE]`.

/** A tool call as the assistant message carries it; `arguments` is JSON text. */
export interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type OpenAiMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: OpenAiToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface OpenAiTool {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

export type OpenAiResponseFormat =
  | { type: 'json_schema'; json_schema: { name: string; schema: Record<string, unknown>; strict?: boolean } }
  | { type: 'json_object' };

export interface ChatCompletionRequest {
  model: string;
  messages: OpenAiMessage[];
  stream: true;
  stream_options: { include_usage: true };
  temperature?: number;
  top_p?: number;
  /** The output cap; every server named above reads this name. */
  max_tokens?: number;
  tools?: OpenAiTool[];
  /** `none` on a turn's last call: it must answer in text. */
  tool_choice?: 'auto' | 'none';
  response_format?: OpenAiResponseFormat;
}
