// The bounds of the request schemas that the shape check (request-checks.ts) does not cover: ids and
// dates (matchEvents' date window: features/matching/schemas.test.ts). Each failure names its field.
import { describe, expect, it } from 'vitest';
import { chatRequestBody } from '../../../../src/lib/features/chat/schema.js';
import { isWithinRequestDateRange, requestDateTime } from '../../../../src/lib/platform/http/request-fields.js';
import { at, failures, fixNowForEachTest, NOW } from '../../../support/schema-failures.js';

fixNowForEachTest();

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
    for (const bad of [
      '9999-12-31T00:00:00Z',
      '0000-01-01T00:00:00Z',
      '9999-12-31T23:59:59-23:59',
      '2030-06-01',
      'tomorrow',
    ]) {
      expect(requestDateTime.safeParse(bad).success, bad).toBe(false);
    }
  });
});
