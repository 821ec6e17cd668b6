// POST /matchUsers — people matched to the caller, each with an explanation:
//   { preferences?: { interests?, purposes?, maxDistanceKm? }, limit? }
//   -> { matches: [{ userId, displayName, score, components, matched, explanation, explanationSource }] }
// 404 profile_not_found when the caller has no users/{uid} document (docs/matching.md).
import { onRequest } from 'firebase-functions/v2/https';
import { answerMatchUsers, matchServiceDeps, matchUsersBody } from '../lib/features/matching/index.js';
import { defineEndpoint } from '../lib/platform/http/index.js';
import { MATCH_LIMIT } from '../lib/platform/rate-limit/buckets.js';
import { RUNTIME_OPTIONS } from '../runtime-options.js';
import type { HandlerOptions } from './options.js';

export function matchUsersEndpoint(options: HandlerOptions = {}) {
  return defineEndpoint({
    name: 'matchUsers',
    method: 'POST',
    body: matchUsersBody,
    rateLimit: MATCH_LIMIT,
    // Over the token budget, matching still answers: templated explanations, no model call.
    budget: { kind: 'tokens', whenExhausted: 'continue' },
    handle: (ctx) => answerMatchUsers(matchServiceDeps(ctx.scope.config, options.matching), ctx),
  });
}

export const matchUsersHandler = matchUsersEndpoint();

export const matchUsers = onRequest(RUNTIME_OPTIONS.matchUsers, matchUsersHandler);
