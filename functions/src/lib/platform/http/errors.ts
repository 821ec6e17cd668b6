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

/** Maps any thrown value to what the caller sees; unexpected errors are masked. */
export function toHttpError(err: unknown): HttpError {
  if (isHttpError(err)) return err;
  return new HttpError(500, 'internal', INTERNAL_ERROR_MESSAGE, { cause: err });
}
