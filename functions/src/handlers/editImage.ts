// POST /editImage — an edited copy of an input image (data URI or allowed https URL), streamed from
// Gemini into S3, recorded in images/{id}. JSON result, or SSE progress with
// `Accept: text/event-stream`. See docs/images.md.
import { defineEndpoint } from '../lib/platform/http/index.js';
import { buildEditRequest } from '../lib/features/images/content.js';
import { imageTimeoutMs, sourceFetchPolicy } from '../lib/features/images/config.js';
import { defaultImageJobDeps } from '../lib/features/images/deps.js';
import { runImageJob } from '../lib/features/images/job.js';
import { respondWithImageJob } from '../lib/features/images/respond.js';
import { editImageBody } from '../lib/features/images/schemas.js';
import { openSourceImage } from '../lib/features/images/source-image.js';
import type { ImageHandlerOverrides } from './generateImage.js';
import { IMAGE_LIMIT } from '../lib/platform/rate-limit/buckets.js';

export { editImageBody };

/** One ~7 MB image as a base64 data URI (x 4/3) plus the prompt. */
export const EDIT_IMAGE_MAX_BODY_BYTES = 10 * 1024 * 1024;

export function createEditImageHandler(overrides: ImageHandlerOverrides = {}) {
  return defineEndpoint(
    {
      name: 'editImage',
      method: 'POST',
      body: editImageBody,
      maxBodyBytes: EDIT_IMAGE_MAX_BODY_BYTES,
      rateLimit: IMAGE_LIMIT,
      requiredSecrets: ['GEMINI_API_KEY'],
      handle: (ctx) => {
        const { config, body } = ctx;
        const model = config.images.editModel;
        const deps = (overrides.jobDeps ?? defaultImageJobDeps)(config, ctx.log);
        const policy = sourceFetchPolicy(config);
        return respondWithImageJob(ctx, (options) =>
          runImageJob(
            {
              kind: 'edit',
              uid: ctx.uid,
              model,
              prompt: body.editPrompt,
              timeoutMs: imageTimeoutMs(config, model),
              maxOutputBytes: config.images.maxOutputBytes,
              async prepare(signal) {
                const image = await openSourceImage(body.image, policy, 'image', signal);
                return { request: buildEditRequest({ editPrompt: body.editPrompt, image }), sources: [image] };
              },
            },
            deps,
            options,
          ),
        );
      },
    },
    overrides.endpoint,
  );
}

export const editImageHandler = createEditImageHandler();
