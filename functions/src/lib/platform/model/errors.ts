// The errors of any model backend (Gemini, an OpenAI-compatible server), one hierarchy. Every error
// says, from where it is made, what retry code and the HTTP mapping need (as vercel/ai's APICallError
// does): an HTTP-like `status` when one applies, a machine-readable `code`, `isRetryable`, and
// `retryAfterMs` when the server asked for a delay. Retry code reads `isRetryable` only; the mapping
// (http-errors.ts) reads the class and `status`. Each backend subclasses these with its own names and
// messages (platform/gemini/errors.ts, platform/openai/errors.ts). Messages never include request
// content, keys or image data.
//   ModelError
//     ModelApiError        the server answered with an error (a non-2xx answer, an error event mid-stream)
//     ModelBlockedError    the prompt was refused, or the reply stopped for content reasons
//     ModelProtocolError   the stream broke the wire format
//     ModelNetworkError    the connection failed, was reset or cut (network-fault.ts)
//     ModelTimeoutError    one of our own deadlines passed

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
