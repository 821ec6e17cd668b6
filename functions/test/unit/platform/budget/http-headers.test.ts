import type { Response } from 'express';
import { describe, expect, it } from 'vitest';
import { quotaExceededError, setBudgetHeaders } from '../../../../src/lib/platform/budget/http-headers.js';
import type { BudgetStatus } from '../../../../src/lib/platform/budget/types.js';

const NOW = Date.parse('2026-12-02T22:00:00Z');
const STATUS: BudgetStatus = {
  kind: 'images',
  limit: 20,
  used: 20,
  remaining: 0,
  resetAt: Date.parse('2026-12-03T00:00:00Z'),
  source: 'redis',
};

describe('budget on the HTTP exchange', () => {
  it('answers 429 quota_exceeded with Retry-After = seconds to midnight UTC', () => {
    const error = quotaExceededError(STATUS, NOW);
    expect(error.status).toBe(429);
    expect(error.code).toBe('quota_exceeded');
    expect(error.headers['Retry-After']).toBe('7200');
    expect(error.details).toEqual({
      budget: 'images',
      limit: 20,
      used: 20,
      resetAt: '2026-12-03T00:00:00.000Z',
      retryAfterSeconds: 7200,
    });
    expect(error.message).toMatch(/image budget used up.*midnight UTC/);
  });

  it('sets the AI-Budget-* headers, and leaves a response whose headers are gone alone', () => {
    const headers: Record<string, string> = {};
    const res = { headersSent: false, setHeader: (name: string, value: string) => (headers[name] = value) };
    setBudgetHeaders(res as unknown as Response, { ...STATUS, used: 3, remaining: 17 }, NOW);
    expect(headers).toEqual({
      'AI-Budget-Unit': 'images',
      'AI-Budget-Limit': '20',
      'AI-Budget-Remaining': '17',
      'AI-Budget-Reset': '7200',
    });
    const sent = { headersSent: true, setHeader: () => expect.fail('headers already sent') };
    setBudgetHeaders(sent as unknown as Response, STATUS, NOW);
  });
});
