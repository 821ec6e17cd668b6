// The three matching requests as the handlers call them: a validated request in, the response body
// out. Defaults are applied here, and each run's stats go to the log line (never to the caller).
import { HttpError } from '../../platform/http/errors.js';
import type { RequestScope } from '../../platform/request-scope.js';
import { reportMatchRun } from './report.js';
import type { MatchEventsBody, MatchUsersBody, SuggestionsPath, SuggestionsQuery } from './schemas.js';
import { DEFAULT_LIMIT } from './scoring/index.js';
import {
  matchEventsFor,
  matchUsersFor,
  resolveEventWindow,
  suggestionsFor,
  type MatchScope,
  type MatchServiceDeps,
} from './service.js';
import { MATCH_TUNING, matchingSettings } from './settings.js';
import type { EventMatchesResponse, SuggestionsResponse, UserMatchesResponse } from './types.js';

/** A matching request as the handlers pass it: the request's scope, beside the validated input. */
export interface MatchRequest {
  scope: RequestScope;
}

/** What the service reads of the scope; the budget is charged for the explanation call. */
function scopeOf({ scope }: MatchRequest, deps: MatchServiceDeps): MatchScope {
  const { uid, config, log, signal, budget } = scope;
  return { uid, settings: matchingSettings(config, deps.tuning), log, signal, budget };
}

export async function answerMatchUsers(
  deps: MatchServiceDeps,
  request: MatchRequest & { body: MatchUsersBody },
): Promise<UserMatchesResponse> {
  const { body } = request;
  const { matches, stats } = await matchUsersFor(deps, scopeOf(request, deps), {
    limit: body.limit ?? DEFAULT_LIMIT,
    preferences: body.preferences,
  });
  reportMatchRun(request.scope.log, stats);
  return { matches };
}

export async function answerMatchEvents(
  deps: MatchServiceDeps,
  request: MatchRequest & { body: MatchEventsBody },
): Promise<EventMatchesResponse> {
  const { body } = request;
  const window = resolveEventWindow(body, MATCH_TUNING.eventWindowDays, deps.clock());
  const { matches, stats } = await matchEventsFor(deps, scopeOf(request, deps), {
    limit: body.limit ?? DEFAULT_LIMIT,
    window,
  });
  reportMatchRun(request.scope.log, stats);
  return { matches };
}

/** A uid in the path must be the caller's own: the token's uid is the only identity. */
export async function answerSuggestions(
  deps: MatchServiceDeps,
  request: MatchRequest & { query: SuggestionsQuery; path: SuggestionsPath },
): Promise<SuggestionsResponse> {
  const { path, query } = request;
  const { uid } = request.scope;
  const requested = path[0];
  if (requested !== undefined && requested !== uid)
    throw new HttpError(403, 'forbidden', 'You can only read your own suggestions');
  const window = resolveEventWindow({}, MATCH_TUNING.eventWindowDays, deps.clock());
  const { users, events, stats } = await suggestionsFor(deps, scopeOf(request, deps), {
    limit: query.limit ?? DEFAULT_LIMIT,
    window,
  });
  reportMatchRun(request.scope.log, stats);
  return { users, events };
}
