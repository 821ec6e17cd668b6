// The Gemini call of a chat turn: streamGenerateContent through the platform's one chain
// (fetchGeminiEvents: transport -> parseSseStream -> parseGeminiEvents) with three deadlines (first
// event per attempt, silence between events, whole call) and retries with backoff for failures BEFORE
// the first answer token. After the first token the caller has shown text to someone, so a failure is
// final (a retry would give a different answer). Whether a failure is worth retrying is the error's
// own `isRetryable`, set where it was made (HTTP status, network fault, truncation, a stalled attempt).
import type { GeminiTransport } from '../../platform/gemini/streaming-client.js';
import {
  GeminiProtocolError,
  GeminiTimeoutError,
  isRetryableError,
  retryAfterMsOf,
} from '../../platform/gemini/errors.js';
import { fetchGeminiEvents } from '../../platform/gemini/fetch-events.js';
import type { GeminiSafetyRating } from '../../platform/gemini/safety.js';
import { withRetry, type RetryPolicy } from '../../platform/model/retry.js';
import type {
  FunctionCallEvent,
  GeminiStreamEvent,
  GeminiTokenUsage,
  TextDeltaEvent,
} from '../../platform/gemini/types.js';
import type { ChatPrompt } from './context.js';

export interface ModelTimeouts {
  firstChunkMs: number;
  idleMs: number;
  totalMs: number;
}

export interface ModelReplyEnd {
  finishReason: string | undefined;
  usage: GeminiTokenUsage | undefined;
  modelVersion: string | undefined;
  /** Gemini's last safety ratings: they name the category of a content stop. */
  safetyRatings?: GeminiSafetyRating[];
}

export interface ModelCallOptions {
  client: GeminiTransport;
  prompt: ChatPrompt;
  /** The caller going away (client disconnect): stops everything at once. */
  signal: AbortSignal;
  timeouts: ModelTimeouts;
  retry: RetryPolicy;
  /** Each answer chunk as it arrives; awaited, so a slow consumer slows reading (backpressure). */
  onText(text: string): void | Promise<void>;
  /**
   * Every part of the answering attempt that the model's turn is made of (text and thinking chunks,
   * signature-only parts, tool calls), in order, before onText for the same chunk; awaited.
   */
  onPart?(event: TextDeltaEvent | FunctionCallEvent): void | Promise<void>;
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
    this.timer = setTimeout(() => this.controller.abort(new GeminiTimeoutError(phase, ms)), ms);
  }

  /** Releases the connection (a no-op once the body was read to the end) and the timer. */
  close(): void {
    clearTimeout(this.timer);
    if (!this.controller.signal.aborted) this.controller.abort(new Error('attempt closed'));
  }
}

interface OpenedStream {
  attempt: Attempt;
  events: AsyncIterator<GeminiStreamEvent>;
  /** What came before the first answer (thinking, signature-only parts): part of the model's turn. */
  before: GeminiStreamEvent[];
  /** The first answer text or tool call, or the end of a reply without either. */
  first: GeminiStreamEvent;
}

/** The attempt has answered: text shown to someone, or a tool call acted on. Retrying would differ. */
function isAnswer(event: GeminiStreamEvent): boolean {
  return (event.type === 'text-delta' && !event.thought && event.text !== '') || event.type === 'function-call';
}

/** parseGeminiEvents always ends with `done`; an iterator that ends without one was cut short. */
function missingDone(): GeminiProtocolError {
  return new GeminiProtocolError('PROTOCOL_MISSING_DONE', 'Gemini stream ended without a done event');
}

export async function streamModelReply(options: ModelCallOptions): Promise<ModelReplyEnd> {
  const { signal: clientSignal, timeouts } = options;
  clientSignal.throwIfAborted();
  const total = new AbortController();
  const totalTimer = setTimeout(() => total.abort(new GeminiTimeoutError('total', timeouts.totalMs)), timeouts.totalMs);
  const callSignal = AbortSignal.any([clientSignal, total.signal]);

  /** Replaces whatever an aborted operation threw with the reason it was aborted for. */
  const explain = (error: unknown, attempt?: Attempt): unknown => {
    if (clientSignal.aborted) return new ClientAbortedError();
    if (total.signal.aborted) return total.signal.reason;
    if (attempt?.controller.signal.aborted && attempt.controller.signal.reason instanceof GeminiTimeoutError) {
      return attempt.controller.signal.reason;
    }
    return error;
  };

  const open = async (): Promise<OpenedStream> => {
    const attempt = new Attempt(callSignal);
    attempt.arm(timeouts.firstChunkMs, 'first-chunk');
    try {
      const events = await fetchGeminiEvents(options.client, {
        model: options.prompt.model,
        request: options.prompt.request,
        signal: attempt.signal,
      });
      const before: GeminiStreamEvent[] = [];
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
    let event: GeminiStreamEvent = opened.first;
    for (;;) {
      if (event.type === 'done') {
        const { finishReason, usage, modelVersion, safetyRatings } = event;
        return { finishReason, usage, modelVersion, ...(safetyRatings ? { safetyRatings } : {}) };
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

/** Thinking text is never part of the answer; images are not expected from a chat model. */
async function deliver(event: GeminiStreamEvent, options: ModelCallOptions): Promise<void> {
  if (event.type !== 'text-delta' && event.type !== 'function-call') return;
  await options.onPart?.(event);
  if (event.type === 'text-delta' && !event.thought && event.text !== '') await options.onText(event.text);
}
