// The assistant's tools: chat's tool contract (features/chat/tools.ts) implemented over matching
// (features/matching/assistant-queries.ts). This is the one place the two features meet: features
// never import each other, so the composition sits beside them and the chat handlers wire it in.
// Every tool runs with the verified caller's uid, never with an id from the model.
//   find_events     upcoming events ranked for the caller        -> {events: EventCard[]}
//   suggest_people  discoverable people, as matchUsers ranks them -> {people: PersonCard[]}
//   get_event       one event's public fields                    -> {event}
import { systemClock, type Clock } from '../platform/clock.js';
import type { Firestore } from 'firebase-admin/firestore';
import { chatDeps, type ChatDeps, type ChatTuning } from '../features/chat/index.js';
import type { AnyChatTool, ChatTool, ToolContext } from '../features/chat/tools.js';
import {
  eventWindowProblem,
  findEventsFor,
  publicEvent,
  resolveEventWindow,
  suggestPeopleFor,
  instanceSharedCache,
  matchingSettings,
  type MatchingConfig,
  type MatchingOptions,
  type ReadCounter,
  type SharedMatchCache,
} from '../features/matching/index.js';
import type { AppConfig, TextAccess } from '../platform/config/index.js';
import { getDb } from '../platform/firebase.js';
import { HttpError } from '../platform/http/errors.js';
import { isWithinRequestDateRange, MAX_REQUEST_YEARS_AHEAD } from '../platform/http/request-fields.js';
import { parseLocalTimeInput } from '../platform/time/index.js';
import {
  findEventsArgs,
  getEventArgs,
  suggestPeopleArgs,
  type FindEventsArgs,
  type GetEventArgs,
  type SuggestPeopleArgs,
} from './schemas.js';

export interface AssistantToolDeps {
  db: Firestore;
  settings: MatchingConfig;
  /** matchUsers' and matchEvents' per-instance cache (on unless MatchingOptions.sharedCache is false). */
  shared?: SharedMatchCache;
  /** "Now" for the event windows (only upcoming events). */
  clock?: Clock;
}

/**
 * find_events' from/until as ISO instants: a date is the whole local day in the caller's zone, a local
 * time is read in it (an exact time with an offset stays as it is). Throws 400 outside the date range.
 */
function windowInstants(
  args: { from?: string; until?: string },
  timeZone: string,
  nowMs: number,
): { from?: string; until?: string } {
  const instant = (text: string | undefined, edge: 'start' | 'end', name: string) => {
    if (text === undefined) return undefined;
    const ms = parseLocalTimeInput(text, edge, timeZone);
    if (ms === undefined || !isWithinRequestDateRange(ms, nowMs))
      throw new HttpError(
        400,
        'invalid_argument',
        `${name} must be a date or time between 2000-01-01 and ${MAX_REQUEST_YEARS_AHEAD} years from now`,
      );
    return new Date(ms).toISOString();
  };
  return { from: instant(args.from, 'start', 'from'), until: instant(args.until, 'end', 'until') };
}

/** One log line per call: which tool, and what it cost in billed reads (bounded by the matching caps). */
function logReads(ctx: ToolContext, tool: string, reads: ReadCounter, results: number, startedAt: number): void {
  ctx.log.info('assistant tool', {
    tool,
    documentsRead: reads.documents,
    queries: reads.queries,
    results,
    ms: Math.round((performance.now() - startedAt) * 10) / 10,
  });
}

/** The production tools: the instance's Firestore, the matching settings and shared cache. */
export function productionAssistantTools(config: AppConfig, options: MatchingOptions = {}): AnyChatTool[] {
  return assistantTools({
    db: getDb(),
    settings: matchingSettings(config, options.tuning?.()),
    ...(options.sharedCache === false ? {} : { shared: instanceSharedCache }),
  });
}

/** What a chat turn works with in production (both chat functions): the text model, these tools, any tuning. */
export function productionChatDeps(
  text: TextAccess,
  config: AppConfig,
  options: { chat?: () => Partial<ChatTuning>; matching?: MatchingOptions } = {},
): ChatDeps {
  return chatDeps(text, productionAssistantTools(config, options.matching), options.chat?.());
}

export function assistantTools(deps: AssistantToolDeps): AnyChatTool[] {
  const clock = deps.clock ?? systemClock;

  const findEvents: ChatTool<FindEventsArgs> = {
    name: 'find_events',
    description:
      'Upcoming events in this app, ranked for the user by shared interests and distance. Past events never ' +
      'appear. Each has startsAt (UTC) and localStart (in the user’s time zone).',
    args: findEventsArgs,
    async run(args, ctx) {
      const startedAt = performance.now();
      const nowMs = clock();
      const instants = windowInstants(args, ctx.timeZone, nowMs);
      const problem = eventWindowProblem(instants, nowMs);
      if (problem) throw new HttpError(400, 'invalid_argument', problem);
      const window = resolveEventWindow(instants, deps.settings.eventWindowDays, nowMs);
      const { events, reads } = await findEventsFor(
        { db: deps.db, uid: ctx.uid, settings: deps.settings, shared: deps.shared, timeZone: ctx.timeZone },
        { window, query: args.query, tags: args.tags, city: args.city, limit: args.limit },
      );
      logReads(ctx, 'find_events', reads, events.length, startedAt);
      return { events };
    },
  };

  const suggestPeople: ChatTool<SuggestPeopleArgs> = {
    name: 'suggest_people',
    description:
      'People in this app the user could meet, ranked by shared interests, purposes and distance. ' +
      'Only people who chose to be discoverable.',
    args: suggestPeopleArgs,
    async run(args, ctx) {
      const startedAt = performance.now();
      const { people, reads } = await suggestPeopleFor(
        { db: deps.db, uid: ctx.uid, settings: deps.settings, shared: deps.shared, timeZone: ctx.timeZone },
        { interests: args.interests, purposes: args.purposes, limit: args.limit },
      );
      logReads(ctx, 'suggest_people', reads, people.length, startedAt);
      return { people };
    },
  };

  const getEvent: ChatTool<GetEventArgs> = {
    name: 'get_event',
    description: 'One event’s public details by its eventId.',
    args: getEventArgs,
    async run(args, ctx) {
      const startedAt = performance.now();
      const { event, reads } = await publicEvent({ db: deps.db, timeZone: ctx.timeZone }, args.eventId);
      logReads(ctx, 'get_event', reads, event ? 1 : 0, startedAt);
      if (!event) throw new HttpError(404, 'not_found', `No event with id ${args.eventId}.`);
      return { event };
    },
  };

  return [findEvents, suggestPeople, getEvent];
}
