// Answering an image request: one JSON result, or, with `Accept: text/event-stream`, the job's
// progress as SSE events:
//   start {model, kind}  text {text}  progress {bytes}  image {id, url, ...}  done {<the JSON result>}
//   error {status, code, message, details?, requestId}
// The SSE stream opens only with the job's first event, so failures before it (bad input image,
// unsupported option) are ordinary HTTP errors in both modes.
import type { EndpointContext } from '../../platform/http/endpoint.js';
import { createSseWriter, type SseWriter } from '../../platform/sse/writer.js';
import { describeError } from '../../platform/logging.js';
import { toImageHttpError } from './errors.js';
import type { ImageJobEvent, ImageJobResult, RunOptions } from './job.js';

type AnyContext = EndpointContext<unknown, unknown, unknown>;
export type JobRunner = (options: RunOptions) => Promise<ImageJobResult>;

export function wantsEventStream(ctx: Pick<AnyContext, 'req'>): boolean {
  return /\btext\/event-stream\b/i.test(ctx.req.headers.accept ?? '');
}

/** Runs the job and returns what the request layer sends (JSON), or undefined after streaming SSE. */
export async function respondWithImageJob(ctx: AnyContext, run: JobRunner): Promise<ImageJobResult | undefined> {
  if (!wantsEventStream(ctx)) {
    try {
      return await run({ signal: ctx.signal });
    } catch (error) {
      throw toImageHttpError(error);
    }
  }

  let writer: SseWriter | undefined;
  const send = (event: string, data: unknown): void => {
    writer ??= createSseWriter(ctx.res);
    writer.send({ event, data: JSON.stringify(data) }).catch(() => undefined);
  };
  try {
    await run({ signal: ctx.signal, onEvent: (event) => send(event.type, eventData(event)) });
  } catch (error) {
    const httpError = toImageHttpError(error);
    if (!writer) throw httpError; // nothing streamed yet: a plain HTTP error
    if (!ctx.signal.aborted) {
      ctx.log.warn('image job failed mid-stream', {
        status: httpError.status,
        code: httpError.code,
        ...(httpError.cause !== undefined ? { cause: describeError(httpError.cause) } : {}),
      });
    }
    send('error', {
      status: httpError.status,
      code: httpError.code,
      message: httpError.message,
      ...(httpError.details !== undefined ? { details: httpError.details } : {}),
      requestId: ctx.requestId,
    });
  }
  // Wait for queued frames to be written: the request layer ends the response once we return.
  const open = writer;
  if (open) {
    await new Promise<void>((resolve) => {
      open.onClose(resolve);
      open.close();
    });
  }
  return undefined;
}

function eventData(event: ImageJobEvent): unknown {
  switch (event.type) {
    case 'start':
      return { model: event.model, kind: event.kind };
    case 'text':
      return { text: event.text };
    case 'progress':
      return { bytes: event.bytes };
    case 'image':
      return event.image;
    case 'done':
      return event.result;
  }
}
