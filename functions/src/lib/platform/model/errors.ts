// The errors of any model backend (Gemini, an OpenAI-compatible server), one hierarchy, and the one
// ladder from them to what a caller is told (toUpstreamHttpError, below). Every error says, from where
// it is made, what retry code and the ladder need (as vercel/ai's APICallError does): an HTTP-like
// `status` when one applies, a machine-readable `code`, `isRetryable`, and `retryAfterMs` when the
// server asked for a delay. Retry code reads `isRetryable` only; the ladder reads the class and
// `status`. Each backend subclasses these with its own names and messages, and reads its own wire's
// failures into them (platform/gemini/errors.ts, platform/openai/errors.ts). Messages never include
// request content, keys or image data.
//   ModelError
//     ModelApiError        the server answered with an error (a non-2xx answer, an error event mid-stream)
//     ModelBlockedError    the prompt was refused, or the reply stopped for content reasons
//     ModelProtocolError   the stream broke the wire format
//     ModelNetworkError    the connection failed, was reset or cut (classifyFault)
//     ModelTimeoutError    one of our own deadlines passed

import { HttpError } from '../http/errors.js';

/** Statuses worth retrying (rate limits, timeouts, transient server trouble): the one set. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** An upstream message is kept for the log, at most this long. */
export const MAX_UPSTREAM_MESSAGE = 500;

export interface ModelErrorOptions {
  /** machine-readable, e.g. "RESOURCE_EXHAUSTED", "PROMPT_BLOCKED", "PROTOCOL_INVALID_JSON" */
  code: string;
  /** HTTP-like status; undefined when none applies */
  status?: number;
  /** default: derived from `status` via RETRYABLE_STATUSES (false without a status) */
  isRetryable?: boolean;
  /** a delay the server asked for before trying again */
  retryAfterMs?: number;
  cause?: unknown;
}

export class ModelError extends Error {
  readonly code: string;
  readonly status?: number;
  readonly isRetryable: boolean;
  readonly retryAfterMs?: number;

  constructor(message: string, options: ModelErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelError';
    this.code = options.code;
    this.status = options.status;
    this.isRetryable = options.isRetryable ?? (options.status !== undefined && RETRYABLE_STATUSES.has(options.status));
    this.retryAfterMs = options.retryAfterMs;
  }

  /** @deprecated Read `isRetryable`. Kept because GeminiError is part of the library's public contract. */
  get retryable(): boolean {
    return this.isRetryable;
  }
}

/** For retry hooks: whether anything thrown may go away on another attempt (only ModelErrors may). */
export function isRetryableError(error: unknown): boolean {
  return error instanceof ModelError && error.isRetryable;
}

/** For retry hooks: the delay the server asked for, if anything thrown carries one. */
export function retryAfterMsOf(error: unknown): number | undefined {
  return error instanceof ModelError ? error.retryAfterMs : undefined;
}

/** The server answered with an error: an HTTP error response, or an error object mid-stream. */
export class ModelApiError extends ModelError {
  declare readonly status: number;
  /** The upstream message (trimmed), kept for logs. */
  readonly upstreamMessage?: string;

  constructor(message: string, options: ModelErrorOptions & { status: number; upstreamMessage?: string }) {
    super(message, options);
    this.name = 'ModelApiError';
    if (options.upstreamMessage !== undefined)
      this.upstreamMessage = options.upstreamMessage.slice(0, MAX_UPSTREAM_MESSAGE);
  }
}

/**
 * The server refused: the prompt (code PROMPT_BLOCKED) or the reply stopped for content reasons
 * (code REPLY_BLOCKED). Not retryable as is.
 */
export class ModelBlockedError extends ModelError {
  /** The block reason, or the finish reason of a reply stopped for content reasons. */
  readonly blockReason: string;
  /** The harm category it was blocked for, by its app-level name, when the server says. */
  readonly category?: string;

