// POST /editImage — an edited copy of an image, uploaded to S3. Provisional schema.
import { z } from 'zod';
import { defineEndpoint } from '../lib/http/index.js';
import { IMAGE_LIMIT } from './rate-limits.js';
import { notImplemented } from './not-implemented.js';

export const editImageBody = z.object({
  prompt: z.string().trim().min(1).max(2000),
  imageUrl: z.url({ protocol: /^https?$/ }),
});

export const editImageHandler = defineEndpoint({
  name: 'editImage',
  method: 'POST',
  body: editImageBody,
  rateLimit: IMAGE_LIMIT,
  handle: () => notImplemented('editImage'),
});
