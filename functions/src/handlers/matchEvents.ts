// POST /matchEvents — events matched to the caller. Provisional schema.
import { z } from 'zod';
import { defineEndpoint } from '../lib/http/index.js';
import { MATCH_LIMIT } from './rate-limits.js';
import { notImplemented } from './not-implemented.js';

export const matchEventsBody = z.object({
  limit: z.number().int().min(1).max(50).optional(),
  eventIds: z.array(z.string().min(1).max(128)).max(100).optional(),
});

export const matchEventsHandler = defineEndpoint({
  name: 'matchEvents',
  method: 'POST',
  body: matchEventsBody,
  rateLimit: MATCH_LIMIT,
  handle: () => notImplemented('matchEvents'),
});
