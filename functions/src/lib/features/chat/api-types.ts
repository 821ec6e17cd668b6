// The public contract of chatMessage and chatStream: request, response, SSE events and error codes.
// Types only (no runtime code), so the app client (functions/client) can import them on any platform.

export interface ChatRequest {
  /** Omit to start a new conversation owned by the caller. */
  conversationId?: string;
  /** 1..4000 characters (after trimming). */
  message: string;
  /**
   * The app's id for this message (e.g. a UUID). Sending the same id again never creates a second
   * message: the stored reply is returned (or re-streamed) instead.
   */
  clientMessageId?: string;
  /**
   * The device's IANA time zone (e.g. America/Los_Angeles), checked against the runtime's list. Without
   * it the profile's `timeZone` is used, and without that UTC (the answer says which: timeZoneSource).
   */
  timeZone?: string;
}

/** Where a turn's zone came from: the request, the profile, or neither (then it is UTC). */
export type ChatTimeZoneSource = 'request' | 'profile' | 'default';

/**
 * Token counts as Gemini reports them. Not Gemini's cached-token count: its implicit cache is shared
 * by the whole project, so a hit would tell a caller that someone else recently sent the same prompt
 * prefix (for example an identical profile).
 */
export interface ChatUsage {
  promptTokens: number;
  outputTokens: number;
  totalTokens: number;
  thoughtsTokens?: number;
  /**
   * What the turn's model calls cost in USD at list price (MODEL_PRICES), thinking tokens as output and
   * every prompt token at the input price (the shared cache's discount is not shown, see above). null:
   * a model with no price, so the cost is unknown (never a made-up 0).
   */
  costUsd?: number | null;
}

/**
 * One tool the assistant used in a turn. `result` is what the app renders as cards:
 *   find_events    {events: [{eventId, title, startsAt, place: {city?, region?, country?}, tags,
 *                   score, matchedTags, attendeeCount}]}
 *   suggest_people {people: [{userId, displayName, matchedInterests, matchedPurposes, distance}]}
 *   get_event      {event: {eventId, title, startsAt, place, tags, attendeeCount}}
 * or, when the call could not be answered, {error: {code, message}} (the model was told the same).
 */
export interface ChatToolCall {
  /** Unique within the turn; tool-call and tool-result events carry the same id. */
  id: string;
  name: string;
  /** As the model sent them (they were checked before the tool ran). */
  args: unknown;
  result: Record<string, unknown>;
}

/** chatMessage's 200 body. */
export interface ChatMessageResponse {
  conversationId: string;
  /** The assistant message's id (conversations/{conversationId}/messages/{messageId}). */
  messageId: string;
  reply: string;
  model: string;
  /** Gemini's finishReason, e.g. STOP or MAX_TOKENS (a truncated but usable reply). */
  finishReason: string;
  /** Summed over every model call of the turn. Undefined when the reply came from the cache or a replay and usage was not recorded. */
  usage?: ChatUsage;
  /** True when the reply was served from the response cache (Gemini was not called). */
  cached: boolean;
  /** The tools the assistant used for this reply, in the order it asked; [] when none. */
  toolCalls: ChatToolCall[];
  /** The zone the reply's dates and times are in (UTC when the request and profile name none). */
  timeZone: string;
  timeZoneSource: ChatTimeZoneSource;
}

/** Codes a chat call can fail with, beyond the request layer's (unauthenticated, rate_limited...). */
export type ChatErrorCode =
  /** conversationId does not exist, or is not the caller's (the two are indistinguishable). */
  | 'conversation_not_found'
  /** The same clientMessageId is still being answered; retry in a moment. */
  | 'in_progress'
  /** Gemini refused the prompt or stopped its reply for safety; rephrase. */
  | 'blocked'
  /** Gemini answered with an error (after retries where retrying made sense). */
  | 'upstream_error'
  /** Gemini is overloaded or out of quota (429/503 after retries); try later. */
  | 'upstream_unavailable'
  /** Gemini did not answer in time. */
  | 'upstream_timeout'
  /** The database could not be reached: nothing was answered, or the reply was not stored; retry. */
  | 'unavailable'
  | 'internal';

/** SSE events of chatStream (the `event:` field is the type; `data:` is the JSON of the rest). */
export interface ChatStreamStartEvent {
  type: 'start';
  conversationId: string;
  /** The assistant message's id. */
  messageId: string;
  /** The zone the reply's dates and times are in, and where it came from. */
  timeZone: string;
  timeZoneSource: ChatTimeZoneSource;
}

export interface ChatStreamDeltaEvent {
  type: 'delta';
  text: string;
}

/** The model asked for a tool; its result follows as tool-result with the same id. */
export interface ChatStreamToolCallEvent {
  type: 'tool-call';
  id: string;
  name: string;
  args: unknown;
}

/** A tool's answer: `result` carries the cards to render (see ChatToolCall). */
export interface ChatStreamToolResultEvent {
  type: 'tool-result';
  id: string;
  name: string;
  result: Record<string, unknown>;
}

export interface ChatStreamDoneEvent {
  type: 'done';
  finishReason: string;
  usage?: ChatUsage;
  model: string;
  cached: boolean;
}

/** The `error` event of every streaming function (chatStream and the image functions alike). */
export interface ChatStreamErrorEvent {
  type: 'error';
  code: ChatErrorCode;
  /** Presentable, never internals. */
  message: string;
  /** The HTTP status this error has as a JSON answer (the stream itself already answered 200). */
  status: number;
  details?: unknown;
  requestId: string;
}

export type ChatStreamEvent =
  | ChatStreamStartEvent
  | ChatStreamDeltaEvent
  | ChatStreamToolCallEvent
  | ChatStreamToolResultEvent
  | ChatStreamDoneEvent
  | ChatStreamErrorEvent;

/** The standard error body of every function (non-2xx responses). */
export interface ErrorResponseBody {
  error: { code: string; message: string; details?: unknown; requestId: string };
}
