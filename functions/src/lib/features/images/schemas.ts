// Request bodies of generateImage and editImage. The enums list every value any known model takes;
// whether the CONFIGURED model takes it is checked per request (the model is a runtime setting).
import { z } from 'zod';
import { invalidRequest, type ValidationIssue } from '../../platform/http/validation.js';
import { ALL_ASPECT_RATIOS, ALL_IMAGE_SIZES, imageModelCapabilities } from './models.js';

/** Up to ~7 MB as base64 plus the data URI head; the exact byte cap is IMAGE_SOURCE_MAX_BYTES. */
const MAX_IMAGE_FIELD_CHARS = 12 * 1024 * 1024;
export const MAX_STYLE_REFERENCES = 3;

/** generateImage's request cap: three ~7 MB references as base64 data URIs (4/3 each) plus the
 * prompt, about 28 MB of JSON. */
export const GENERATE_IMAGE_MAX_BODY_BYTES = 30 * 1024 * 1024;
/** editImage's request cap: one ~7 MB image as a base64 data URI (x 4/3) plus the prompt. */
export const EDIT_IMAGE_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** A data URI or a URL; which hosts and types are accepted is checked later (source-image.ts). */
const imageReference = z
  .string()
  .min(1)
  .max(MAX_IMAGE_FIELD_CHARS)
  .refine((value) => /^(data:|https?:\/\/)/i.test(value), 'Expected a data URI or an https URL');

export const generateImageBody = z.object({
  prompt: z.string().trim().min(1).max(2000),
  aspectRatio: z.enum(ALL_ASPECT_RATIOS),
  imageSize: z.enum(ALL_IMAGE_SIZES).optional(),
  styleReferenceImages: z.array(imageReference).max(MAX_STYLE_REFERENCES).optional(),
});
export type GenerateImageBody = z.output<typeof generateImageBody>;

export const editImageBody = z.object({
  image: imageReference,
  editPrompt: z.string().trim().min(1).max(2000),
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
