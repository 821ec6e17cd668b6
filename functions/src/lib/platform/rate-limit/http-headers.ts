// Applying a limiter decision to the HTTP exchange: RateLimit-* headers on every limited endpoint's
// response, and a 429 `rate_limited` with Retry-After when blocked.
import type { Response } from 'express';
import type { RateLimitDecision } from './types.js';
import { HttpError } from '../http/errors.js';

function secondsUntil(epochMs: number, now: number): number {
  return Math.max(0, Math.ceil((epochMs - now) / 1000));
}

export function setRateLimitHeaders(res: Response, decision: RateLimitDecision, now: number): void {
  // A callable stream may have started (its heartbeat) while the checks ran: its headers are gone.
  if (res.headersSent) return;
  res.setHeader('RateLimit-Limit', String(decision.limit));
  res.setHeader('RateLimit-Remaining', String(decision.remaining));
  res.setHeader('RateLimit-Reset', String(secondsUntil(decision.resetAt, now)));
}

export function rateLimitedError(decision: RateLimitDecision, now: number): HttpError {
  const retryAfter = Math.max(1, secondsUntil(decision.resetAt, now));
  return new HttpError(429, 'rate_limited', `Too many requests; retry in ${retryAfter} s`, {
    details: { limit: decision.limit, retryAfterSeconds: retryAfter },
    headers: { 'Retry-After': String(retryAfter) },
  });
}
