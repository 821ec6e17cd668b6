// Typed errors of the Gemini pipeline, one hierarchy. Every error says, from where it is made, what
// retry code and the HTTP mapping need (as vercel/ai's APICallError does): an HTTP-like `status` when
// one applies, a machine-readable `code`, `isRetryable`, and `retryAfterMs` when the server asked for
// a delay. Retry code reads `isRetryable` only. Messages never include request content, keys or image
// data.
//   GeminiError
//     GeminiApiError       Gemini answered with an error (an `error` event mid-stream)
//       GeminiHttpError    ... as a non-2xx answer to the request (Retry-After / RetryInfo)
//     GeminiBlockedError   the prompt was refused, or the reply stopped for content reasons
//     GeminiProtocolError  the stream broke the wire format
//     GeminiNetworkError   the connection failed, was reset or cut (classified in network-fault.ts)
//     GeminiTimeoutError   one of our own deadlines passed
//     GeminiAuthError      no credentials for the call (Vertex AI: Application Default Credentials failed)

/** Statuses worth retrying (rate limits, timeouts, transient server trouble): the one set. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

const MAX_UPSTREAM_MESSAGE = 500;

export interface GeminiErrorOptions {
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

export class GeminiError extends Error {
  readonly code: string;
  readonly status?: number;
  readonly isRetryable: boolean;
  readonly retryAfterMs?: number;

  constructor(message: string, options: GeminiErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GeminiError';
    this.code = options.code;
    this.status = options.status;
    this.isRetryable = options.isRetryable ?? (options.status !== undefined && RETRYABLE_STATUSES.has(options.status));
    this.retryAfterMs = options.retryAfterMs;
  }

  /** @deprecated Read `isRetryable`. Kept because the class is part of the library's public contract. */
  get retryable(): boolean {
    return this.isRetryable;
  }
}

/** For retry hooks: whether anything thrown may go away on another attempt (only GeminiErrors may). */
export function isRetryableError(error: unknown): boolean {
  return error instanceof GeminiError && error.isRetryable;
}

/** For retry hooks: the delay the server asked for, if anything thrown carries one. */
export function retryAfterMsOf(error: unknown): number | undefined {
  return error instanceof GeminiError ? error.retryAfterMs : undefined;
}

