// One model call of a chat turn, on whichever backend (backends/chat-model.ts): the request, streamed,
// with three deadlines (first event per attempt, silence between events, whole call) and retries with
// backoff for failures BEFORE the first answer token. After the first token the caller has shown text
// to someone, so a failure is final (a retry would give a different answer). Whether a failure is
// worth retrying is the error's own `isRetryable`, set where it was made (HTTP status, network fault,
// truncation, a stalled attempt).
import {
  ModelProtocolError,
  ModelTimeoutError,
  isRetryableError,
  retryAfterMsOf,
} from '../../platform/model/errors.js';
import { withRetry, type RetryPolicy } from '../../platform/model/retry.js';
import type {
  ChatModel,
  ChatPrompt,
  ModelEnd,
  ModelEvent,
  ModelTextEvent,
  ModelToolCallEvent,
} from './backends/chat-model.js';

export interface ModelTimeouts {
  firstChunkMs: number;
  idleMs: number;
  totalMs: number;
}

export interface ModelCallOptions {
  model: ChatModel;
  prompt: ChatPrompt;
  /** The caller going away (client disconnect): stops everything at once. */
  signal: AbortSignal;
  timeouts: ModelTimeouts;
  retry: RetryPolicy;
  /** Each answer chunk as it arrives; awaited, so a slow consumer slows reading (backpressure). */
  onText(text: string): void | Promise<void>;
  /**
   * Every part of the answering attempt that the model's message is made of (text and thinking chunks,
   * signature-only parts, tool calls), in order, before onText for the same chunk; awaited.
   */
  onPart?(event: ModelTextEvent | ModelToolCallEvent): void | Promise<void>;
  onRetry?(info: { attempt: number; delayMs: number; error: unknown }): void;
}

/** The signal's own reason when the caller aborted, so callers can tell "client left" apart. */
export class ClientAbortedError extends Error {
  constructor() {
    super('client disconnected');
    this.name = 'ClientAbortedError';
  }
}

/** One attempt: its own abort controller and a watchdog that aborts it on silence. */
class Attempt {
  readonly controller = new AbortController();
  readonly signal: AbortSignal;
  private timer: NodeJS.Timeout | undefined;

  constructor(parent: AbortSignal) {
    this.signal = AbortSignal.any([parent, this.controller.signal]);
  }

  arm(ms: number, phase: 'first-chunk' | 'idle'): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.controller.abort(new ModelTimeoutError(phase, ms)), ms);
  }

  /** Releases the connection (a no-op once the body was read to the end) and the timer. */
  close(): void {
    clearTimeout(this.timer);
    if (!this.controller.signal.aborted) this.controller.abort(new Error('attempt closed'));
  }
}

interface OpenedStream {
  attempt: Attempt;
  events: AsyncIterator<ModelEvent>;
  /** What came before the first answer (thinking, signature-only parts): part of the model's message. */
  before: ModelEvent[];
  /** The first answer text or tool call, or the end of a reply without either. */
  first: ModelEvent;
}

/** The attempt has answered: text shown to someone, or a tool call acted on. Retrying would differ. */
function isAnswer(event: ModelEvent): boolean {
  return (event.type === 'text' && !event.thought && event.text !== '') || event.type === 'tool-call';
}

/** A backend's events always end with `done`; an iterator that ends without one was cut short. */
function missingDone(): ModelProtocolError {
  return new ModelProtocolError('PROTOCOL_MISSING_DONE', 'model stream ended without a done event');
}

export async function streamModelReply(options: ModelCallOptions): Promise<ModelEnd> {
  const { signal: clientSignal, timeouts } = options;
  clientSignal.throwIfAborted();
  const total = new AbortController();
  const totalTimer = setTimeout(() => total.abort(new ModelTimeoutError('total', timeouts.totalMs)), timeouts.totalMs);
  const callSignal = AbortSignal.any([clientSignal, total.signal]);

  /** Replaces whatever an aborted operation threw with the reason it was aborted for. */
  const explain = (error: unknown, attempt?: Attempt): unknown => {
    if (clientSignal.aborted) return new ClientAbortedError();
    if (total.signal.aborted) return total.signal.reason;
    if (attempt?.controller.signal.aborted && attempt.controller.signal.reason instanceof ModelTimeoutError) {
      return attempt.controller.signal.reason;
    }
    return error;
  };

  const open = async (): Promise<OpenedStream> => {
    const attempt = new Attempt(callSignal);
    attempt.arm(timeouts.firstChunkMs, 'first-chunk');
    try {
      const events = await options.model.open(options.prompt, attempt.signal);
      const before: ModelEvent[] = [];
      for (;;) {
        const next = await events.next();
        attempt.arm(timeouts.idleMs, 'idle');
        if (next.done) throw missingDone();
        const event = next.value;
        if (isAnswer(event) || event.type === 'done') return { attempt, events, before, first: event };
        before.push(event);
      }
    } catch (error) {
      attempt.close();
      throw explain(error, attempt);
    }
  };

  let opened: OpenedStream | undefined;
  try {
    opened = await withRetry(open, options.retry, {
      isRetryable: isRetryableError,
      retryAfterMs: retryAfterMsOf,
      onRetry: options.onRetry,
      signal: callSignal,
    });
    const { attempt, events } = opened;
    for (const early of opened.before) await deliver(early, options);
    let event: ModelEvent = opened.first;
    for (;;) {
      if (event.type === 'done') {
        const { finishReason, usage, model, blocked, billable } = event;
        return { finishReason, usage, model, ...(billable ? { billable } : {}), ...(blocked ? { blocked } : {}) };
      }
      await deliver(event, options);
      const next = await events.next().catch((error: unknown) => {
        throw explain(error, attempt);
      });
      attempt.arm(timeouts.idleMs, 'idle');
      if (next.done) throw missingDone();
      event = next.value;
    }
  } catch (error) {
    throw explain(error, opened?.attempt);
  } finally {
    clearTimeout(totalTimer);
    opened?.attempt.close();
  }
}

/** Thinking text is never part of the answer. */
async function deliver(event: ModelEvent, options: ModelCallOptions): Promise<void> {
  if (event.type === 'done') return;
  await options.onPart?.(event);
  if (event.type === 'text' && !event.thought && event.text !== '') await options.onText(event.text);
}