  constructor(
    blockReason: string,
    options: { message: string; code: 'PROMPT_BLOCKED' | 'REPLY_BLOCKED'; category?: string; cause?: unknown },
  ) {
    super(options.message, { code: options.code, status: 400, isRetryable: false, cause: options.cause });
    this.name = 'ModelBlockedError';
    this.blockReason = blockReason;
    if (options.category !== undefined) this.category = options.category;
  }
}

export type ModelProtocolErrorCode =
  /** an event's data is not valid JSON, or not a JSON object */
  | 'PROTOCOL_INVALID_JSON'
  /** the body ended inside an event that was already being streamed */
  | 'PROTOCOL_TRUNCATED_EVENT'
  /** the events ended without their end (Gemini's last chunk, an OpenAI-compatible `[DONE]`) */
  | 'PROTOCOL_MISSING_DONE'
  /** an image continuation matched the current image's first 64 KiB but not its end */
  | 'PROTOCOL_IMAGE_MISMATCH';

/** A cut-off stream may come whole on another attempt; malformed data would come malformed again. */
const RETRYABLE_PROTOCOL_CODES: ReadonlySet<ModelProtocolErrorCode> = new Set([
  'PROTOCOL_TRUNCATED_EVENT',
  'PROTOCOL_MISSING_DONE',
]);

/** The stream broke the wire format. Status 502 (bad upstream); retryable when cut off. */
export class ModelProtocolError extends ModelError {
  declare readonly code: ModelProtocolErrorCode;

  constructor(code: ModelProtocolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, { code, status: 502, isRetryable: RETRYABLE_PROTOCOL_CODES.has(code), cause: options?.cause });
    this.name = 'ModelProtocolError';
  }
}

/**
 * The connection failed, was reset or was cut. Always retryable: another attempt opens another
 * connection. `code` is the system or undici code when one is known (e.g. "ECONNRESET"),
 * "NETWORK_TIMEOUT" for AbortSignal.timeout, else "NETWORK_ERROR".
 */
export class ModelNetworkError extends ModelError {
  constructor(message: string, code: string, options: { cause: unknown }) {
    super(message, { code, isRetryable: true, cause: options.cause });
    this.name = 'ModelNetworkError';
  }
}

// Network faults, classified once, at a transport boundary (each backend's streaming client wraps the
// fetch call and the reading of the body with it), so that nothing above has to guess what a
// TypeError means. The backend names its own error (GeminiNetworkError, OpenAiNetworkError).
/** Makes the backend's network error for a classified fault. */
export type NetworkErrorFactory = (code: string, cause: unknown) => ModelNetworkError;

/** Node system codes (ECONNRESET, ECONNREFUSED, ETIMEDOUT, EPIPE, ENOTFOUND...) and undici's own. */
const NETWORK_CODE = /^(E[A-Z0-9]+|UND_ERR_[A-Z0-9_]+)$/;

/**
 * What a failed fetch or body read means. The signal's own abort passes through unchanged (the caller
 * knows why it aborted), except an AbortSignal.timeout, which is a network timeout. A TypeError (undici
 * reports refused and reset connections as "fetch failed", a cut body as "terminated") or an error
 * with a system/undici code becomes the backend's network error. Anything else passes through.
 */
export function classifyFault(error: unknown, signal: AbortSignal | undefined, make: NetworkErrorFactory): unknown {
  if (error instanceof ModelError) return error;
  if (isAbortSignalTimeout(error)) return make('NETWORK_TIMEOUT', error);
  if (signal?.aborted) return error;
  if (error instanceof TypeError) return make(networkCode(error) ?? 'NETWORK_ERROR', error);
  const code = networkCode(error);
  return code === undefined ? error : make(code, error);
}

function isAbortSignalTimeout(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'TimeoutError';
}

/** The first system/undici code along the cause chain (undici puts the socket error in `cause`). */
function networkCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODE.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Which of our deadlines passed: per attempt (first chunk, silence between chunks) or the whole call. */
export type ModelTimeoutPhase = 'first-chunk' | 'idle' | 'total';

/**
 * One of our own deadlines passed. A stalled attempt may be retried; once the whole call's deadline
 * (`total`) has passed there is no time left for another.
 */
