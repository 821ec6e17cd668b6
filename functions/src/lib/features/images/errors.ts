// What an image caller is told when something goes wrong; one mapping for both functions. Input and
// output errors are the feature's own; every upstream failure goes through the platform's one mapping
// (platform/model/errors.ts) with the image sentences:
//   input image refused or unusable         400 invalid_image / source_not_allowed, 413 image_too_large
//                                           (bytes or pixels), 415 unsupported_image_type, 422 source_unavailable
//   model answered without an image         502 no_image       {finishReason}
//   output over IMAGE_MAX_OUTPUT_BYTES      502 output_too_large {maxBytes}
//   model refused (prompt or output)        422 blocked        {reason}
//   S3 failed, went away or stalled         503 storage_unavailable (Retry-After: 30)
//   429, 503 after retries                  503 upstream_unavailable (Retry-After when Gemini gave one)
//   408, 504, our own timeout               504 upstream_timeout
//   any other Gemini/network/protocol fault 502 upstream_error
// Messages are fixed sentences; the underlying error rides along as `cause` (logged, never sent).
import { toUpstreamHttpError, type UpstreamErrorPresentation } from '../../platform/model/errors.js';
import { HttpError } from '../../platform/http/errors.js';
import { StorageUnavailableError } from '../../platform/image-pipeline/s3-multipart.js';
import { ImageTooLargeError } from '../../platform/image-pipeline/upload.js';

const IMAGE_UPSTREAM: UpstreamErrorPresentation = {
  messages: {
    blocked: 'The image request was declined by the model’s safety filters.',
    unavailable: 'Image generation is busy right now. Please try again shortly.',
    timeout: 'Image generation took too long. Please try again.',
    upstream: 'Image generation failed. Please try again.',
  },
  blockReasonInDetails: true,
};

/** A problem with an input image (data URI or URL), detected before or while it is sent. */
export class SourceImageError extends HttpError {
  constructor(status: number, code: string, message: string, details?: unknown, cause?: unknown) {
    super(status, code, message, { details, cause });
    this.name = 'SourceImageError';
  }
}

/** 413 for an image whose header declares more pixels than we decode (a decompression bomb, or a panorama). */
export function tooManyPixels(
  field: string,
  maxPixels: number,
  size: { width: number; height: number },
): SourceImageError {
  return new SourceImageError(
    413,
    'image_too_large',
    `${field} has ${size.width} x ${size.height} pixels, more than ${maxPixels}`,
    { field, maxPixels, width: size.width, height: size.height },
  );
}

export function noImageError(finishReason: string | undefined): HttpError {
  return new HttpError(502, 'no_image', 'The model answered without an image. Try rephrasing the prompt.', {
    details: { finishReason: finishReason ?? null },
  });
}

/** Maps anything thrown by an image job to the HttpError the caller sees. */
export function toImageHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof ImageTooLargeError) {
    return new HttpError(502, 'output_too_large', 'The generated image exceeded the size limit.', {
      details: { maxBytes: error.maxBytes },
      cause: error,
    });
  }
  if (error instanceof StorageUnavailableError) {
    return new HttpError(
      503,
      'storage_unavailable',
      'Image storage is not available right now. Please try again shortly.',
      {
        headers: { 'Retry-After': '30' },
        cause: error,
      },
    );
  }
  return toUpstreamHttpError(error, IMAGE_UPSTREAM);
}
