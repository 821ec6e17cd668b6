// POST /matchEvents — upcoming events ranked for the caller, each with an explanation:
//   { limit?, from?, until? }   (ISO 8601 in [2000, now + 5 years]; from defaults to now and is never
//   earlier; until defaults to from + 30 days, and is after from, at most 366 days on)
//   -> { matches: [{ eventId, title, startsAt, score, components, matched, explanation, explanationSource }] }
// 404 profile_not_found when the caller has no profile (docs/matching.md).
import { onRequest } from 'firebase-functions/v2/https';
import { answerMatchEvents, matchEventsBody, matchServiceDeps } from '../lib/features/matching/index.js';
import { defineEndpoint } from '../lib/platform/http/index.js';
import { MATCH_LIMIT } from '../lib/platform/rate-limit/buckets.js';
import { RUNTIME_OPTIONS } from '../runtime-options.js';
import type { HandlerOptions } from './options.js';

export function matchEventsEndpoint(options: HandlerOptions = {}) {
  return defineEndpoint({
    name: 'matchEvents',
    method: 'POST',
    body: matchEventsBody,
    rateLimit: MATCH_LIMIT,
    // Over the token budget, matching still answers: templated explanations, no model call.
    budget: { kind: 'tokens', whenExhausted: 'continue' },
    handle: (ctx) => answerMatchEvents(matchServiceDeps(ctx.scope.config, options.matching), ctx),
  });
}

export const matchEventsHandler = matchEventsEndpoint();

export const matchEvents = onRequest(RUNTIME_OPTIONS.matchEvents, matchEventsHandler);
