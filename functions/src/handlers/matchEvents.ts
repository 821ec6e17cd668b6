// POST /matchEvents — upcoming events ranked for the caller, each with an explanation:
//   { limit?, from?, until? }   (ISO 8601 in [2000, now + 5 years]; from defaults to now and is never
//   earlier; until defaults to from + MATCH_EVENT_WINDOW_DAYS, and is after from, at most 366 days on)
//   -> { matches: [{ eventId, title, startsAt, score, components, matched, explanation, explanationSource }] }
// 404 profile_not_found when the caller has no profile (docs/matching.md).
import { z } from 'zod';
import { defineEndpoint } from '../lib/platform/http/index.js';
import { DAY_MS, isWithinRequestDateRange, requestDateTime } from '../lib/platform/http/request-dates.js';
import {
  defaultMatchDeps,
  matchEventsFor,
  reportMatchRun,
  resolveEventWindow,
  type EventMatchesResponse,
} from '../lib/features/matching/index.js';
import { DEFAULT_LIMIT } from '../lib/features/matching/scoring/index.js';
import { MATCH_LIMIT } from '../lib/platform/rate-limit/buckets.js';

/** The longest window one request may query, measured from its effective start (never before now). */
export const MAX_EVENT_WINDOW_DAYS = 366;

/**
 * The window checks, whichever of from/until are given. The effective start is what
 * resolveEventWindow queries: `from`, but never earlier than now. Without `until` the end is
 * start + MATCH_EVENT_WINDOW_DAYS (a bounded param), so only an explicit `until` needs checking.
 */
export function eventWindowProblem(body: { from?: string; until?: string }, nowMs: number): string | undefined {
  if (body.until === undefined) return undefined;
  const from = body.from === undefined ? nowMs : Date.parse(body.from);
  const until = Date.parse(body.until);
  // A date outside the range (or not a date) is reported by its own field's check.
  if (!isWithinRequestDateRange(from, nowMs) || !isWithinRequestDateRange(until, nowMs)) return undefined;
  const start = Math.max(from, nowMs);
  if (until <= start) return 'until must be after from and after now (only upcoming events are matched)';
  if (until - start > MAX_EVENT_WINDOW_DAYS * DAY_MS) return `the window may span at most ${MAX_EVENT_WINDOW_DAYS} days`;
  return undefined;
}

export const matchEventsBody = z
  .object({
    limit: z.number().int().min(1).max(20).optional(),
    from: requestDateTime.optional(),
    until: requestDateTime.optional(),
  })
  .superRefine((body, ctx) => {
    const problem = eventWindowProblem(body, Date.now());
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['until'] });
  });

export const matchEventsHandler = defineEndpoint({
  name: 'matchEvents',
  method: 'POST',
  body: matchEventsBody,
  rateLimit: MATCH_LIMIT,
  handle: async ({ uid, body, config, log, signal }): Promise<EventMatchesResponse> => {
    const { matches, stats } = await matchEventsFor(
      defaultMatchDeps(config),
      { uid, settings: config.matching, signal, log },
      { limit: body.limit ?? DEFAULT_LIMIT, window: resolveEventWindow(body, config.matching.eventWindowDays) },
    );
    reportMatchRun(log, stats);
    return { matches };
  },
});
