// The typed Gemini errors (used by parseGeminiEvents and by the HTTP error mapping), and the
// pipeline releasing the body when its consumer stops early.
import { describe, expect, it } from 'vitest';
import {
  GeminiApiError,
  GeminiBlockedError,
  GeminiError,
  GeminiProtocolError,
  RETRYABLE_STATUSES,
} from '../../../../src/lib/platform/gemini/errors.js';
import { parseGeminiEvents } from '../../../../src/lib/platform/gemini/stream-events.js';
import { parseSseStream } from '../../../../src/lib/platform/sse/parse.js';
import { utf8 } from '../sse/support.js';
import { chunkOf, sseText, textPart } from './stream-events-support.js';

describe('GeminiApiError', () => {
  it('takes status, Google status and message; code and retryable follow from them', () => {
    const error = new GeminiApiError({ status: 429, googleStatus: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded' });
    expect(error).toBeInstanceOf(GeminiError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'GeminiApiError', status: 429, code: 'RESOURCE_EXHAUSTED', isRetryable: true });
    expect(error.message).toBe('Gemini API error 429 RESOURCE_EXHAUSTED: Quota exceeded');
    expect(new GeminiApiError({ status: 503 })).toMatchObject({ code: 'HTTP_503', isRetryable: true });
    expect(new GeminiApiError({ status: 404, googleStatus: 'NOT_FOUND' }).isRetryable).toBe(false);
    expect(new GeminiApiError({ status: 400, isRetryable: true }).isRetryable).toBe(true); // explicit wins
  });

  it('retries exactly 408, 429, 500, 502, 503, 504', () => {
    const retryable = [400, 401, 403, 404, 408, 409, 429, 500, 501, 502, 503, 504].filter(
      (status) => new GeminiApiError({ status }).isRetryable,
    );
    expect(retryable).toEqual([408, 429, 500, 502, 503, 504]);
    expect([...RETRYABLE_STATUSES].sort()).toEqual(retryable.sort());
  });

  it('builds from an error object, with fallbacks for missing fields; trims long messages', () => {
    const details = [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' }];
    expect(
      GeminiApiError.fromErrorObject({ code: 503, message: 'overloaded', status: 'UNAVAILABLE', details }),
    ).toMatchObject({
      status: 503,
      googleStatus: 'UNAVAILABLE',
      details,
    });
    expect(GeminiApiError.fromErrorObject({ message: 'no code' }, 502)).toMatchObject({
      status: 502,
      code: 'HTTP_502',
    });
    expect(GeminiApiError.fromErrorObject('garbage')).toMatchObject({ status: 500, code: 'HTTP_500' });
    expect(GeminiApiError.fromErrorObject({ code: 400, message: 'x'.repeat(5000) }).message.length).toBeLessThan(600);
  });
});

describe('GeminiBlockedError and GeminiProtocolError', () => {
  it('carry their reason, a 4xx/5xx-like status and retryability', () => {
    expect(new GeminiBlockedError('SAFETY')).toMatchObject({
      blockReason: 'SAFETY',
      code: 'PROMPT_BLOCKED',
      status: 400,
      isRetryable: false,
    });
    const cause = new Error('inner');
    expect(new GeminiProtocolError('PROTOCOL_TRUNCATED_EVENT', 'cut', { cause })).toMatchObject({
      status: 502,
      isRetryable: true,
      cause,
    });
    expect(new GeminiProtocolError('PROTOCOL_INVALID_JSON', 'bad').isRetryable).toBe(false);
  });
});

it('parseGeminiEvents releases the body when its consumer stops early', async () => {
  let released = false;
  async function* body(): AsyncGenerator<Uint8Array> {
    try {
      yield utf8(sseText([chunkOf([textPart('first')])]));
      yield utf8(sseText([chunkOf([textPart('second')])]));
    } finally {
      released = true;
    }
  }
  for await (const event of parseGeminiEvents(parseSseStream(body()))) {
    expect(event).toEqual({ type: 'text-delta', text: 'first' });
    break;
  }
  expect(released).toBe(true);
});
