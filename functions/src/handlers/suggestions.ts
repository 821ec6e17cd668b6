// GET /suggestions or /suggestions/<uid> — the caller's top people and upcoming events, explained by
// one model call for both lists: -> { users: [...], events: [...] } (shapes as matchUsers/matchEvents).
// A uid in the path must be the caller's own (403 forbidden otherwise).
import { onRequest } from 'firebase-functions/v2/https';
import {
  answerSuggestions,
  matchServiceDeps,
  suggestionsPath,
  suggestionsQuery,
} from '../lib/features/matching/index.js';
import { defineEndpoint } from '../lib/platform/http/index.js';
import { MATCH_LIMIT } from '../lib/platform/rate-limit/buckets.js';
import { RUNTIME_OPTIONS } from '../runtime-options.js';
import type { HandlerOptions } from './options.js';

export function suggestionsEndpoint(options: HandlerOptions = {}) {
  return defineEndpoint({
    name: 'suggestions',
    method: 'GET',
    query: suggestionsQuery,
    path: suggestionsPath,
    rateLimit: MATCH_LIMIT,
    // Over the token budget, matching still answers: templated explanations, no model call.
    budget: { kind: 'tokens', whenExhausted: 'continue' },
    handle: (ctx) => answerSuggestions(matchServiceDeps(ctx.scope.config, options.matching), ctx),
  });
}

export const suggestionsHandler = suggestionsEndpoint();

export const suggestions = onRequest(RUNTIME_OPTIONS.suggestions, suggestionsHandler);
