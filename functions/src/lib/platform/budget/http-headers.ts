// A budget on the HTTP exchange: AI-Budget-* headers on every response of an endpoint that declares a
// budget, and 429 `quota_exceeded` with Retry-After (seconds to midnight UTC) when it is used up.
// Distinct from the per-minute `rate_limited` 429 (RateLimit-* headers): retrying sooner cannot help.
import type { Response } from 'express';
import { HttpError } from '../http/errors.js';
import { secondsUntil } from './day.js';
import { MICRO_USD_PER_USD, type BudgetStatus } from './types.js';

export const BUDGET_HEADERS = ['AI-Budget-Unit', 'AI-Budget-Limit', 'AI-Budget-Remaining', 'AI-Budget-Reset'] as const;

export function setBudgetHeaders(res: Response, status: BudgetStatus, now: number): void {
  if (res.headersSent) return;
  res.setHeader('AI-Budget-Unit', status.kind);
  res.setHeader('AI-Budget-Limit', String(shown(status, status.limit)));
  res.setHeader('AI-Budget-Remaining', String(shown(status, status.remaining)));
  res.setHeader('AI-Budget-Reset', String(secondsUntil(status.resetAt, now)));
}

const NAMES = { tokens: 'token', images: 'image', cost: 'cost' } as const;

/** What a client reads: counts as counted, cost in dollars (it is counted in millionths). */
function shown(status: BudgetStatus, units: number): number {
  return status.kind === 'cost' ? units / MICRO_USD_PER_USD : units;
}

export function quotaExceededError(status: BudgetStatus, now: number): HttpError {
  const retryAfter = Math.max(1, secondsUntil(status.resetAt, now));
  return new HttpError(
    429,
    'quota_exceeded',
    `Daily ${NAMES[status.kind]} budget used up; it resets at midnight UTC (in ${retryAfter} s)`,
    {
      details: {
        budget: status.kind,
        limit: shown(status, status.limit),
        used: shown(status, status.used),
        resetAt: new Date(status.resetAt).toISOString(),
        retryAfterSeconds: retryAfter,
      },
      headers: { 'Retry-After': String(retryAfter) },
    },
  );
}
