// Reading a Chat Completions request the way OpenAI-compatible servers do: the checks they make
// before generating (messages present, every assistant tool call answered by a tool message and no
// tool message without its call), the log summary, and the prompt facts default replies come from.
import type { OpenAiBodySummary, OpenAiMessageSummary } from '../types.js';

export type ChatBody = Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function messagesOf(body: ChatBody): Record<string, unknown>[] {
  return Array.isArray(body.messages) ? body.messages.filter(isRecord) : [];
}

/** Message content as text: a string, or the text parts of a content array. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : '')).join('');
}

interface ToolCallSummary {
  id: string;
  name: string;
  arguments: string;
}

function toolCallsOf(message: Record<string, unknown>): ToolCallSummary[] {
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls.filter(isRecord) : [];
  return calls.map((call) => {
    const fn = isRecord(call.function) ? call.function : {};
    return {
      id: typeof call.id === 'string' ? call.id : '',
      name: typeof fn.name === 'string' ? fn.name : '',
      arguments: typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments ?? null),
    };
  });
}

/** The message the server answers 400 with, or undefined when the request is acceptable. */
export function validateChatRequest(body: ChatBody): string | undefined {
  if (typeof body.model !== 'string' || body.model === '') return 'you must provide a model parameter';
  const messages = messagesOf(body);
  if (messages.length === 0 || !Array.isArray(body.messages) || messages.length !== body.messages.length) {
    return "'messages' must be a non-empty array of message objects";
  }
  let open = new Set<string>();
  for (const [index, message] of messages.entries()) {
    if (message.role === 'tool') {
      const id = message.tool_call_id;
      if (typeof id !== 'string' || !open.has(id)) {
        return `Invalid parameter: messages[${index}] with role 'tool' must be a response to a preceeding message with 'tool_calls'.`;
      }
      open.delete(id);
      continue;
    }
    if (open.size > 0) {
      return "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'.";
    }
    if (message.role === 'assistant') open = new Set(toolCallsOf(message).map((call) => call.id));
    else if (!['system', 'user', 'developer'].includes(String(message.role))) {
      return `Invalid value for 'messages[${index}].role': '${String(message.role)}'.`;
    }
  }
  if (open.size > 0) {
    return "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'.";
  }
  return undefined;
}

export function declaredTools(body: ChatBody): Set<string> {
  const names = new Set<string>();
  for (const tool of Array.isArray(body.tools) ? body.tools : []) {
    if (isRecord(tool) && isRecord(tool.function) && typeof tool.function.name === 'string')
      names.add(tool.function.name);
  }
  return names;
}

export function includeUsage(body: ChatBody): boolean {
  return isRecord(body.stream_options) && body.stream_options.include_usage === true;
}

export function lastUserText(body: ChatBody): string {
  const messages = messagesOf(body);
  for (let i = messages.length - 1; i >= 0; i--)
    if (messages[i].role === 'user') return contentText(messages[i].content);
  return '';
}

export function userTurnCount(body: ChatBody): number {
  return messagesOf(body).filter((message) => message.role === 'user').length;
}

/** The tool messages that end the conversation (answers to the last assistant's calls), by tool name. */
export function trailingToolResults(body: ChatBody): Array<{ name: string; response: Record<string, unknown> }> {
  const messages = messagesOf(body);
  let start = messages.length;
  while (start > 0 && messages[start - 1].role === 'tool') start--;
  if (start === messages.length || start === 0) return [];
  const names = new Map(toolCallsOf(messages[start - 1]).map((call) => [call.id, call.name]));
  return messages.slice(start).map((message) => {
    let response: unknown;
    try {
      response = JSON.parse(contentText(message.content));
    } catch {
      response = { result: contentText(message.content) };
    }
    return { name: names.get(String(message.tool_call_id)) ?? 'tool', response: isRecord(response) ? response : {} };
  });
}

/** Deterministic prompt size: ~4 characters per token over every message's text and calls. */
export function estimatePromptTokens(body: ChatBody): number {
  let chars = 0;
  for (const message of messagesOf(body)) {
    chars += contentText(message.content).length;
    for (const call of toolCallsOf(message)) chars += call.name.length + call.arguments.length;
  }
  return Math.max(1, Math.ceil(chars / 4));
}

export function summariseChatBody(body: ChatBody): OpenAiBodySummary {
  const messages: OpenAiMessageSummary[] = messagesOf(body).map((message) => {
    const calls = toolCallsOf(message);
    return {
      role: String(message.role),
      ...(message.content !== undefined && message.content !== null ? { text: contentText(message.content) } : {}),
      ...(calls.length > 0 ? { toolCalls: calls } : {}),
      ...(typeof message.tool_call_id === 'string' ? { toolCallId: message.tool_call_id } : {}),
    };
  });
  const format = isRecord(body.response_format) ? body.response_format.type : undefined;
  return {
    model: String(body.model ?? ''),
    messages,
    stream: body.stream === true,
    includeUsage: includeUsage(body),
    tools: [...declaredTools(body)],
    ...(body.tool_choice !== undefined ? { toolChoice: body.tool_choice } : {}),
    ...(typeof format === 'string' ? { responseFormat: format } : {}),
    ...(typeof body.max_tokens === 'number' ? { maxTokens: body.max_tokens } : {}),
    ...(typeof body.temperature === 'number' ? { temperature: body.temperature } : {}),
  };
}
