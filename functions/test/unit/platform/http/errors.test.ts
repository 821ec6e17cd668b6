import { describe, expect, it } from 'vitest';
import { errorBody, HttpError, INTERNAL_ERROR_MESSAGE, toHttpError } from '../../../../src/lib/platform/http/errors.js';
import { isEndpointResponse } from '../../../../src/lib/platform/http/responses.js';

describe('error shaping', () => {
  it('builds the one error body, omitting absent details', () => {
    expect(errorBody('x', 'y', 'r1')).toEqual({ error: { code: 'x', message: 'y', requestId: 'r1' } });
    expect(errorBody('x', 'y', 'r1', { a: 1 })).toEqual({
      error: { code: 'x', message: 'y', details: { a: 1 }, requestId: 'r1' },
    });
  });

  it('keeps HttpErrors and masks anything else as 500 internal, keeping the cause', () => {
    const known = new HttpError(409, 'conflict', 'busy', { headers: { 'Retry-After': '3' } });
    expect(toHttpError(known)).toBe(known);
    const unknown = new TypeError('secret internals');
    const masked = toHttpError(unknown);
    expect(masked).toMatchObject({ status: 500, code: 'internal', message: INTERNAL_ERROR_MESSAGE });
    expect(masked.cause).toBe(unknown);
    expect(toHttpError('a string').status).toBe(500);
  });
});

describe('isEndpointResponse', () => {
  it('recognises {status, body, headers?} envelopes only', () => {
    expect(isEndpointResponse({ status: 201, body: { id: 1 } })).toBe(true);
    expect(isEndpointResponse({ status: 204 })).toBe(true);
    expect(isEndpointResponse({ status: 'ok', body: 1 })).toBe(false);
    expect(isEndpointResponse({ status: 200, body: 1, extra: true })).toBe(false);
    expect(isEndpointResponse({ status: 99, body: 1 })).toBe(false);
    expect(isEndpointResponse([200])).toBe(false);
  });
});
