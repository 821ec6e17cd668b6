// POST /editImage — an edited copy of an input image (data URI or allowed https URL), streamed from
// Gemini into S3, recorded in images/{id}. JSON result, or SSE progress with
// `Accept: text/event-stream`. The API: docs/api.md; how it works: docs/images.md.
import { onRequest } from 'firebase-functions/v2/https';
import {
  answerEditImage,
  EDIT_IMAGE_MAX_BODY_BYTES,
  editImageBody,
  imageCostReservationUsd,
  imageJobDeps,
} from '../lib/features/images/index.js';
import { defineEndpoint, type EndpointDeps } from '../lib/platform/http/index.js';
import { IMAGE_LIMIT } from '../lib/platform/rate-limit/buckets.js';
import { RUNTIME_OPTIONS } from '../runtime-options.js';

/** `endpointDeps`: the bench (bench/image-inputs.ts) mounts it with a fake ID-token verifier. */
export function createEditImageHandler(endpointDeps: Partial<EndpointDeps> = {}) {
  return defineEndpoint(
    {
      name: 'editImage',
      method: 'POST',
      body: editImageBody,
      maxBodyBytes: EDIT_IMAGE_MAX_BODY_BYTES,
      rateLimit: IMAGE_LIMIT,
      budget: { kind: 'images', reserveCostUsd: (config) => imageCostReservationUsd(config, config.images.editModel) },
      appCheck: { replayProtected: true },
      requiresGemini: true,
      handle: (ctx) => answerEditImage(imageJobDeps(ctx.scope.config, ctx.gemini), ctx),
    },
    endpointDeps,
  );
}

export const editImageHandler = createEditImageHandler();

export const editImage = onRequest(RUNTIME_OPTIONS.editImage, editImageHandler);
