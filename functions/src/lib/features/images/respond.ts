// Answering an image request: one JSON result, or, with `Accept: text/event-stream`, the job's progress
// as SSE events through the platform's responder; the events are documented in docs/api.md (Images).
import type { EndpointContext } from '../../platform/http/endpoint.js';
import { respondWithSse } from '../../platform/http/sse-responder.js';
import { toImageHttpError } from './errors.js';
import type { ImageJobEvent, ImageJobResult } from './job.js';
import type { ImageJob } from './requests.js';

type AnyContext = EndpointContext<unknown, unknown, unknown, never, boolean>;

export function wantsEventStream(ctx: Pick<AnyContext, 'req'>): boolean {
  return /\btext\/event-stream\b/i.test(ctx.req.headers.accept ?? '');
}

/**
 * Runs the job and returns what the request layer sends: the JSON result, or what respondWithSse
 * returns after streaming (undefined for SSE, the result for a callable caller).
 */
export async function respondWithImageJob(ctx: AnyContext, run: ImageJob): Promise<ImageJobResult | undefined> {
  if (!wantsEventStream(ctx)) {
    try {
      return await run({ signal: ctx.signal, budget: ctx.budget });
    } catch (error) {
      throw toImageHttpError(error);
    }
  }
  const streamed = await respondWithSse(ctx, async (stream) => {
    try {
      // The job reports progress without waiting for it to be written: the writer queues the events.
      await run({
        signal: stream.signal,
        budget: ctx.budget,
        onEvent: (event) =>
          void (event.type === 'done'
            ? stream.finish('done', event.result)
            : stream.send(event.type, eventData(event))),
      });
    } catch (error) {
      throw toImageHttpError(error);
    }
  });
  return streamed as ImageJobResult | undefined;
}

function eventData(event: Exclude<ImageJobEvent, { type: 'done' }>): unknown {
  switch (event.type) {
    case 'start':
      return { model: event.model, kind: event.kind };
    case 'text':
      return { text: event.text };
    case 'progress':
      return { bytes: event.bytes };
    case 'image':
      return event.image;
  }
}
