// Request schemas of matchUsers, matchEvents and suggestions. The request layer has already checked
// that every string is well-formed and the input is bounded (platform/http/request-checks.ts).
import { systemClock } from '../../platform/clock.js';
import * as z from 'zod/mini';
import { DAY_MS, isWithinRequestDateRange, requestDateTime } from '../../platform/http/request-fields.js';
import { MAX_RADIUS_KM, MIN_RADIUS_KM } from './scoring/index.js';

const tagList = (max: number) =>
  z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(64))).check(z.maxLength(max));
/** A whole number in [min, max]. */
const count = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));

/** POST /matchUsers: { preferences?: { interests?, purposes?, maxDistanceKm? }, limit? } */
export const matchUsersBody = z.object({
  preferences: z.optional(
    z.object({
      /** Replace the profile's interests / purposes for this request (retrieval and scoring). */
      interests: z.optional(tagList(30)),
      purposes: z.optional(tagList(10)),
      /** Distance at which the location component reaches 0 (default 50, MATCH_TUNING): 1-200 km, rounded
       * up to a distance-band edge (docs/matching.md, "Location privacy"). */
      maxDistanceKm: z.optional(z.number().check(z.gte(MIN_RADIUS_KM), z.lte(MAX_RADIUS_KM))),
    }),
  ),
  limit: z.optional(count(1, 20)),
});
export type MatchUsersBody = z.output<typeof matchUsersBody>;

/** The longest window one request may query, measured from its effective start (never before now). */
export const MAX_EVENT_WINDOW_DAYS = 366;

/**
 * The window checks, whichever of from/until are given. The effective start is what
 * resolveEventWindow queries: `from`, but never earlier than now. Without `until` the end is
 * start + 30 days (MATCH_TUNING), so only an explicit `until` needs checking.
 */
export function eventWindowProblem(body: { from?: string; until?: string }, nowMs: number): string | undefined {
  if (body.until === undefined) return undefined;
  const from = body.from === undefined ? nowMs : Date.parse(body.from);
  const until = Date.parse(body.until);
  // A date outside the range (or not a date) is reported by its own field's check.
  if (!isWithinRequestDateRange(from, nowMs) || !isWithinRequestDateRange(until, nowMs)) return undefined;
  const start = Math.max(from, nowMs);
  if (until <= start) return 'until must be after from and after now (only upcoming events are matched)';
  if (until - start > MAX_EVENT_WINDOW_DAYS * DAY_MS)
    return `the window may span at most ${MAX_EVENT_WINDOW_DAYS} days`;
  return undefined;
}

/**
 * POST /matchEvents: { limit?, from?, until? }, ISO 8601 in [2000, now + 5 years]; from defaults to now
 * and is never earlier; until defaults to from + 30 days (MATCH_TUNING), and is after from, at most
 * 366 days on.
 */
export const matchEventsBody = z
  .object({
    limit: z.optional(count(1, 20)),
    from: z.optional(requestDateTime),
    until: z.optional(requestDateTime),
  })
  .check(
    z.superRefine((body, ctx) => {
      const problem = eventWindowProblem(body, systemClock());
      if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['until'], input: body.until });
    }),
  );
export type MatchEventsBody = z.output<typeof matchEventsBody>;

/** GET /suggestions?limit=: per list (people, events); default 5. */
export const suggestionsQuery = z.object({
  limit: z.optional(z.pipe(z.coerce.number(), count(1, 10))),
});
export type SuggestionsQuery = z.output<typeof suggestionsQuery>;

/** GET /suggestions or /suggestions/<uid>: no segment, or exactly one (a uid). */
export const suggestionsPath = z.union([z.tuple([]), z.tuple([z.string().check(z.minLength(1), z.maxLength(128))])]);
export type SuggestionsPath = z.output<typeof suggestionsPath>;
