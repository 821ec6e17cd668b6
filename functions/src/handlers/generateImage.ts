// POST /generateImage — an image from a prompt, uploaded to S3. Provisional schema.
import { z } from 'zod';
import { defineEndpoint } from '../lib/http/index.js';
import { IMAGE_LIMIT } from './rate-limits.js';
import { notImplemented } from './not-implemented.js';

export const generateImageBody = z.object({
  prompt: z.string().trim().min(1).max(2000),
  aspectRatio: z.enum(['1:1', '3:4', '4:3', '9:16', '16:9']).optional(),
});

export const generateImageHandler = defineEndpoint({
  name: 'generateImage',
  method: 'POST',
  body: generateImageBody,
  rateLimit: IMAGE_LIMIT,
  handle: () => notImplemented('generateImage'),
});
