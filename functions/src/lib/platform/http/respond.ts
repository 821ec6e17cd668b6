// Writing results and errors. A handler returns a JSON-able value (sent as 200), a `{ status, body,
// headers? }` object, or undefined after writing the response itself (SSE). Caching and the other
// security headers are set for every response up front (security-headers.ts), not here.
import type { Response } from 'express';
import type { Logger } from '../logging.js';
import { describeError } from '../logging.js';
import { errorBody, isHttpError, toHttpError } from './errors.js';

export interface EndpointResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const RESPONSE_KEYS = new Set(['status', 'body', 'headers']);

/** `{status, body}` only counts as a response envelope when those are its only keys. */
export function isEndpointResponse(value: unknown): value is EndpointResponse {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const status = (value as { status?: unknown }).status;
  return (
    keys.includes('status') &&
    keys.every((key) => RESPONSE_KEYS.has(key)) &&
    Number.isInteger(status) &&
    (status as number) >= 200 &&
    (status as number) <= 599
  );
}

export function sendJson(res: Response, status: number, body: unknown, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (body === undefined || status === 204 || status === 304) {
    res.status(status).end();
    return;
  }
  res.status(status);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

export function sendResult(res: Response, result: unknown): void {
  if (res.headersSent) {
    // The handler wrote the response itself; make sure it is finished.
    if (!res.writableEnded) res.end();
    return;
  }
  if (result === undefined) sendJson(res, 204, undefined);
  else if (isEndpointResponse(result)) sendJson(res, result.status, result.body, result.headers);
  else sendJson(res, 200, result);
}

/** Unexpected errors are logged with their stack; deliberate HttpErrors briefly, with their cause if any. */
export function logFailure(log: Logger, err: unknown): void {
  if (!isHttpError(err)) {
    log.error('request failed', { status: 500, code: 'internal', error: describeError(err) });
    return;
  }
  const cause = err.cause === undefined ? {} : { cause: describeError(err.cause, { stack: err.status >= 500 }) };
  if (err.status >= 500) log.warn('request failed', { status: err.status, code: err.code, ...cause });
  else if (err.cause !== undefined) log.info('request rejected', { status: err.status, code: err.code, ...cause });
}

export function sendError(res: Response, err: unknown, requestId: string, log: Logger): void {
  const httpError = toHttpError(err);
  logFailure(log, err);
  if (res.headersSent) {
    // Mid-stream: the status line is gone; all we can do is end the response.
    if (!res.writableEnded) res.end();
    return;
  }
  sendJson(
    res,
    httpError.status,
    errorBody(httpError.code, httpError.message, requestId, httpError.details),
    httpError.headers,
  );
}
