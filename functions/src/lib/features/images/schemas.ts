// Request bodies of generateImage and editImage. The enums list every value any known model takes;
// whether the CONFIGURED model takes it is checked per request (the model is a runtime setting).
import * as z from 'zod/mini';
import { documentId } from '../../platform/http/request-fields.js';
import { invalidRequest, type ValidationIssue } from '../../platform/http/request-checks.js';
import { ALL_ASPECT_RATIOS, ALL_IMAGE_SIZES, imageModelCapabilities } from './models.js';

/**
 * Cloud Run takes requests of at most 32 MiB, so a request of ours stays just under it. A data URI is
 * 4/3 of its image, so inline images of up to ~23 MiB fit; larger photos go by URL (IMAGE_SOURCE_MAX_BYTES,
 * 25 MiB by default). The exact byte cap on one image is IMAGE_SOURCE_MAX_BYTES.
 */
const REQUEST_MAX_BYTES = 31 * 1024 * 1024;
const MAX_IMAGE_FIELD_CHARS = REQUEST_MAX_BYTES;
export const MAX_STYLE_REFERENCES = 3;

/** generateImage's request cap: the prompt and up to three references, together under 31 MiB. */
export const GENERATE_IMAGE_MAX_BODY_BYTES = REQUEST_MAX_BYTES;
/** editImage's request cap: one image (a phone photo of up to ~23 MiB as a data URI) and the prompt. */
export const EDIT_IMAGE_MAX_BODY_BYTES = REQUEST_MAX_BYTES;

/** A data URI or a URL; which hosts and types are accepted is checked later (source-image.ts). */
const imageReference = z.string().check(
  z.minLength(1),
  z.maxLength(MAX_IMAGE_FIELD_CHARS),
  z.refine((value) => /^(data:|https?:\/\/)/i.test(value), 'Expected a data URI or an https URL'),
);

const prompt = z.string().check(z.trim(), z.minLength(1), z.maxLength(2000));

export const generateImageBody = z.object({
  prompt,
  aspectRatio: z.enum(ALL_ASPECT_RATIOS),
  imageSize: z.optional(z.enum(ALL_IMAGE_SIZES)),
  styleReferenceImages: z.optional(z.array(imageReference).check(z.maxLength(MAX_STYLE_REFERENCES))),
});
export type GenerateImageBody = z.output<typeof generateImageBody>;

export const editImageBody = z.object({
  image: imageReference,
  editPrompt: prompt,
});
export type EditImageBody = z.output<typeof editImageBody>;

/** 400 invalid_request (the request layer's shape) when `model` does not take these values. */
export function assertModelSupports(model: string, body: Pick<GenerateImageBody, 'aspectRatio' | 'imageSize'>): void {
  const capabilities = imageModelCapabilities(model);
  const issues: ValidationIssue[] = [];
  if (!capabilities.aspectRatios.includes(body.aspectRatio)) {
    issues.push({
      location: 'body',
      path: ['aspectRatio'],
      code: 'unsupported_by_model',
      message: `${model} supports the aspect ratios ${capabilities.aspectRatios.join(', ')}`,
    });
  }
  if (body.imageSize !== undefined && !capabilities.imageSizes.includes(body.imageSize)) {
    issues.push({
      location: 'body',
      path: ['imageSize'],
      code: 'unsupported_by_model',
      message:
        capabilities.imageSizes.length > 0
          ? `${model} supports the image sizes ${capabilities.imageSizes.join(', ')}`
          : `${model} does not take an image size`,
    });
  }
  if (issues.length > 0) throw invalidRequest(issues);
}

/** deleteImage: which image (only the caller's own can be found). */
export const deleteImageBody = z.strictObject({ imageId: documentId });
