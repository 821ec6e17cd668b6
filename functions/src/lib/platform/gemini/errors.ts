// Gemini's errors: the model errors (platform/model/errors.ts) with Gemini's names, messages and
// retry facts (Google's status strings, RetryInfo), and every way Gemini's failures are read into them:
// a non-2xx answer (geminiHttpError), a network fault (classifyNetworkFault), a stream that breaks the
// wire format (geminiStreamError). Messages never include request content, keys or image data.
//   GeminiError (= ModelError, the base of every backend's errors)
//     GeminiApiError       Gemini answered with an error (an `error` event mid-stream)
//       GeminiHttpError    ... as a non-2xx answer to the request (Retry-After / RetryInfo)
//     GeminiBlockedError   the prompt was refused, or the reply stopped for content reasons
//     GeminiProtocolError  the stream broke the wire format
//     GeminiNetworkError   the connection failed, was reset or cut (classifyNetworkFault)
//     GeminiTimeoutError   one of our own deadlines passed
//     GeminiAuthError      no credentials for the call (Vertex AI: Application Default Credentials failed)
import {
  MAX_UPSTREAM_MESSAGE,
  ModelApiError,
  ModelBlockedError,
  ModelError,
  ModelNetworkError,
  ModelProtocolError,
  ModelTimeoutError,
  type ModelProtocolErrorCode,
  type ModelTimeoutPhase,
  classifyFault,
} from '../model/errors.js';
import { readPrefix, retryAfterHeaderMs } from '../model/http-response.js';
import { SseIncompleteEventError } from '../sse/parse.js';
import { JsonSyntaxError } from './json-stream-parser.js';

export { RETRYABLE_STATUSES, isRetryableError, retryAfterMsOf } from '../model/errors.js';

/** Every Gemini error is a ModelError; the name stays for the library's public contract. */
export const GeminiError = ModelError;
export type GeminiError = ModelError;

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
export class GeminiApiError extends ModelApiError {
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
      upstreamMessage: init.message,
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

/** A non-2xx answer to the request itself (geminiHttpError), with the server's retry hint if any. */
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
export class GeminiBlockedError extends ModelBlockedError {
  constructor(
    blockReason: string,
    options?: { message?: string; code?: 'PROMPT_BLOCKED' | 'REPLY_BLOCKED'; category?: string; cause?: unknown },
  ) {
    super(blockReason, {
      message: options?.message ?? `Gemini blocked the prompt (${blockReason})`,
      code: options?.code ?? 'PROMPT_BLOCKED',
      category: options?.category,
      cause: options?.cause,
    });
    this.name = 'GeminiBlockedError';
  }

