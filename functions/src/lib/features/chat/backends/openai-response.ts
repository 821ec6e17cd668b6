// One response of an OpenAI-compatible server in a chat turn, kept as the assistant message the next
// request must repeat: its answer text and its tool calls, each with the id the tool message answers.
// Reasoning text is not kept: servers that send it (reasoning_content) do not want it back.
import type { OpenAiMessage, OpenAiToolCall } from '../../../platform/openai/request-body.js';
import type { ModelCall, ModelResponse, ModelTextEvent, ModelToolCallEvent } from './chat-model.js';

export class OpenAiResponse implements ModelResponse {
  readonly calls: ModelCall[] = [];
  private text = '';
  private readonly seen = new Set<string>();

  /** @param idPrefix makes call ids unique across the turn's model calls (e.g. "c2" for the 2nd). */
  constructor(private readonly idPrefix: string) {}

  add(event: ModelTextEvent | ModelToolCallEvent): ModelCall | undefined {
    if (event.type === 'text') {
      if (!event.thought) this.text += event.text;
      return undefined;
    }
    // A server's id is kept (its tool message must name it); a repeat of one is not a second call.
    if (event.id !== undefined && this.seen.has(event.id)) return undefined;
    const id =
      event.id !== undefined && !this.seen.has(event.id) ? event.id : `${this.idPrefix}-${this.calls.length + 1}`;
    this.seen.add(id);
    const call: ModelCall = { id, name: event.name, args: event.args };
    this.calls.push(call);
    return call;
  }

  /**
   * The assistant message: its text (null when it only called tools) and, unless `withCalls` is false,
   * its calls. A final answer is kept without calls: calls nobody answered are refused when replayed.
   */
  message(withCalls = true): OpenAiMessage {
    const toolCalls: OpenAiToolCall[] = (withCalls ? this.calls : []).map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: typeof call.args === 'string' ? call.args : JSON.stringify(call.args) },
    }));
    return {
      role: 'assistant',
      content: this.text === '' && toolCalls.length > 0 ? null : this.text,
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    };
  }
}
