// A reply plan as the SSE frames of a streamed Chat Completions response, in a dialect (types.ts):
// chunks `{id, object: "chat.completion.chunk", created, model, choices: [{index, delta, finish_reason}]}`,
// the usage chunk with `choices: []` before `data: [DONE]`, and each dialect's comments and tool-call
// delivery. Finish reasons use the Gemini-side names in plans and are turned into OpenAI's here.
import { randomBytes } from 'node:crypto';
import type { ContentPlan, FunctionCallItem } from '../reply-plan.js';
import type { OpenAiDialect } from '../types.js';

export interface ChatMeta {
  id: string;
  created: number;
  /** As the chunks name it: the requested model, marked offline. */
  model: string;
  promptTokens: number;
  includeUsage: boolean;
  dialect: OpenAiDialect;
}

/** A frame is a data event (counted, delayed, subject to faults) or a comment (written as it comes). */
export type Frame = { kind: 'data'; text: string } | { kind: 'comment'; text: string };

const CONTENT_STOPS = new Set(['SAFETY', 'PROHIBITED_CONTENT', 'BLOCKLIST', 'SPII', 'RECITATION']);

export function openAiFinishReason(reason: string, calledTools: boolean): string {
  if (reason === 'STOP') return calledTools ? 'tool_calls' : 'stop';
  if (reason === 'MAX_TOKENS') return 'length';
  if (CONTENT_STOPS.has(reason)) return 'content_filter';
  return reason.toLowerCase();
}

export function comment(dialect: OpenAiDialect): Frame | undefined {
  if (dialect === 'llama.cpp') return { kind: 'comment', text: ': \n\n' };
  if (dialect === 'openrouter') return { kind: 'comment', text: ': OPENROUTER PROCESSING\n\n' };
  return undefined;
}

function data(value: unknown): Frame {
  return { kind: 'data', text: `data: ${typeof value === 'string' ? value : JSON.stringify(value)}\n\n` };
}

function callId(dialect: OpenAiDialect): string {
  const hex = randomBytes(12).toString('hex');
  if (dialect === 'vllm' || dialect === 'vllm-legacy') return `chatcmpl-tool-${hex}`;
  return dialect === 'llama.cpp' ? hex : `call_${hex.slice(0, 16)}`;
}

/** Splits argument text into about three pieces, as servers stream it. */
function pieces(text: string): string[] {
  const size = Math.max(1, Math.ceil(text.length / 3));
  const out: string[] = [];
  for (let at = 0; at < text.length; at += size) out.push(text.slice(at, at + size));
  return out;
}

const tokens = (text: string): number => Math.ceil(text.length / 4);

export interface RenderedReply {
  frames: Frame[];
  /** The chunk fields every chunk carries (for a mid-stream error event). */
  base: Record<string, unknown>;
}

export function renderChat(plan: ContentPlan, meta: ChatMeta): RenderedReply {
  const { dialect } = meta;
  const base = {
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    system_fingerprint: dialect === 'ollama' ? 'fp_ollama' : 'fp_offline',
  };
  const withUsageNull = meta.includeUsage && dialect !== 'ollama' ? { usage: null } : {};
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...withUsageNull,
  });
  const frames: Frame[] = [];
  const keepAlive = (): void => {
    const frame = dialect === 'llama.cpp' ? comment(dialect) : undefined;
    if (frame) frames.push(frame);
  };
  let completion = 0;
  let first = dialect !== 'ollama';
  if (first) frames.push(data(chunk({ role: 'assistant', content: dialect === 'llama.cpp' ? null : '' })));
  const role = (): Record<string, unknown> => {
    if (first) return {};
    first = true;
    return { role: 'assistant' };
  };
  const calls: FunctionCallItem[] = [];
  for (const item of plan.items) {
    if (item.type === 'functionCall') {
      calls.push(item);
      continue;
    }
    if (item.type !== 'text') continue; // images are not part of Chat Completions
    for (const text of item.chunks) {
      if (text === '') continue;
      completion += tokens(text);
      keepAlive();
      const field = item.thought
        ? dialect === 'ollama' || dialect === 'openrouter'
          ? 'reasoning'
          : 'reasoning_content'
        : 'content';
      frames.push(data(chunk({ ...role(), [field]: text })));
    }
  }
  if (calls.length > 0) {
    const named = calls.map((call) => ({ call, id: call.id ?? callId(dialect), args: JSON.stringify(call.args) }));
    for (const { args } of named) completion += tokens(args) + 5;
    if (dialect === 'ollama') {
      // Whole calls in one chunk, every one on index 0: only the ids tell them apart.
      const toolCalls = named.map(({ call, id, args }) => ({
        id,
        index: 0,
        type: 'function',
        function: { name: call.name, arguments: args },
      }));
      frames.push(data(chunk({ ...role(), content: '', tool_calls: toolCalls })));
    } else {
      named.forEach(({ call, id, args }, index) => {
        keepAlive();
        frames.push(
          data(
            chunk({
              ...role(),
              tool_calls: [{ index, id, type: 'function', function: { name: call.name, arguments: '' } }],
            }),
          ),
        );
        for (const piece of pieces(args))
          frames.push(data(chunk({ tool_calls: [{ index, function: { arguments: piece } }] })));
      });
    }
  }
  keepAlive();
  frames.push(data(chunk({}, openAiFinishReason(plan.finishReason, calls.length > 0))));
  if (meta.includeUsage || dialect === 'llama.cpp') {
    const usage = {
      prompt_tokens: plan.usage?.promptTokenCount ?? meta.promptTokens,
      completion_tokens: plan.usage?.candidatesTokenCount ?? completion,
      total_tokens: plan.usage?.totalTokenCount ?? meta.promptTokens + completion,
    };
    const timings =
      dialect === 'llama.cpp'
        ? {
            prompt_n: usage.prompt_tokens,
            prompt_ms: 1.5,
            predicted_n: usage.completion_tokens,
            predicted_ms: 4.2,
            predicted_per_second: 238.1,
          }
        : undefined;
    frames.push(data({ ...base, choices: [], usage, ...(timings ? { timings } : {}) }));
  }
  frames.push(data('[DONE]'));
  return { frames, base };
}
