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
import { withRetry, type RetryPolicy } from '../../platform/gemini/retry.js';
import type { GeminiStreamEvent, GeminiTokenUsage } from '../../platform/gemini/types.js';
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
  /** The first answer text, or the end of a reply without any. */
  first: GeminiStreamEvent;
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
      for (;;) {
        const next = await events.next();
        attempt.arm(timeouts.idleMs, 'idle');
        if (next.done) throw missingDone();
        const event = next.value;
        if ((event.type === 'text-delta' && !event.thought && event.text !== '') || event.type === 'done') {
          return { attempt, events, first: event };
        }
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
    let event: GeminiStreamEvent = opened.first;
    for (;;) {
      if (event.type === 'done') {
        return { finishReason: event.finishReason, usage: event.usage, modelVersion: event.modelVersion };
      }
      // Thinking text is never part of the answer; images are not expected from a chat model.
      if (event.type === 'text-delta' && !event.thought && event.text !== '') await options.onText(event.text);
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
