// What every answer carries and how it is written: the request id, the security and CORS headers, JSON
// results and errors.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import type { Logger } from '../logging.js';
import { describeError } from '../logging.js';
import { errorBody, isHttpError, toHttpError } from './errors.js';

// Request ids: reuse the caller's X-Request-Id when it is safe to echo and log, else make one.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{8,128}$/;

export function resolveRequestId(header: string | string[] | undefined): string {
  const candidate = Array.isArray(header) ? header[0] : header;
  const trimmed = candidate?.trim();
  return trimmed && SANE_REQUEST_ID.test(trimmed) ? trimmed : randomUUID();
}

// Response headers of every function, on every answer (JSON, errors, SSE, 204 preflights), set by the
// request layer before anything else can answer. Responses carry personal data (chat transcripts,
// profiles, matches) and are never meant to be stored, rendered, framed or embedded, so this is what
// helmet sends, tuned for a JSON API the way OWASP's REST cheat sheet describes:
//   Cache-Control: no-store           no browser, device or intermediary cache keeps a copy
//   X-Content-Type-Options: nosniff   JSON is never sniffed into HTML or script
//   Content-Security-Policy           default-src 'none' (nothing loads if a response is ever rendered)
//                                     and frame-ancestors 'none' (never framed)
//   X-Frame-Options: DENY             the same for browsers without frame-ancestors
//   Referrer-Policy: no-referrer
//   Cross-Origin-Resource-Policy: same-origin
//                                     other sites cannot embed responses with no-cors loads (<img>,
//                                     <script>); the app's fetch() calls are CORS requests, which
//                                     CORP does not apply to, so they are unaffected
//   Strict-Transport-Security         HTTPS only for a year (browsers ignore it over plain http)
// and no X-Powered-By. Left out as meaningless for JSON: COOP/COEP and Origin-Agent-Cluster (documents
// only), X-DNS-Prefetch-Control, X-Download-Options, X-Permitted-Cross-Domain-Policies, X-XSS-Protection.
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
};

export function applySecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  // Set by Express (the functions framework) before our code runs; it only helps fingerprinting.
  res.removeHeader('X-Powered-By');
}

// CORS from CORS_ORIGINS: `*`, exact origins (`https://app.example.com`), or one-level wildcards
// (`https://*.example.com`). Allowed origins are echoed (with Vary: Origin) on every response, errors
// included, so browsers can read error bodies. Bearer tokens, not cookies: no Allow-Credentials.
// Note: the functions EMULATOR wraps every onRequest function in a permissive `cors` middleware (its
// FIREBASE_DEBUG_FEATURES enableCors), which answers preflights itself before this code runs; so
// CORS_ORIGINS is only enforced in production and in-process mounts (test/support/mount.ts).
const ALLOW_HEADERS = 'Authorization, Content-Type, Accept, X-Request-Id, X-Firebase-AppCheck';
const EXPOSE_HEADERS =
  'X-Request-Id, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, AI-Budget-Unit, AI-Budget-Limit, AI-Budget-Remaining, AI-Budget-Reset';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

function matchesPattern(origin: string, pattern: string): boolean {
  if (pattern === '*') return true;
  const wildcard = pattern.indexOf('://*.');
  if (wildcard === -1) return origin === pattern;
  const scheme = pattern.slice(0, wildcard + 3);
  const suffix = pattern.slice(wildcard + 4); // ".example.com"
  if (!origin.startsWith(scheme) || !origin.endsWith(suffix)) return false;
  const label = origin.slice(scheme.length, origin.length - suffix.length);
  return /^[a-z0-9-]+$/.test(label);
}

export function isOriginAllowed(origin: string, allowed: readonly string[]): boolean {
  const normalized = origin.toLowerCase();
  return allowed.some((pattern) => matchesPattern(normalized, pattern.toLowerCase()));
}

/** Sets the CORS response headers for an allowed Origin. Returns whether the origin was allowed. */
export function applyCorsHeaders(req: Request, res: Response, allowed: readonly string[]): boolean {
  res.vary('Origin');
  const origin = req.headers.origin;
  if (!origin || !isOriginAllowed(origin, allowed)) return false;
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
  return true;
}

/** Answers an OPTIONS request (a preflight or not) with 204, without authentication. */
export function answerPreflight(req: Request, res: Response, method: string, originAllowed: boolean): void {
  const allow = `${method}, OPTIONS`;
  res.setHeader('Allow', allow);
  if (originAllowed && req.headers['access-control-request-method']) {
    res.setHeader('Access-Control-Allow-Methods', allow);
    res.setHeader('Access-Control-Allow-Headers', ALLOW_HEADERS);
    res.setHeader('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_SECONDS);
  }
  res.status(204).end();
}

// Writing results and errors. A handler returns a JSON-able value (sent as 200), a `{ status, body,
// headers? }` object, or undefined after writing the response itself (SSE). Caching and the other
// security headers are set for every response up front (above), not here.
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