export class ModelTimeoutError extends ModelError {
  constructor(
    readonly phase: ModelTimeoutPhase,
    readonly timeoutMs: number,
    message = `The model did not answer within ${timeoutMs} ms (${phase})`,
  ) {
    super(message, { code: 'TIMEOUT', isRetryable: phase !== 'total' });
    this.name = 'ModelTimeoutError';
  }
}

// The ladder: an upstream model failure as what a caller is told, for every feature and both answer
// styles (a JSON error, or the SSE `error` event once a stream has started):
//   prompt refused / reply stopped for content    422 blocked   {category?} (the harm category, when known)
//   429, 503 (after retries)                      503 upstream_unavailable  (Retry-After when the server gave a delay)
//   408, 504, our own deadlines                   504 upstream_timeout
//   any other model/network/protocol fault        502 upstream_error
// Each feature supplies its own presentable sentences; the upstream error rides along as `cause`
// (logged, never sent). Feature errors (a missing conversation, a bad input image...) are the
// features' own and never come here.
export type UpstreamErrorCode = 'blocked' | 'upstream_unavailable' | 'upstream_timeout' | 'upstream_error';

/** An HttpError this mapping made; its code is one of the four above. */
export class UpstreamHttpError extends HttpError {
  declare readonly code: UpstreamErrorCode;

  constructor(
    status: number,
    code: UpstreamErrorCode,
    message: string,
    options: { details?: unknown; headers?: Record<string, string>; cause: unknown },
  ) {
    super(status, code, message, options);
    this.name = 'UpstreamHttpError';
  }
}

export interface UpstreamErrorPresentation {
  /** Fixed, presentable sentences, one per outcome. */
  messages: { blocked: string; unavailable: string; timeout: string; upstream: string };
  /** Whether a 422 says why, as `details: {reason}` (the blockReason or finishReason). */
  blockReasonInDetails: boolean;
}

/**
 * A 422's details: the harm category by its app-level name (`{category: "harassment"}`, safety.ts)
 * whenever the server says which, and the reason when the feature shows it. Nothing else of the
 * ratings (probabilities, scores) is passed on.
 */
function blockedDetails(error: ModelBlockedError, withReason: boolean): Record<string, string> | undefined {
  const details: Record<string, string> = {};
  if (withReason) details.reason = error.blockReason;
  if (error.category !== undefined) details.category = error.category;
  return Object.keys(details).length > 0 ? details : undefined;
}

const UNAVAILABLE_STATUSES: ReadonlySet<number> = new Set([429, 503]);
const TIMEOUT_STATUSES: ReadonlySet<number> = new Set([408, 504]);

/** Idempotent: what it made comes back as is (a failure may be mapped by the turn, then by the handler). */
export function toUpstreamHttpError(error: unknown, presentation: UpstreamErrorPresentation): UpstreamHttpError {
  if (error instanceof UpstreamHttpError) return error;
  const { messages } = presentation;
  if (error instanceof ModelBlockedError) {
    const details = blockedDetails(error, presentation.blockReasonInDetails);
    return new UpstreamHttpError(422, 'blocked', messages.blocked, { details, cause: error });
  }
  if (error instanceof ModelTimeoutError)
    return new UpstreamHttpError(504, 'upstream_timeout', messages.timeout, { cause: error });
  const status = error instanceof ModelError ? error.status : undefined;
  if (status !== undefined && UNAVAILABLE_STATUSES.has(status)) {
    const headers = retryAfterHeader((error as ModelError).retryAfterMs);
    return new UpstreamHttpError(503, 'upstream_unavailable', messages.unavailable, { headers, cause: error });
  }
  if (status !== undefined && TIMEOUT_STATUSES.has(status)) {
    return new UpstreamHttpError(504, 'upstream_timeout', messages.timeout, { cause: error });
  }
  return new UpstreamHttpError(502, 'upstream_error', messages.upstream, { cause: error });
}

/** Whole seconds, at least 1 (a sub-second hint must not read as "now"). */
function retryAfterHeader(retryAfterMs: number | undefined): Record<string, string> | undefined {
  return retryAfterMs ? { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) } : undefined;
}
