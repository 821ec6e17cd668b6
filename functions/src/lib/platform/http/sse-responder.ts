// The one way a function answers with a stream (chatStream, generateImage and editImage with
// `Accept: text/event-stream`), in either protocol. The work gets a stream to send named JSON events on
// and to finish with its final event and result; this module owns everything else:
//   - opening: the stream opens with the first event (a failure before it is an ordinary HTTP error,
//     thrown on to the request layer). The request layer's security headers plus the SSE ones
//     (writer.ts; Cache-Control no-store), then the padded opening comment (sse/stream-opening.ts), so
//     the emulator and proxies flush the headers at once and an iOS app gets the first event at once.
//   - ids: every event carries `id:` 1, 2, 3... in the order sent, the error event included.
//   - heartbeat: a `: ping` comment after HEARTBEAT_MS without any frame.
//   - errors: the work throws an HttpError (anything else is masked as 500 internal); after the stream
//     opened it becomes the one `error` event, {code, message, status, details?, requestId}: the JSON
//     error body's fields plus the status the stream can no longer send.
//   - the close: the response ends once, after every queued event is written; a client disconnect
//     aborts `signal`, so the work stops; nothing is written after the close.
// For a callable caller (ctx.callable) the same work is relayed instead: each event is a chunk
// `{type: event, ...data}`, the finish sets the call's result, and a failure goes back to the request
// layer, which answers it as the callable error (inside the stream once a chunk went out).
import type { ServerResponse } from 'node:http';
import { describeError, type Logger } from '../logging.js';
import { createSseWriter, type SseWriter } from '../sse/writer.js';
import { STREAM_OPENING } from '../sse/stream-opening.js';
import type { CallableChannel } from './callable.js';
import { toHttpError, type HttpError } from './errors.js';
import { applySecurityHeaders } from './responses.js';

/** Well under the 30-60 s idle timeouts of common proxies and load balancers. */
export const HEARTBEAT_MS = 15_000;

/** The data of every function's `error` event. */
export interface SseErrorEventData {
  code: string;
  /** Presentable, never internals. */
  message: string;
  /** The HTTP status this error has as a JSON answer (the stream's own status line already said 200). */
  status: number;
  details?: unknown;
  requestId: string;
}

export interface SseStream {
  /** Sends one event (`data` as JSON) with the next id; resolves once written, or dropped after the close. */
  send(event: string, data: unknown): Promise<void>;
  /**
   * Sends the final event; `result` (default: `data`) is what a callable caller gets as the call's
   * result. Events sent after it are dropped.
   */
  finish(event: string, data: unknown, result?: unknown): Promise<void>;
  /** Aborts when the client goes away; pass it to everything the work starts. */
  readonly signal: AbortSignal;
}

export interface SseResponderContext {
  res: ServerResponse;
  requestId: string;
  /** The request's log, and its signal (the request layer aborts it on disconnect; `stream.signal` follows it). */
  scope: { log: Logger; signal?: AbortSignal };
  /** Set by the request layer for a callable caller: the work is relayed through it. */
  callable?: CallableChannel;
}

export interface SseResponderOptions {
  /** Silence before a `: ping`; 0 disables. Default HEARTBEAT_MS. */
  heartbeatMs?: number;
}

export function sseErrorEventData(error: HttpError, requestId: string): SseErrorEventData {
  return {
    code: error.code,
    message: error.message,
    status: error.status,
    ...(error.details !== undefined ? { details: error.details } : {}),
    requestId,
  };
}

/** A stream event as a callable chunk: its name as `type`, beside the fields of its data. */
export function callableChunk(event: string, data: unknown): Record<string, unknown> {
  return typeof data === 'object' && data !== null && !Array.isArray(data)
    ? { type: event, ...(data as Record<string, unknown>) }
    : { type: event, data };
}

/**
 * Runs `work` with a stream and answers with what it sent. For the request layer: undefined (the
 * response is written), or for a callable caller the result; rethrows the work's failure only when no
 * event was sent yet (callable: always, the request layer answers it).
 */
export async function respondWithSse(
  ctx: SseResponderContext,
  work: (stream: SseStream) => Promise<void>,
  options: SseResponderOptions = {},
): Promise<unknown> {
  return ctx.callable ? relayToCallable(ctx, ctx.callable, work) : streamSse(ctx, work, options);
}

async function relayToCallable(
  ctx: SseResponderContext,
  channel: CallableChannel,
  work: (stream: SseStream) => Promise<void>,
): Promise<unknown> {
  let finished = false;
  let result: unknown;
  const signal = ctx.scope.signal ?? new AbortController().signal;
  await work({
    signal,
    send: (event, data) => (finished ? Promise.resolve() : channel.sendChunk(callableChunk(event, data))),
    finish: (_event, data, value = data) => {
      if (!finished) [finished, result] = [true, value];
      return Promise.resolve();
    },
  });
  return result;
}

async function streamSse(
  ctx: SseResponderContext,
  work: (stream: SseStream) => Promise<void>,
  { heartbeatMs = HEARTBEAT_MS }: SseResponderOptions,
): Promise<undefined> {
  const { res, requestId } = ctx;
  const { log } = ctx.scope;
  const disconnect = new AbortController();
  const signal = ctx.scope.signal ? AbortSignal.any([ctx.scope.signal, disconnect.signal]) : disconnect.signal;
  let finished = false;
  const onClose = (): void => {
    if (!finished && !res.writableFinished) disconnect.abort(new Error('client disconnected'));
  };
  res.once('close', onClose);

  let writer: SseWriter | undefined;
  let lastId = 0;
  const send = (event: string, data: unknown): Promise<void> => {
    if (finished) return Promise.resolve(); // after the close (or after a plain HTTP error answered)
    try {
      const frame = { event, id: String(lastId + 1), data: JSON.stringify(data) };
      writer ??= openStream(res, heartbeatMs);
      lastId++;
      return writer.send(frame);
    } catch (error) {
      return Promise.reject(error);
    }
  };

  let finishedWork = false;
  const finish = (event: string, data: unknown): Promise<void> => {
    if (finishedWork) return Promise.resolve();
    finishedWork = true;
    return send(event, data);
  };

  try {
    await work({ send: (event, data) => (finishedWork ? Promise.resolve() : send(event, data)), finish, signal });
  } catch (error) {
    const httpError = toHttpError(error);
    if (!writer) throw httpError; // nothing streamed yet: the request layer answers with JSON
    if (signal.aborted) {
      log.info('stream ended: client disconnected');
    } else {
      log.warn('stream failed', {
        status: httpError.status,
        code: httpError.code,
        ...(httpError.cause !== undefined ? { cause: describeError(httpError.cause, { stack: false }) } : {}),
      });
      await send('error', sseErrorEventData(httpError, requestId));
    }
  } finally {
    finished = true;
    res.off('close', onClose);
  }
  if (writer) await closeStream(writer);
  return undefined;
}

function openStream(res: ServerResponse, heartbeatMs: number): SseWriter {
  // The request layer set these already; a stream opened outside it must not go out without them.
  if (!res.headersSent) applySecurityHeaders(res);
  return createSseWriter(res, { heartbeatMs, opening: STREAM_OPENING });
}

/** Ends the response once the queued events are written (or the client is gone). */
function closeStream(writer: SseWriter): Promise<void> {
  return new Promise<void>((resolve) => {
    writer.onClose(resolve);
    writer.close();
  });
}
