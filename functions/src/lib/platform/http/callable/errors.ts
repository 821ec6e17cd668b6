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
import { HttpsError, type FunctionsErrorCode } from 'firebase-functions/v2/https';
import { toHttpError, type HttpError } from '../errors.js';

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
