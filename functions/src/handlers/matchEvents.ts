// POST /matchEvents — upcoming events ranked for the caller, each with an explanation:
//   { limit?, from?, until? }   (ISO 8601; from defaults to now, until to from + MATCH_EVENT_WINDOW_DAYS)
//   -> { matches: [{ eventId, title, startsAt, score, components, matched, explanation, explanationSource }] }
// 404 profile_not_found when the caller has no profile (docs/matching.md).
import { z } from 'zod';
import { defineEndpoint } from '../lib/http/index.js';
import {
  defaultMatchDeps,
  matchEventsFor,
  reportMatchRun,
  resolveEventWindow,
  type EventMatchesResponse,
} from '../lib/match-service/index.js';
import { DEFAULT_LIMIT } from '../lib/matching/index.js';
import { MATCH_LIMIT } from './rate-limits.js';

const MAX_WINDOW_MS = 366 * 86_400_000;
const isoDateTime = z.iso.datetime({ offset: true });

export const matchEventsBody = z
  .object({
    limit: z.number().int().min(1).max(20).optional(),
    from: isoDateTime.optional(),
    until: isoDateTime.optional(),
  })
  .refine((body) => !body.from || !body.until || Date.parse(body.until) > Date.parse(body.from), {
    message: 'until must be after from',
    path: ['until'],
  })
  .refine((body) => !body.from || !body.until || Date.parse(body.until) - Date.parse(body.from) <= MAX_WINDOW_MS, {
    message: 'the window may span at most 366 days',
    path: ['until'],
  });

export const matchEventsHandler = defineEndpoint({
  name: 'matchEvents',
  method: 'POST',
  body: matchEventsBody,
  rateLimit: MATCH_LIMIT,
  handle: async ({ uid, body, config, log, signal, res }): Promise<EventMatchesResponse> => {
    const { matches, stats } = await matchEventsFor(
      defaultMatchDeps(config),
      { uid, settings: config.matching, signal, log },
      { limit: body.limit ?? DEFAULT_LIMIT, window: resolveEventWindow(body, config.matching.eventWindowDays) },
    );
    reportMatchRun(res, log, stats);
    return { matches };
  },
});
