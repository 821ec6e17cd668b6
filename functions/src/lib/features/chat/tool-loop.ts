// The model calls of one chat turn. Gemini may answer with tool calls instead of (or besides) text;
// each call runs with the caller's identity as it arrives (several in parallel), its result goes back
// as a functionResponse, and the model is called again with its own turn repeated exactly as received
// (model-turn.ts). Bounded three ways:
//   - at most `maxModelCalls` model calls; the last one is sent with function calling off (mode NONE),
//     so it answers in text, and any call it makes anyway is not run;
//   - at most `maxCallsPerStep` calls run per model response; the others are answered with an error;
//   - one deadline for the whole turn: each model call's total timeout and each tool's budget are cut
//     to what is left of it.
// Every model call keeps streamModelReply's retry, timeout and abort rules. What happened so far lives
// in `progress`, so a turn that fails or is interrupted midway can still be stored with what was done.
import type { StreamingContent, StreamingPart } from '../../platform/gemini/request-body.js';
import { GeminiTimeoutError } from '../../platform/gemini/errors.js';
import { estimateTokens } from '../../platform/model/token-estimate.js';
import type { GeminiTransport } from '../../platform/gemini/streaming-client.js';
import type { RetryPolicy } from '../../platform/model/retry.js';
import type { Logger } from '../../platform/logging.js';
import type { ChatPrompt } from './context.js';
import { ClientAbortedError, streamModelReply, type ModelReplyEnd, type ModelTimeouts } from './model-stream.js';
import { ModelTurn, type ModelCall } from './model-turn.js';
import { functionDeclarations, runToolCall, type AnyChatTool, type ToolOutcome } from './tools.js';
import type { ChatToolCall, ChatUsage } from './wire.js';

export interface ToolLimits {
  maxModelCalls: number;
  maxCallsPerStep: number;
  toolTimeoutMs: number;
  turnTimeoutMs: number;
}

export interface ToolLoopInput {
  client: GeminiTransport;
  prompt: ChatPrompt;
  /** By name; empty: one plain model call, no tools declared. */
  tools: ReadonlyMap<string, AnyChatTool>;
  uid: string;
  signal: AbortSignal;
  log: Logger;
  timeouts: ModelTimeouts;
  retry: RetryPolicy;
  limits: ToolLimits;
  onText(text: string): void | Promise<void>;
  onToolCall?(call: Pick<ChatToolCall, 'id' | 'name' | 'args'>): void | Promise<void>;
  onToolResult?(call: ChatToolCall): void | Promise<void>;
  onRetry?(info: { attempt: number; delayMs: number; error: unknown }): void;
  /**
   * After every model call: the tokens Gemini bills for it (the daily budget). A call cut off by the
   * client or a deadline never reports usage, yet Gemini keeps generating and billing: it is charged
   * an estimate of its prompt plus the output cap.
   */
  onBilled?(tokens: number): Promise<void>;
}

/** The request's JSON overcounts the prompt a little: on the budget's side. */
function estimatePromptTokens(request: unknown): number {
  return estimateTokens(JSON.stringify(request).length);
}

function outputCap(request: ChatPrompt['request']): number {
  const cap = request.generationConfig?.maxOutputTokens;
  return typeof cap === 'number' ? cap : 0;
}

/** What the turn has done so far; filled in as it goes. */
export interface ToolLoopProgress {
  /** Answer text chunks, across model calls. */
  text: string[];
  /** Finished tool calls, in the order they were asked for. */
  toolCalls: ChatToolCall[];
  /** Contents after the user's message: model turns and functionResponse turns, replayable as history. */
  exchange: StreamingContent[];
  /** Summed over every model call that reported usage. */
  usage?: ChatUsage;
  modelCalls: number;
}

export function newToolLoopProgress(): ToolLoopProgress {
  return { text: [], toolCalls: [], exchange: [], modelCalls: 0 };
}

export function addUsage(total: ChatUsage | undefined, more: ChatUsage | undefined): ChatUsage | undefined {
  if (!more) return total;
  if (!total) return { ...more };
  const sum: ChatUsage = {
    promptTokens: total.promptTokens + more.promptTokens,
    outputTokens: total.outputTokens + more.outputTokens,
    totalTokens: total.totalTokens + more.totalTokens,
  };
  if (total.thoughtsTokens !== undefined || more.thoughtsTokens !== undefined) {
    sum.thoughtsTokens = (total.thoughtsTokens ?? 0) + (more.thoughtsTokens ?? 0);
  }
  return sum;
}

const TOO_MANY_CALLS: ToolOutcome = {
  ok: false,
  error: { code: 'failed', message: 'Too many tool calls at once; this one was not run.' },
};

