// What an image caller is told when something goes wrong; one mapping for both functions.
//   input image refused or unusable         400 invalid_image / source_not_allowed, 413 image_too_large,
//                                           422 source_unavailable
//   model refused (prompt or output)        422 blocked        {reason}
//   model answered without an image         502 no_image       {finishReason}
//   output over IMAGE_MAX_OUTPUT_BYTES      502 output_too_large {maxBytes}
//   429, 503 after retries (500 retried too)  503 upstream_unavailable (Retry-After when Gemini gave one)
//   408, 504, our own timeout               504 upstream_timeout
//   any other Gemini/network/protocol fault 502 upstream_error
// Messages are fixed sentences; the underlying error rides along as `cause` (logged, never sent).
import { GeminiApiError, GeminiBlockedError } from '../../platform/gemini/errors.js';
import { HttpError } from '../../platform/http/errors.js';
import { ImageTooLargeError } from '../../platform/image-pipeline/upload.js';

/** finishReason values that mean the model refused for content reasons. */
export const BLOCKING_FINISH_REASONS: ReadonlySet<string> = new Set([
  'SAFETY',
  'PROHIBITED_CONTENT',
  'BLOCKLIST',
  'SPII',
  'RECITATION',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/** A problem with an input image (data URI or URL), detected before or while it is sent. */
export class SourceImageError extends HttpError {
  constructor(status: number, code: string, message: string, details?: unknown, cause?: unknown) {
    super(status, code, message, { details, cause });
    this.name = 'SourceImageError';
  }
}

/** Our own per-model deadline for the whole Gemini call passed. */
export class ImageTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`Image generation did not finish within ${timeoutMs} ms`);
    this.name = 'ImageTimeoutError';
  }
}

export function blockedError(reason: string, cause?: unknown): HttpError {
  return new HttpError(422, 'blocked', 'The image request was declined by the model’s safety filters.', {
    details: { reason },
    cause,
  });
}

export function noImageError(finishReason: string | undefined): HttpError {
  return new HttpError(502, 'no_image', 'The model answered without an image. Try rephrasing the prompt.', {
    details: { finishReason: finishReason ?? null },
  });
}

/** Maps anything thrown by an image job to the HttpError the caller sees. */
export function toImageHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof GeminiBlockedError) return blockedError(error.blockReason, error);
  if (error instanceof ImageTimeoutError) {
    return new HttpError(504, 'upstream_timeout', 'Image generation took too long. Please try again.', { cause: error });
  }
  if (error instanceof ImageTooLargeError) {
    return new HttpError(502, 'output_too_large', 'The generated image exceeded the size limit.', {
      details: { maxBytes: error.maxBytes },
      cause: error,
    });
  }
  if (error instanceof GeminiApiError) {
    if (error.status === 429 || error.status === 503) {
      const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs;
      const headers = retryAfterMs ? { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) } : undefined;
      return new HttpError(503, 'upstream_unavailable', 'Image generation is busy right now. Please try again shortly.', {
        cause: error,
        headers,
      });
    }
    if (error.status === 408 || error.status === 504) {
      return new HttpError(504, 'upstream_timeout', 'Image generation took too long. Please try again.', { cause: error });
    }
  }
  return new HttpError(502, 'upstream_error', 'Image generation failed. Please try again.', { cause: error });
}
