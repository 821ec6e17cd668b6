// GET /suggestions or /suggestions/<uid> — the caller's top people and upcoming events, explained by
// one model call for both lists: -> { users: [...], events: [...] } (shapes as matchUsers/matchEvents).
// A uid in the path must be the caller's own: the token's uid is the only identity.
import { z } from 'zod';
import { defineEndpoint, HttpError } from '../lib/platform/http/index.js';
import {
  defaultMatchDeps,
  reportMatchRun,
  resolveEventWindow,
  suggestionsFor,
  type SuggestionsResponse,
} from '../lib/features/matching/index.js';
import { DEFAULT_LIMIT } from '../lib/features/matching/scoring/index.js';
import { MATCH_LIMIT } from '../lib/platform/rate-limit/buckets.js';

export const suggestionsQuery = z.object({
  /** Per list (people, events); default 5. */
  limit: z.coerce.number().int().min(1).max(10).optional(),
});

/** No segment, or exactly one (a uid). */
export const suggestionsPath = z.union([z.tuple([]), z.tuple([z.string().min(1).max(128)])]);

export const suggestionsHandler = defineEndpoint({
  name: 'suggestions',
  method: 'GET',
  query: suggestionsQuery,
  path: suggestionsPath,
  rateLimit: MATCH_LIMIT,
  handle: async ({ uid, path, query, config, log, signal }): Promise<SuggestionsResponse> => {
    const requested = path[0];
    if (requested !== undefined && requested !== uid) {
      throw new HttpError(403, 'forbidden', 'You can only read your own suggestions');
    }
    const { users, events, stats } = await suggestionsFor(
      defaultMatchDeps(config),
      { uid, settings: config.matching, signal, log },
      { limit: query.limit ?? DEFAULT_LIMIT, window: resolveEventWindow({}, config.matching.eventWindowDays) },
    );
    reportMatchRun(log, stats);
    return { users, events };
  },
});