  static forFinishReason(finishReason: string, category?: string): GeminiBlockedError {
    return new GeminiBlockedError(finishReason, {
      code: 'REPLY_BLOCKED',
      message: `Gemini stopped the reply for content reasons (${finishReason})`,
      category,
    });
  }
}

export type GeminiProtocolErrorCode = ModelProtocolErrorCode;

/** Gemini's stream broke the wire format. Status 502 (bad upstream); retryable when cut off. */
export class GeminiProtocolError extends ModelProtocolError {
  constructor(code: GeminiProtocolErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'GeminiProtocolError';
  }
}

/**
 * The connection failed, was reset or was cut (undici's "fetch failed" / "terminated" TypeErrors,
 * ECONNRESET and the like), or an AbortSignal.timeout fired. Always retryable: another attempt opens
 * another connection. `code` is the system or undici code when one is known (e.g. "ECONNRESET",
 * "UND_ERR_SOCKET"), "NETWORK_TIMEOUT" for AbortSignal.timeout, else "NETWORK_ERROR".
 */
export class GeminiNetworkError extends ModelNetworkError {
  constructor(code: string, options: { cause: unknown }) {
    super(`Gemini connection failed (${code})`, code, options);
    this.name = 'GeminiNetworkError';
  }
}

export type GeminiTimeoutPhase = ModelTimeoutPhase;

/** One of our own deadlines for a Gemini call passed (the image job's). */
export class GeminiTimeoutError extends ModelTimeoutError {
  constructor(phase: GeminiTimeoutPhase, timeoutMs: number) {
    super(phase, timeoutMs, `Gemini did not answer within ${timeoutMs} ms (${phase})`);
    this.name = 'GeminiTimeoutError';
  }
}

/**
 * The call's credentials could not be had: on Vertex AI, Application Default Credentials failed (no
 * credentials found, the token exchange or the metadata server refused). Not retried: it is a
 * deployment problem (IAM, credentials file), logged with its cause; callers see 502 upstream_error.
 */
export class GeminiAuthError extends ModelError {
  constructor(options: { cause: unknown }) {
    super('Gemini credentials could not be obtained (Application Default Credentials)', {
      code: 'AUTH_FAILED',
      isRetryable: false,
      cause: options.cause,
    });
    this.name = 'GeminiAuthError';
  }
}

/** Error bodies are small JSON; never read more than this of one (it could be anything). */
const MAX_ERROR_BODY_BYTES = 8 * 1024;

/**
 * A non-2xx answer from Gemini with its retry facts: Google's status string and message from the
 * `{"error": {...}}` body, and the delay from a google.rpc.RetryInfo detail or a Retry-After header.
 * Shared by the streaming and the unary client.
 */
export async function geminiHttpError(response: Response): Promise<GeminiHttpError> {
  const text = await readPrefix(response, MAX_ERROR_BODY_BYTES);
  const error = parseGoogleError(text);
  return new GeminiHttpError({
    status: response.status,
    googleStatus: typeof error?.status === 'string' && error.status !== '' ? error.status : undefined,
    message: typeof error?.message === 'string' ? error.message : response.statusText || undefined,
    details: error?.details,
    retryAfterMs: retryInfoDelayMs(error?.details) ?? retryAfterHeaderMs(response.headers.get('retry-after')),
  });
}

/** `{"error": {code, message, status, details}}` as Google sends it; undefined for anything else. */
function parseGoogleError(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    // Some proxies wrap it in an array.
    const body = Array.isArray(parsed) ? parsed[0] : parsed;
    const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
    return typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // not JSON, or cut off at MAX_ERROR_BODY_BYTES
  }
}

/** google.rpc.RetryInfo: `{"@type": ".../google.rpc.RetryInfo", "retryDelay": "20s"}` (Duration JSON). */
function retryInfoDelayMs(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    if (typeof detail !== 'object' || detail === null) continue;
    const { '@type': type, retryDelay } = detail as { '@type'?: unknown; retryDelay?: unknown };
    if (typeof type !== 'string' || !type.endsWith('google.rpc.RetryInfo')) continue;
    const match = typeof retryDelay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(retryDelay) : null;
    if (match) return Math.round(Number(match[1]) * 1000);
  }
  return undefined;
}

/** A network fault of a Gemini call, classified once at the transport boundary (the clients). */
export function classifyNetworkFault(error: unknown, signal?: AbortSignal): unknown {
  return classifyFault(error, signal, (code, cause) => new GeminiNetworkError(code, { cause }));
}

/** A failure while reading Gemini's stream: malformed event JSON or an event cut off is a protocol error. */
export function geminiStreamError(error: unknown): unknown {
  if (error instanceof GeminiError) return error;
  if (error instanceof JsonSyntaxError) {
    return new GeminiProtocolError('PROTOCOL_INVALID_JSON', `Gemini event data is not valid JSON (${error.message})`, {
      cause: error,
    });
  }
  if (error instanceof SseIncompleteEventError) {
    return new GeminiProtocolError('PROTOCOL_TRUNCATED_EVENT', 'Gemini stream ended inside an event', { cause: error });
  }
  return error;
}
