// Typed errors of the Gemini pipeline. Every error has an HTTP-like `status` (when one applies), a
// machine-readable `code` and a `retryable` flag, so callers can map them to responses and retries
// without parsing messages. Messages never include request content, keys or image data.

/** Statuses worth retrying (rate limits, timeouts, transient server trouble). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

const MAX_UPSTREAM_MESSAGE = 500;

export interface GeminiErrorOptions {
  /** machine-readable, e.g. "RESOURCE_EXHAUSTED", "PROMPT_BLOCKED", "PROTOCOL_INVALID_JSON" */
  code: string;
  /** HTTP-like status; undefined when none applies */
  status?: number;
  /** default: derived from `status` via RETRYABLE_STATUSES (false without a status) */
  retryable?: boolean;
  cause?: unknown;
}

export class GeminiError extends Error {
  readonly code: string;
  readonly status?: number;
  readonly retryable: boolean;

  constructor(message: string, options: GeminiErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GeminiError';
    this.code = options.code;
    this.status = options.status;
    this.retryable = options.retryable ?? (options.status !== undefined && RETRYABLE_STATUSES.has(options.status));
  }
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
  retryable?: boolean;
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
      retryable: init.retryable,
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

/** The prompt was refused (`promptFeedback.blockReason`, no candidates). Not retryable as is. */
export class GeminiBlockedError extends GeminiError {
  readonly blockReason: string;

  constructor(blockReason: string, options?: { message?: string; cause?: unknown }) {
    super(options?.message ?? `Gemini blocked the prompt (${blockReason})`, {
      code: 'PROMPT_BLOCKED',
      status: 400,
      retryable: false,
      cause: options?.cause,
    });
    this.name = 'GeminiBlockedError';
    this.blockReason = blockReason;
  }
}

export type GeminiProtocolErrorCode =
  /** an event's data is not valid JSON, or not a JSON object */
  | 'PROTOCOL_INVALID_JSON'
  /** the body ended inside an event that was already being streamed */
  | 'PROTOCOL_TRUNCATED_EVENT'
  /** an image continuation matched the current image's first 64 KiB but not its end */
  | 'PROTOCOL_IMAGE_MISMATCH';

/** Gemini's stream broke the wire format. Status 502 (bad upstream); retryable when truncated. */
export class GeminiProtocolError extends GeminiError {
  declare readonly code: GeminiProtocolErrorCode;

  constructor(code: GeminiProtocolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, { code, status: 502, retryable: code === 'PROTOCOL_TRUNCATED_EVENT', cause: options?.cause });
    this.name = 'GeminiProtocolError';
  }
}
