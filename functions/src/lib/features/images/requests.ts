// generateImage and editImage as the handlers call them: a validated body in, the job to run out.
// The job is returned unstarted so that job-response.ts can run it for JSON or for SSE.
// Everything refused here (a model option the configured model does not take) is refused before any
// upstream work; input images are loaded and normalized by the job's `prepare`, before its `start` event.
import { callPricer } from '../../platform/pricing/pricer.js';
import type { RequestScope } from '../../platform/request-scope.js';
import { imageTimeoutMs, sourceImagePolicy } from './config.js';
import { buildEditRequest, buildGenerateRequest } from './content.js';
import { runImageJob, type ImageJobDeps, type ImageJobResult, type ImageJobSpec, type RunOptions } from './job.js';
import { assertModelSupports, type EditImageBody, type GenerateImageBody } from './schemas.js';
import { loadSourceImage, loadSourceImages } from './source-image.js';

/** An image request as the handlers pass it: the request's scope and the validated body. */
export interface ImageRequest<Body> {
  scope: RequestScope;
  body: Body;
}

export type ImageJob = (options: RunOptions) => Promise<ImageJobResult>;

function jobOf(spec: ImageJobSpec, deps: ImageJobDeps, scope: RequestScope): ImageJob {
  return (options) => runImageJob(spec, { ...deps, log: scope.log }, options);
}

/** The configured image model (GEMINI_IMAGE_MODEL), the prompt, and up to 3 style references. */
export function generateImageJob(deps: ImageJobDeps, { scope, body }: ImageRequest<GenerateImageBody>): ImageJob {
  const { uid, config, budget } = scope;
  const model = config.gemini.imageModel;
  assertModelSupports(model, body);
  const policy = sourceImagePolicy(config);
  const references = (body.styleReferenceImages ?? []).map((value, index) => ({
    value,
    field: `styleReferenceImages.${index}`,
  }));
  const spec: ImageJobSpec = {
    kind: 'generate',
    uid,
    model,
    prompt: body.prompt,
    timeoutMs: imageTimeoutMs(config, model),
    maxOutputBytes: config.images.maxOutputBytes,
    imageSize: body.imageSize ?? '1K',
    pricer: callPricer(config.pricing.table),
    budget,
    async prepare(signal) {
      const styleReferences = await loadSourceImages(references, policy, signal);
      return buildGenerateRequest({
        prompt: body.prompt,
        aspectRatio: body.aspectRatio,
        imageSize: body.imageSize,
        styleReferences,
        safetySettings: config.images.safetySettings,
      });
    },
  };
  return jobOf(spec, deps, scope);
}

/** The configured edit model (GEMINI_IMAGE_EDIT_MODEL, else the image model), the edit prompt, one image. */
export function editImageJob(deps: ImageJobDeps, { scope, body }: ImageRequest<EditImageBody>): ImageJob {
  const { uid, config, budget } = scope;
  const model = config.images.editModel;
  const policy = sourceImagePolicy(config);
  const spec: ImageJobSpec = {
    kind: 'edit',
    uid,
    model,
    prompt: body.editPrompt,
    timeoutMs: imageTimeoutMs(config, model),
    maxOutputBytes: config.images.maxOutputBytes,
    imageSize: '1K', // editImage takes no size: Gemini answers at 1K
    pricer: callPricer(config.pricing.table),
    budget,
    async prepare(signal) {
      const image = await loadSourceImage(body.image, policy, 'image', signal);
      return buildEditRequest({ editPrompt: body.editPrompt, image, safetySettings: config.images.safetySettings });
    },
  };
  return jobOf(spec, deps, scope);
}