export interface GeminiApiErrorInit {
  /** HTTP status, or the `code` of a Gemini error object */
  status: number;
  /** Google's status string, e.g. "RESOURCE_EXHAUSTED"; becomes `code` (else "HTTP_<status>") */
  googleStatus?: string;
  /** upstream message (trimmed to 500 chars) */
  message?: string;
  /** upstream `details`, kept for logging/debugging */
  details?: unknown;
  /** default: RETRYABLE_STATUSES.has(status) */
  isRetryable?: boolean;
  /** From a google.rpc.RetryInfo detail or a Retry-After header. */
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * Gemini answered with an error: an HTTP error response or an `{"error": {...}}` event mid-stream.
 *   new GeminiApiError({ status: 429, googleStatus: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded' })
 */
export class GeminiApiError extends GeminiError {
  declare readonly status: number;
  readonly googleStatus?: string;
  readonly details?: unknown;

  constructor(init: GeminiApiErrorInit) {
    const upstream = init.message ? `: ${init.message.slice(0, MAX_UPSTREAM_MESSAGE)}` : '';
    super(`Gemini API error ${init.status}${init.googleStatus ? ` ${init.googleStatus}` : ''}${upstream}`, {
      code: init.googleStatus ?? `HTTP_${init.status}`,
      status: init.status,
      isRetryable: init.isRetryable,
      retryAfterMs: init.retryAfterMs,
      cause: init.cause,
    });
    this.name = 'GeminiApiError';
    this.googleStatus = init.googleStatus;
    this.details = init.details;
  }

  /**
   * From a Gemini error object (`{code, message, status, details}`, the value of the `error` key in
   * an error body or event). `fallbackStatus` (e.g. the HTTP status) is used when it has no numeric
   * code; 500 if neither is known.
   */
  static fromErrorObject(value: unknown, fallbackStatus?: number): GeminiApiError {
    const error = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
    const code = typeof error.code === 'number' && Number.isInteger(error.code) ? error.code : undefined;
    return new GeminiApiError({
      status: code ?? fallbackStatus ?? 500,
      googleStatus: typeof error.status === 'string' && error.status !== '' ? error.status : undefined,
      message: typeof error.message === 'string' ? error.message : undefined,
      details: error.details,
    });
  }
}

/** A non-2xx answer to the request itself (streaming-client.ts), with the server's retry hint if any. */
export class GeminiHttpError extends GeminiApiError {
  constructor(init: GeminiApiErrorInit) {
    super(init);
    this.name = 'GeminiHttpError';
  }
}

/**
 * Gemini refused: the prompt (`promptFeedback.blockReason`, no candidates; code PROMPT_BLOCKED) or,
 * via `forFinishReason`, the reply stopped for content reasons (code REPLY_BLOCKED). Not retryable as is.
 */
export class GeminiBlockedError extends GeminiError {
  /** The blockReason, or the finishReason of a reply stopped for content reasons. */
  readonly blockReason: string;
  /** The harm category it was blocked for, by its app-level name (safety.ts), when the ratings say. */
  readonly category?: string;

  constructor(
    blockReason: string,
    options?: { message?: string; code?: 'PROMPT_BLOCKED' | 'REPLY_BLOCKED'; category?: string; cause?: unknown },
  ) {
    super(options?.message ?? `Gemini blocked the prompt (${blockReason})`, {
      code: options?.code ?? 'PROMPT_BLOCKED',
      status: 400,
      isRetryable: false,
      cause: options?.cause,
    });
    this.name = 'GeminiBlockedError';
    this.blockReason = blockReason;
    if (options?.category !== undefined) this.category = options.category;
  }

  static forFinishReason(finishReason: string, category?: string): GeminiBlockedError {
    return new GeminiBlockedError(finishReason, {
      code: 'REPLY_BLOCKED',
      message: `Gemini stopped the reply for content reasons (${finishReason})`,
      category,
    });
  }
}

export type GeminiProtocolErrorCode =
  /** an event's data is not valid JSON, or not a JSON object */
  | 'PROTOCOL_INVALID_JSON'
  /** the body ended inside an event that was already being streamed */
  | 'PROTOCOL_TRUNCATED_EVENT'
  /** the events ended without their `done` event */
  | 'PROTOCOL_MISSING_DONE'
  /** an image continuation matched the current image's first 64 KiB but not its end */
  | 'PROTOCOL_IMAGE_MISMATCH';

/** A cut-off stream may come whole on another attempt; malformed data would come malformed again. */
const RETRYABLE_PROTOCOL_CODES: ReadonlySet<GeminiProtocolErrorCode> = new Set([
  'PROTOCOL_TRUNCATED_EVENT',
  'PROTOCOL_MISSING_DONE',
]);

/** Gemini's stream broke the wire format. Status 502 (bad upstream); retryable when cut off. */
export class GeminiProtocolError extends GeminiError {
  declare readonly code: GeminiProtocolErrorCode;

  constructor(code: GeminiProtocolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, { code, status: 502, isRetryable: RETRYABLE_PROTOCOL_CODES.has(code), cause: options?.cause });
    this.name = 'GeminiProtocolError';
  }
}

/**
 * The connection failed, was reset or was cut (undici's "fetch failed" / "terminated" TypeErrors,
 * ECONNRESET and the like), or an AbortSignal.timeout fired. Always retryable: another attempt opens
 * another connection. `code` is the system or undici code when one is known (e.g. "ECONNRESET",
 * "UND_ERR_SOCKET"), "NETWORK_TIMEOUT" for AbortSignal.timeout, else "NETWORK_ERROR".
 */
export class GeminiNetworkError extends GeminiError {
  constructor(code: string, options: { cause: unknown }) {
    super(`Gemini connection failed (${code})`, { code, isRetryable: true, cause: options.cause });
    this.name = 'GeminiNetworkError';
  }
}

/** Which of our deadlines passed: per attempt (first chunk, silence between chunks) or the whole call. */
export type GeminiTimeoutPhase = 'first-chunk' | 'idle' | 'total';

/**
 * One of our own deadlines passed. A stalled attempt may be retried; once the whole call's deadline
 * (`total`) has passed there is no time left for another.
 */
export class GeminiTimeoutError extends GeminiError {
  constructor(
    readonly phase: GeminiTimeoutPhase,
    readonly timeoutMs: number,
  ) {
    super(`Gemini did not answer within ${timeoutMs} ms (${phase})`, {
      code: 'TIMEOUT',
      isRetryable: phase !== 'total',
    });
    this.name = 'GeminiTimeoutError';
  }
}

/**
 * The call's credentials could not be had: on Vertex AI, Application Default Credentials failed (no
 * credentials found, the token exchange or the metadata server refused). Not retried: it is a
 * deployment problem (IAM, credentials file), logged with its cause; callers see 502 upstream_error.
 */
export class GeminiAuthError extends GeminiError {
  constructor(options: { cause: unknown }) {
    super('Gemini credentials could not be obtained (Application Default Credentials)', {
      code: 'AUTH_FAILED',
      isRetryable: false,
      cause: options.cause,
    });
    this.name = 'GeminiAuthError';
  }
}
