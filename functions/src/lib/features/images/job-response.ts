// generateImage and editImage answered: the job run for one JSON result, or, with `Accept:
// text/event-stream`, its progress as SSE events through the platform's responder; the events are
// documented in docs/api.md (Images).
import type { IncomingMessage } from 'node:http';
import { respondWithSse, type SseResponderContext } from '../../platform/http/sse-responder.js';
import { toImageHttpError } from './errors.js';
import type { ImageJobDeps, ImageJobEvent, ImageJobResult } from './job.js';
import { editImageJob, generateImageJob, type ImageJob, type ImageRequest } from './requests.js';
import type { EditImageBody, GenerateImageBody } from './schemas.js';

/** An image request with where its answer goes: the response, and the callable channel if any. */
type AnsweredRequest<Body> = ImageRequest<Body> & SseResponderContext & { req: Pick<IncomingMessage, 'headers'> };

export function wantsEventStream(request: { req: Pick<IncomingMessage, 'headers'> }): boolean {
  return /\btext\/event-stream\b/i.test(request.req.headers.accept ?? '');
}

export function answerGenerateImage(
  deps: ImageJobDeps,
  request: AnsweredRequest<GenerateImageBody>,
): Promise<ImageJobResult | undefined> {
  return respondWithImageJob(request, generateImageJob(deps, request));
}

export function answerEditImage(
  deps: ImageJobDeps,
  request: AnsweredRequest<EditImageBody>,
): Promise<ImageJobResult | undefined> {
  return respondWithImageJob(request, editImageJob(deps, request));
}

/**
 * Runs the job and returns what the request layer sends: the JSON result, or what respondWithSse
 * returns after streaming (undefined for SSE, the result for a callable caller).
 */
async function respondWithImageJob(
  request: AnsweredRequest<unknown>,
  run: ImageJob,
): Promise<ImageJobResult | undefined> {
  if (!wantsEventStream(request)) {
    try {
      return await run({ signal: request.scope.signal });
    } catch (error) {
      throw toImageHttpError(error);
    }
  }
  const streamed = await respondWithSse(request, async (stream) => {
    try {
      // The job reports progress without waiting for it to be written: the writer queues the events.
      await run({
        signal: stream.signal,
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
