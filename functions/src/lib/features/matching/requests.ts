// The three matching requests as the handlers call them: a validated request in, the response body
// out. Defaults are applied here, and each run's stats go to the log line (never to the caller).
import type { AppConfig } from '../../platform/config/index.js';
import { HttpError } from '../../platform/http/errors.js';
import type { Logger } from '../../platform/logging.js';
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
import type { EventMatchesResponse, SuggestionsResponse, UserMatchesResponse } from './types.js';

/** What a request brings besides its input: who asks, the settings, the log, the client's signal. */
export interface MatchRequest {
  uid: string;
  config: AppConfig;
  log: Logger;
  signal: AbortSignal;
}

function scopeOf({ uid, config, log, signal }: MatchRequest): MatchScope {
  return { uid, settings: config.matching, log, signal };
}

export async function answerMatchUsers(
  deps: MatchServiceDeps,
  request: MatchRequest & { body: MatchUsersBody },
): Promise<UserMatchesResponse> {
  const { body } = request;
  const { matches, stats } = await matchUsersFor(deps, scopeOf(request), {
    limit: body.limit ?? DEFAULT_LIMIT,
    preferences: body.preferences,
  });
  reportMatchRun(request.log, stats);
  return { matches };
}

export async function answerMatchEvents(
  deps: MatchServiceDeps,
  request: MatchRequest & { body: MatchEventsBody },
): Promise<EventMatchesResponse> {
  const { body, config } = request;
  const window = resolveEventWindow(body, config.matching.eventWindowDays, deps.clock());
  const { matches, stats } = await matchEventsFor(deps, scopeOf(request), {
    limit: body.limit ?? DEFAULT_LIMIT,
    window,
  });
  reportMatchRun(request.log, stats);
  return { matches };
}

/** A uid in the path must be the caller's own: the token's uid is the only identity. */
export async function answerSuggestions(
  deps: MatchServiceDeps,
  request: MatchRequest & { query: SuggestionsQuery; path: SuggestionsPath },
): Promise<SuggestionsResponse> {
  const { uid, path, query, config } = request;
  const requested = path[0];
  if (requested !== undefined && requested !== uid)
    throw new HttpError(403, 'forbidden', 'You can only read your own suggestions');
  const window = resolveEventWindow({}, config.matching.eventWindowDays, deps.clock());
  const { users, events, stats } = await suggestionsFor(deps, scopeOf(request), {
    limit: query.limit ?? DEFAULT_LIMIT,
    window,
  });
  reportMatchRun(request.log, stats);
  return { users, events };
}
