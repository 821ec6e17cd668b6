// POST /generateImage — an image from a prompt (optionally with up to 3 style reference images),
// streamed from Gemini into S3, recorded in images/{id}. JSON result, or SSE progress with
// `Accept: text/event-stream`. The API: docs/api.md; how it works: docs/images.md.
import { onRequest } from 'firebase-functions/v2/https';
import {
  answerGenerateImage,
  GENERATE_IMAGE_MAX_BODY_BYTES,
  generateImageBody,
  imageCostReservationUsd,
  imageJobDeps,
} from '../lib/features/images/index.js';
import { defineEndpoint, type EndpointDeps } from '../lib/platform/http/index.js';
import { IMAGE_LIMIT } from '../lib/platform/rate-limit/buckets.js';
import { RUNTIME_OPTIONS } from '../runtime-options.js';

/** `endpointDeps`: the bench (bench/image-function.ts) mounts it with a fake ID-token verifier. */
export function createGenerateImageHandler(endpointDeps: Partial<EndpointDeps> = {}) {
  return defineEndpoint(
    {
      name: 'generateImage',
      method: 'POST',
      body: generateImageBody,
      maxBodyBytes: GENERATE_IMAGE_MAX_BODY_BYTES,
      rateLimit: IMAGE_LIMIT,
      budget: { kind: 'images', reserveCostUsd: (config) => imageCostReservationUsd(config, config.gemini.imageModel) },
      appCheck: { replayProtected: true },
      requiresGemini: true,
      handle: (ctx) => answerGenerateImage(imageJobDeps(ctx.scope.config, ctx.gemini), ctx),
    },
    endpointDeps,
  );
}

export const generateImageHandler = createGenerateImageHandler();

export const generateImage = onRequest(RUNTIME_OPTIONS.generateImage, generateImageHandler);
