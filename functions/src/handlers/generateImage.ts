// POST /generateImage — an image from a prompt (optionally with up to 3 style reference images),
// streamed from Gemini into S3, recorded in images/{id}. JSON result, or SSE progress with
// `Accept: text/event-stream`. See docs/images.md.
import type { AppConfig } from '../lib/platform/config/index.js';
import { defineEndpoint, type EndpointDeps } from '../lib/platform/http/index.js';
import { buildGenerateRequest } from '../lib/features/images/content.js';
import { imageTimeoutMs, sourceFetchPolicy } from '../lib/features/images/config.js';
import { defaultImageJobDeps } from '../lib/features/images/deps.js';
import { runImageJob, type ImageJobDeps } from '../lib/features/images/job.js';
import { respondWithImageJob } from '../lib/features/images/respond.js';
import { assertModelSupports, generateImageBody } from '../lib/features/images/schemas.js';
import { openSourceImages } from '../lib/features/images/source-image.js';
import type { Logger } from '../lib/platform/logging.js';
import { IMAGE_LIMIT } from '../lib/platform/rate-limit/buckets.js';

export { generateImageBody };

/** Three ~7 MB references as base64 data URIs (4/3 each) plus the prompt: about 28 MB of JSON. */
export const GENERATE_IMAGE_MAX_BODY_BYTES = 30 * 1024 * 1024;

export interface ImageHandlerOverrides {
  /** Replaces the Gemini client, store or record (tests, benches); default: from config. */
  jobDeps?(config: AppConfig, log: Logger): ImageJobDeps;
  endpoint?: Partial<EndpointDeps>;
}

export function createGenerateImageHandler(overrides: ImageHandlerOverrides = {}) {
  return defineEndpoint(
    {
      name: 'generateImage',
      method: 'POST',
      body: generateImageBody,
      maxBodyBytes: GENERATE_IMAGE_MAX_BODY_BYTES,
      rateLimit: IMAGE_LIMIT,
      requiredSecrets: ['GEMINI_API_KEY'],
      handle: (ctx) => {
        const { config, body } = ctx;
        const model = config.gemini.imageModel;
        assertModelSupports(model, body);
        const deps = (overrides.jobDeps ?? defaultImageJobDeps)(config, ctx.log);
        const policy = sourceFetchPolicy(config);
        const references = (body.styleReferenceImages ?? []).map((value, index) => ({
          value,
          field: `styleReferenceImages.${index}`,
        }));
        return respondWithImageJob(ctx, (options) =>
          runImageJob(
            {
              kind: 'generate',
              uid: ctx.uid,
              model,
              prompt: body.prompt,
              timeoutMs: imageTimeoutMs(config, model),
              maxOutputBytes: config.images.maxOutputBytes,
              async prepare(signal) {
                const sources = await openSourceImages(references, policy, signal);
                const request = buildGenerateRequest({
                  prompt: body.prompt,
                  aspectRatio: body.aspectRatio,
                  imageSize: body.imageSize,
                  styleReferences: sources,
                });
                return { request, sources };
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

export const generateImageHandler = createGenerateImageHandler();
