// The model calls of one chat turn, on whichever backend (backends/chat-model.ts). The model may answer
// with tool calls instead of (or besides) text; each call runs with the caller's identity as it arrives
// (several in parallel), its result goes back in the backend's shape, and the model is called again
// with its own response repeated as the backend requires (the exchange). Bounded three ways:
//   - at most `maxModelCalls` model calls; the last one is sent with tool calling off, so it answers
//     in text, and any call it makes anyway is not run;
//   - at most `maxCallsPerStep` calls run per model response; the others are answered with an error;
//   - one deadline for the whole turn: each model call's total timeout and each tool's budget are cut
//     to what is left of it.
// Every model call keeps streamModelReply's retry, timeout and abort rules. What happened so far lives
// in `progress`, so a turn that fails or is interrupted midway can still be stored with what was done.
import { ModelTimeoutError } from '../../platform/model/errors.js';
import { estimateTokens } from '../../platform/model/token-estimate.js';
import type { RetryPolicy } from '../../platform/model/retry.js';
import type { Logger } from '../../platform/logging.js';
import type { ChatModel, ChatPrompt, ModelCall, ModelEnd, StoredExchange } from './backends/chat-model.js';
import { ClientAbortedError, streamModelReply, type ModelTimeouts } from './model-stream.js';
import { toolDeclarations, runToolCall, type AnyChatTool, type ToolOutcome } from './tools.js';
import { addCosts, type BillableTokens } from '../../platform/pricing/cost.js';
import type { BudgetMeter } from '../../platform/budget/types.js';
import type { CallPricer } from '../../platform/pricing/pricer.js';
import type { ChatToolCall, ChatUsage } from './api-types.js';

export interface ToolLimits {
  maxModelCalls: number;
  maxCallsPerStep: number;
  toolTimeoutMs: number;
  turnTimeoutMs: number;
}

export interface ToolLoopInput {
  model: ChatModel;
  /** The turn's first request (model.prompt). */
  prompt: ChatPrompt;
  /** By name; empty: one plain model call, no tools declared. */
  tools: ReadonlyMap<string, AnyChatTool>;
  uid: string;
  /** The caller's zone this turn: tools read local dates and write local times in it. */
  timeZone: string;
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
   * The caller's daily budgets, charged after every model call with the tokens it is billed for and
   * their cost in USD (null for a model with no price). A call cut off by the client or a deadline never
   * reports usage, yet the server keeps generating (and billing): it is charged an estimate of its
   * prompt plus the output cap. So is a call whose server reports none. None: not metered.
   */
  budget?: Pick<BudgetMeter, 'chargeTokens' | 'chargeCost'>;
  /** Prices every call (MODEL_PRICES); none: costs are not computed. */
  pricer?: CallPricer;
}

/** The request's JSON overcounts the prompt a little: on the budget's side. */
function estimatePromptTokens(request: unknown): number {
  return estimateTokens(JSON.stringify(request).length);
}

/** A call cut off before its usage arrived: the server goes on generating, up to the output cap. */
function estimateCall(prompt: ChatPrompt): BillableTokens {
  return { input: estimatePromptTokens(prompt.request), cachedInput: 0, output: prompt.maxOutputTokens };
}

/** The tokens and cost a call is billed for; the exact cost (with the cache discount) goes to the log. */
function billed(
  input: ToolLoopInput,
  prompt: ChatPrompt,
  tokens: BillableTokens,
  answeredBy?: string,
): { tokens: number; costUsd: number | null } {
  const models = [answeredBy, prompt.model];
  const costUsd = input.pricer ? input.pricer.costUsd(models, tokens) : null;
  if (input.pricer) {
    input.log.info('model call cost', {
      model: answeredBy ?? prompt.model,
      costUsd,
      exactCostUsd: input.pricer.exactCostUsd(models, tokens),
      cachedInputTokens: tokens.cachedInput,
    });
  }
  return { tokens: tokens.input + tokens.output + (tokens.imageOutput ?? 0), costUsd };
}

/** Charges the budgets, when the loop has any, with what one call is billed for. */
async function charge(input: ToolLoopInput, bill: { tokens: number; costUsd: number | null }): Promise<void> {
  if (input.budget) await Promise.all([input.budget.chargeTokens(bill.tokens), input.budget.chargeCost(bill.costUsd)]);
}

