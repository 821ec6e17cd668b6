// The platform's HTTP errors: the one shape every endpoint answers with, and the same errors as the
// callable protocol carries them.
import { HttpsError, type FunctionsErrorCode } from 'firebase-functions/v2/https';
import type { EndpointResponse } from './responses.js';

// The one error shape every endpoint answers with:
//   {"error":{"code","message","details"?,"requestId"}}
// Anything thrown that is not an HttpError becomes a 500 `internal` with a masked message.
export interface HttpErrorOptions {
  /** JSON-able, safe to show to the caller. */
  details?: unknown;
  /** Extra response headers, e.g. WWW-Authenticate, Allow, Retry-After. */
  headers?: Record<string, string>;
  /** Logged server-side only, never sent. */
  cause?: unknown;
}

/** Throw this anywhere below a handler to answer with a specific status and code. */
export class HttpError extends Error {
  readonly details: unknown;
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options: HttpErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HttpError';
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

export function isHttpError(value: unknown): value is HttpError {
  return value instanceof HttpError;
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; requestId: string };
}

export function errorBody(code: string, message: string, requestId: string, details?: unknown): ErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }), requestId } };
}

export const INTERNAL_ERROR_MESSAGE = 'Internal error. Quote the request id when reporting this.';

/**
 * An error answer a handler returned (status >= 400, our error body) as the error it stands for: how a
 * callable caller, which has no status line, is told.
 */
export function errorOfResponse(response: EndpointResponse): HttpError {
  const { error } = (response.body ?? {}) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
  return new HttpError(
    response.status,
    typeof error?.code === 'string' ? error.code : 'error',
    typeof error?.message === 'string' ? error.message : 'The request failed',
    { details: error?.details, headers: response.headers },
  );
}

/** Maps any thrown value to what the caller sees; unexpected errors are masked. */
export function toHttpError(err: unknown): HttpError {
  if (isHttpError(err)) return err;
  return new HttpError(500, 'internal', INTERNAL_ERROR_MESSAGE, { cause: err });
}

// Our errors as the callable protocol carries them: {"error": {status, message, details}}, where
// `status` is the canonical name the Firebase SDKs turn into their error codes. The HTTP status picks
// the name; `details` is the REST error's details plus our `code`, the `requestId`, and
// `retryAfterSeconds` wherever REST sends Retry-After.
//   400 INVALID_ARGUMENT   401 UNAUTHENTICATED     403 PERMISSION_DENIED   404 NOT_FOUND
//   409 ABORTED            413 INVALID_ARGUMENT    422 FAILED_PRECONDITION 429 RESOURCE_EXHAUSTED
//   499 CANCELLED          503 UNAVAILABLE         504 DEADLINE_EXCEEDED   anything else: INTERNAL
// (413 is a request too large for the function: the argument, not the server, is at fault.)
// The message is the REST one: presentable by contract, and already masked for anything unexpected
// (toHttpError), so no stack trace or secret can reach it.
const CALLABLE_CODES: Readonly<Record<number, FunctionsErrorCode>> = {
  400: 'invalid-argument',
  401: 'unauthenticated',
  403: 'permission-denied',
  404: 'not-found',
  409: 'aborted',
  413: 'invalid-argument',
  422: 'failed-precondition',
  429: 'resource-exhausted',
  499: 'cancelled',
  503: 'unavailable',
  504: 'deadline-exceeded',
};

export function callableCodeFor(status: number): FunctionsErrorCode {
  return CALLABLE_CODES[status] ?? 'internal';
}

/** Retry-After as whole seconds, when the error carries one. */
export function retryAfterSecondsOf(error: HttpError): number | undefined {
  const header = Object.entries(error.headers).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
  const seconds = Number(header);
  return header !== undefined && Number.isFinite(seconds) ? seconds : undefined;
}

/** What `details` holds: the REST details (an object's fields, anything else under `details`), code, requestId, retryAfterSeconds. */
export function callableErrorDetails(error: HttpError, requestId: string): Record<string, unknown> {
  const restDetails = error.details;
  const merged: Record<string, unknown> =
    restDetails === undefined
      ? {}
      : typeof restDetails === 'object' && restDetails !== null && !Array.isArray(restDetails)
        ? { ...(restDetails as Record<string, unknown>) }
        : { details: restDetails };
  const retryAfterSeconds = retryAfterSecondsOf(error);
  return {
    ...merged,
    code: error.code,
    requestId,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  };
}

/** Anything thrown, as the HttpsError firebase-functions serializes for the SDKs. */
export function toCallableError(err: unknown, requestId: string): HttpsError {
  const error = toHttpError(err);
  return new HttpsError(callableCodeFor(error.status), error.message, callableErrorDetails(error, requestId));
}