/** Runs the turn's model calls and tool calls; resolves with the last model call's end. */
export async function runToolLoop(
  input: ToolLoopInput,
  progress: ToolLoopProgress,
  toUsage: (end: ModelReplyEnd) => ChatUsage | undefined,
): Promise<ModelReplyEnd> {
  const { tools, limits, signal } = input;
  const declarations =
    tools.size > 0 ? [{ functionDeclarations: functionDeclarations([...tools.values()]) }] : undefined;
  const deadline = Date.now() + limits.turnTimeoutMs;

  for (let step = 1; ; step++) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new GeminiTimeoutError('total', limits.turnTimeoutMs);
    const last = declarations === undefined || step >= limits.maxModelCalls;
    const request: ChatPrompt['request'] = {
      ...input.prompt.request,
      contents: [...input.prompt.request.contents, ...progress.exchange],
    };
    if (declarations) request.tools = declarations;
    if (declarations && last) request.toolConfig = { functionCallingConfig: { mode: 'NONE' } };

    const turn = new ModelTurn(`c${step}`);
    const running: Array<Promise<void>> = [];
    const outcomes = new Map<string, ToolOutcome>();
    const finished = new Map<string, ChatToolCall>();
    /** This step's finished calls join the turn's in the order the model asked for them. */
    const recordFinished = (): void => {
      for (const call of turn.calls) {
        const done = finished.get(call.id);
        if (done) progress.toolCalls.push(done);
      }
    };
    const start = (call: ModelCall): void => {
      if (turn.calls.length > limits.maxCallsPerStep) {
        outcomes.set(call.id, TOO_MANY_CALLS);
        running.push(finish(call, TOO_MANY_CALLS));
        return;
      }
      const budget = Math.max(0, Math.min(limits.toolTimeoutMs, deadline - Date.now()));
      running.push(
        runToolCall(tools, call, { uid: input.uid, signal, timeoutMs: budget, log: input.log }).then((outcome) => {
          outcomes.set(call.id, outcome);
          return finish(call, outcome);
        }),
      );
    };
    const finish = async (call: ModelCall, outcome: ToolOutcome): Promise<void> => {
      const record: ChatToolCall = {
        id: call.id,
        name: call.name,
        args: call.args,
        result: outcome.ok ? outcome.result : { error: outcome.error },
      };
      finished.set(call.id, record);
      await input.onToolResult?.(record);
    };

    progress.modelCalls++;
    const end = await streamModelReply({
      client: input.client,
      prompt: { model: input.prompt.model, request },
      signal,
      timeouts: { ...input.timeouts, totalMs: Math.min(input.timeouts.totalMs, remaining) },
      retry: input.retry,
      onRetry: input.onRetry,
      onText: (text) => {
        progress.text.push(text);
        return input.onText(text);
      },
      onPart: async (event) => {
        if (event.type === 'text-delta') return turn.addText(event);
        const call = turn.addCall(event);
        if (!call || last) return; // a repeat, or a call the last model call may not make
        await input.onToolCall?.({ id: call.id, name: call.name, args: call.args });
        start(call);
      },
    }).catch(async (error: unknown) => {
      await Promise.allSettled(running); // tools stop with the turn's signal; none outlives it
      recordFinished();
      if (error instanceof ClientAbortedError || error instanceof GeminiTimeoutError) {
        await input.onBilled?.(estimatePromptTokens(request) + outputCap(request));
      }
      throw error;
    });
    const usage = toUsage(end);
    progress.usage = addUsage(progress.usage, usage);
    if (usage) await input.onBilled?.(usage.totalTokens);

    if (turn.calls.length === 0 || last) {
      // Replayable history needs the final answer only when tools were involved.
      if (progress.exchange.length > 0) progress.exchange.push({ role: 'model', parts: turn.parts });
      return end;
    }
    const settled = await Promise.allSettled(running);
    recordFinished();
    if (signal.aborted) throw new ClientAbortedError();
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    progress.exchange.push(
      { role: 'model', parts: turn.parts },
      { role: 'user', parts: turn.calls.map((call) => functionResponsePart(call, outcomes.get(call.id))) },
    );
  }
}

/** Tool results are user-written data (titles, names, tags): they go back as data, under `result`. */
function functionResponsePart(call: ModelCall, outcome: ToolOutcome | undefined): StreamingPart {
  const done = outcome ?? TOO_MANY_CALLS;
  const response = done.ok ? { result: done.result } : { error: done.error };
  return { functionResponse: { name: call.name, response, ...(call.geminiId ? { id: call.geminiId } : {}) } };
}