/** What the turn has done so far; filled in as it goes. */
export interface ToolLoopProgress {
  /** Answer text chunks, across model calls. */
  text: string[];
  /** Finished tool calls, in the order they were asked for. */
  toolCalls: ChatToolCall[];
  /** What came after the user's message when tools were used, replayable as history. */
  exchange?: StoredExchange;
  /** Summed over every model call that reported usage. */
  usage?: ChatUsage;
  modelCalls: number;
}

export function newToolLoopProgress(): ToolLoopProgress {
  return { text: [], toolCalls: [], modelCalls: 0 };
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
  const costUsd = addCosts(total.costUsd, more.costUsd);
  if (costUsd !== undefined) sum.costUsd = costUsd;
  return sum;
}

const TOO_MANY_CALLS: ToolOutcome = {
  ok: false,
  error: { code: 'failed', message: 'Too many tool calls at once; this one was not run.' },
};

/** Runs the turn's model calls and tool calls; resolves with the last model call's end. */
export async function runToolLoop(input: ToolLoopInput, progress: ToolLoopProgress): Promise<ModelEnd> {
  const { tools, limits, signal } = input;
  const exchange = input.model.exchange(input.prompt, toolDeclarations([...tools.values()]));
  const deadline = Date.now() + limits.turnTimeoutMs;

  for (let step = 1; ; step++) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new ModelTimeoutError('total', limits.turnTimeoutMs);
    const last = tools.size === 0 || step >= limits.maxModelCalls;
    const prompt = exchange.request(last);

    const response = exchange.response(`c${step}`);
    /** What this call wrote, for an estimate when its server reports no usage. */
    let outputChars = 0;
    const running: Array<Promise<void>> = [];
    const outcomes = new Map<string, ToolOutcome>();
    const finished = new Map<string, ChatToolCall>();
    /** This step's finished calls join the turn's in the order the model asked for them. */
    const recordFinished = (): void => {
      for (const call of response.calls) {
        const done = finished.get(call.id);
        if (done) progress.toolCalls.push(done);
      }
    };
    const start = (call: ModelCall): void => {
      if (response.calls.length > limits.maxCallsPerStep) {
        outcomes.set(call.id, TOO_MANY_CALLS);
        running.push(finish(call, TOO_MANY_CALLS));
        return;
      }
      const budget = Math.max(0, Math.min(limits.toolTimeoutMs, deadline - Date.now()));
      running.push(
        runToolCall(tools, call, {
          uid: input.uid,
          timeZone: input.timeZone,
          signal,
          timeoutMs: budget,
          log: input.log,
        }).then((outcome) => {
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
      model: input.model,
      prompt,
      signal,
      timeouts: { ...input.timeouts, totalMs: Math.min(input.timeouts.totalMs, remaining) },
      retry: input.retry,
      onRetry: input.onRetry,
      onText: (text) => {
        progress.text.push(text);
        return input.onText(text);
      },
      onPart: async (event) => {
        outputChars += event.type === 'text' ? event.text.length : JSON.stringify(event.args ?? null).length;
        const call = response.add(event);
        if (!call || last) return; // text, a repeat, or a call the last model call may not make
        await input.onToolCall?.({ id: call.id, name: call.name, args: call.args });
        start(call);
      },
    }).catch(async (error: unknown) => {
      await Promise.allSettled(running); // tools stop with the turn's signal; none outlives it
      recordFinished();
      if (error instanceof ClientAbortedError || error instanceof ModelTimeoutError) {
        await charge(input, billed(input, prompt, estimateCall(prompt)));
      }
      throw error;
    });
    const tokens = end.billable ?? {
      input: estimatePromptTokens(prompt.request),
      cachedInput: 0,
      output: estimateTokens(outputChars),
    };
    const bill = billed(input, prompt, tokens, end.model);
    if (end.usage) {
      // A call whose server reported no billable breakdown has no known cost (its usage is an estimate).
      const cost = input.pricer ? { costUsd: end.billable ? bill.costUsd : null } : {};
      progress.usage = addUsage(progress.usage, { ...end.usage, ...cost });
    }
    await charge(input, { tokens: end.usage?.totalTokens ?? bill.tokens, costUsd: bill.costUsd });

    if (response.calls.length === 0 || last) {
      exchange.addFinalAnswer(response);
      progress.exchange = exchange.stored();
      return end;
    }
    const settled = await Promise.allSettled(running);
    recordFinished();
    if (signal.aborted) throw new ClientAbortedError();
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    for (const call of response.calls) if (!outcomes.has(call.id)) outcomes.set(call.id, TOO_MANY_CALLS);
    exchange.addToolResults(response, outcomes);
    progress.exchange = exchange.stored();
  }
}
