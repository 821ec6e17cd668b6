// GET /suggestions or /suggestions/<uid> — suggestions for the caller. A uid in the path must be the
// caller's own: the token's uid is the only identity. Provisional query schema.
import { z } from 'zod';
import { defineEndpoint, HttpError } from '../lib/http/index.js';
import { MATCH_LIMIT } from './rate-limits.js';
import { notImplemented } from './not-implemented.js';

export const suggestionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(50).optional(),
});

/** No segment, or exactly one (a uid). */
export const suggestionsPath = z.union([z.tuple([]), z.tuple([z.string().min(1).max(128)])]);

export const suggestionsHandler = defineEndpoint({
  name: 'suggestions',
  method: 'GET',
  query: suggestionsQuery,
  path: suggestionsPath,
  rateLimit: MATCH_LIMIT,
  handle: ({ uid, path }) => {
    const requested = path[0];
    if (requested !== undefined && requested !== uid) {
      throw new HttpError(403, 'forbidden', 'You can only read your own suggestions');
    }
    return notImplemented('suggestions');
  },
});
