// POST /matchUsers — explainable user matches for the caller. Provisional schema.
import { z } from 'zod';
import { defineEndpoint } from '../lib/http/index.js';
import { MATCH_LIMIT } from './rate-limits.js';
import { notImplemented } from './not-implemented.js';

export const matchUsersBody = z.object({
  limit: z.number().int().min(1).max(50).optional(),
  context: z.string().max(500).optional(),
});

export const matchUsersHandler = defineEndpoint({
  name: 'matchUsers',
  method: 'POST',
  body: matchUsersBody,
  rateLimit: MATCH_LIMIT,
  handle: () => notImplemented('matchUsers'),
});
