// CORS from CORS_ORIGINS: `*`, exact origins (`https://app.example.com`), or one-level wildcards
// (`https://*.example.com`). Allowed origins are echoed (with Vary: Origin) on every response, errors
// included, so browsers can read error bodies. Bearer tokens, not cookies: no Allow-Credentials.
// Note: the functions EMULATOR wraps every onRequest function in a permissive `cors` middleware (its
// FIREBASE_DEBUG_FEATURES enableCors), which answers preflights itself before this code runs; so
// CORS_ORIGINS is only enforced in production and in-process mounts (test/support/mount.ts).
import type { Request, Response } from 'express';

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
