// The bounds of the request schemas that the shape check (well-formed.ts) does not cover: ids,
// dates and date windows. Each failure names its field.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { z } from 'zod';
import { matchEventsBody } from '../../../../src/handlers/matchEvents.js';
import { chatRequestBody } from '../../../../src/lib/features/chat/schema.js';
import { isWithinRequestDateRange, requestDateTime } from '../../../../src/lib/platform/http/request-dates.js';

const NOW = new Date('2030-01-01T00:00:00Z');
const DAY = 86_400_000;
const at = (days: number) => new Date(NOW.getTime() + days * DAY).toISOString();

/** The dotted paths of the issues, or [] when the value is valid. */
function failures(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('chat request ids', () => {
  it('refuses conversation ids of the reserved form __x__', () => {
    expect(failures(chatRequestBody, { message: 'hi', conversationId: '__x__' })).toEqual(['conversationId']);
    expect(failures(chatRequestBody, { message: 'hi', conversationId: '____' })).toEqual(['conversationId']);
    expect(failures(chatRequestBody, { message: 'hi', conversationId: '__name__' })).toEqual(['conversationId']);
  });

  it('still takes ids that merely contain or start with underscores', () => {
    for (const id of ['__x', 'x__', '_x_', 'a__b__c', '___', 'c9f_-A']) {
      expect(failures(chatRequestBody, { message: 'hi', conversationId: id }), id).toEqual([]);
    }
  });
});

describe('request dates', () => {
  it('bounds every date to [2000-01-01, now + 5 years]', () => {
    const now = NOW.getTime();
    expect(isWithinRequestDateRange(Date.parse('2000-01-01T00:00:00Z'), now)).toBe(true);
    expect(isWithinRequestDateRange(Date.parse('1999-12-31T23:59:59Z'), now)).toBe(false);
    expect(isWithinRequestDateRange(Date.parse(at(5 * 365)), now)).toBe(true);
    expect(isWithinRequestDateRange(Date.parse(at(6 * 366)), now)).toBe(false);
    expect(isWithinRequestDateRange(Number.NaN, now)).toBe(false);
  });

  it('parses ISO date-times with an offset only, inside the range', () => {
    expect(requestDateTime.safeParse('2030-06-01T12:00:00+02:00').success).toBe(true);
    for (const bad of ['9999-12-31T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59-23:59', '2030-06-01', 'tomorrow']) {
      expect(requestDateTime.safeParse(bad).success, bad).toBe(false);
    }
  });
});

describe('matchEvents window', () => {
  it('refuses far-future and ancient dates in from or until (no Timestamp overflow later)', () => {
    expect(failures(matchEventsBody, { from: '9999-12-31T00:00:00Z' })).toEqual(['from']);
    expect(failures(matchEventsBody, { until: '9999-12-31T00:00:00Z' })).toEqual(['until']);
    expect(failures(matchEventsBody, { from: '0001-01-01T00:00:00Z' })).toEqual(['from']);
  });

  it('checks until alone against its effective from (now): after it, at most 366 days on', () => {
    expect(failures(matchEventsBody, { until: at(30) })).toEqual([]);
    expect(failures(matchEventsBody, { until: at(366) })).toEqual([]);
    expect(failures(matchEventsBody, { until: at(367) })).toEqual(['until']);
    expect(failures(matchEventsBody, { until: at(-1) })).toEqual(['until']);
  });

  it('measures the window from the effective start: a past from counts as now', () => {
    expect(failures(matchEventsBody, { from: at(-400), until: at(300) })).toEqual([]);
    expect(failures(matchEventsBody, { from: at(-400), until: at(-300) })).toEqual(['until']);
    expect(failures(matchEventsBody, { from: at(-10), until: at(367) })).toEqual(['until']);
  });

  it('keeps the documented from/until rules', () => {
    expect(failures(matchEventsBody, { from: at(10), until: at(40) })).toEqual([]);
    expect(failures(matchEventsBody, { from: at(10), until: at(10) })).toEqual(['until']);
    expect(failures(matchEventsBody, { from: at(10), until: at(5) })).toEqual(['until']);
    expect(failures(matchEventsBody, { from: at(10), until: at(377) })).toEqual(['until']);
    expect(failures(matchEventsBody, { from: at(1000) })).toEqual([]); // until = from + MATCH_EVENT_WINDOW_DAYS
  });
});
