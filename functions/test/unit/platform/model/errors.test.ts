// The one mapping from upstream failures to what a caller is told, and the one content-stop list.
import { describe, expect, it } from 'vitest';
import {
  GeminiApiError,
  GeminiBlockedError,
  type GeminiError,
  GeminiHttpError,
  GeminiNetworkError,
  GeminiProtocolError,
  GeminiTimeoutError,
} from '../../../../src/lib/platform/gemini/errors.js';
import {
  CONTENT_BLOCKING_FINISH_REASONS,
  finishReasonBlock,
} from '../../../../src/lib/platform/gemini/finish-reasons.js';
import {
  toUpstreamHttpError,
  UpstreamHttpError,
  type UpstreamErrorPresentation,
} from '../../../../src/lib/platform/model/errors.js';
import { HttpError } from '../../../../src/lib/platform/http/errors.js';

const presentation: UpstreamErrorPresentation = {
  messages: { blocked: 'm-blocked', unavailable: 'm-unavailable', timeout: 'm-timeout', upstream: 'm-upstream' },
  blockReasonInDetails: true,
};

describe('toUpstreamHttpError', () => {
  it('maps each kind of upstream failure to its status, code and the feature sentence', () => {
    const cases: Array<[unknown, number, string, string]> = [
      [new GeminiBlockedError('PROHIBITED_CONTENT'), 422, 'blocked', 'm-blocked'],
      [GeminiBlockedError.forFinishReason('IMAGE_SAFETY'), 422, 'blocked', 'm-blocked'],
      [
        new GeminiHttpError({ status: 429, googleStatus: 'RESOURCE_EXHAUSTED' }),
        503,
        'upstream_unavailable',
        'm-unavailable',
      ],
      [new GeminiApiError({ status: 503 }), 503, 'upstream_unavailable', 'm-unavailable'], // an error event mid-stream
      [new GeminiHttpError({ status: 408 }), 504, 'upstream_timeout', 'm-timeout'],
      [new GeminiHttpError({ status: 504 }), 504, 'upstream_timeout', 'm-timeout'],
      [new GeminiTimeoutError('first-chunk', 20_000), 504, 'upstream_timeout', 'm-timeout'],
      [new GeminiTimeoutError('total', 120_000), 504, 'upstream_timeout', 'm-timeout'],
      [new GeminiHttpError({ status: 500 }), 502, 'upstream_error', 'm-upstream'],
      [new GeminiHttpError({ status: 400, message: 'API key not valid' }), 502, 'upstream_error', 'm-upstream'],
      [new GeminiProtocolError('PROTOCOL_TRUNCATED_EVENT', 'cut'), 502, 'upstream_error', 'm-upstream'],
      [
        new GeminiNetworkError('ECONNRESET', { cause: new TypeError('terminated') }),
        502,
        'upstream_error',
        'm-upstream',
      ],
      [new TypeError('fetch failed'), 502, 'upstream_error', 'm-upstream'],
      ['a string', 502, 'upstream_error', 'm-upstream'],
    ];
    for (const [error, status, code, message] of cases) {
      const mapped = toUpstreamHttpError(error, presentation);
      expect(mapped).toBeInstanceOf(UpstreamHttpError);
      expect(mapped).toBeInstanceOf(HttpError);
      expect({ status: mapped.status, code: mapped.code, message: mapped.message }, String(error)).toEqual({
        status,
        code,
        message,
      });
      expect(mapped.cause).toBe(error); // logged server-side, never sent
    }
  });

  it('is idempotent: an error it made comes back as is', () => {
    const once = toUpstreamHttpError(new GeminiBlockedError('SAFETY'), presentation);
    expect(toUpstreamHttpError(once, presentation)).toBe(once);
    const busy = toUpstreamHttpError(new GeminiHttpError({ status: 503, retryAfterMs: 2_000 }), presentation);
    expect(
      toUpstreamHttpError(busy, { ...presentation, messages: { ...presentation.messages, unavailable: 'other' } }),
    ).toBe(busy);
  });

  it('says why a request was blocked only when the feature asks for it', () => {
    expect(toUpstreamHttpError(new GeminiBlockedError('SAFETY'), presentation).details).toEqual({ reason: 'SAFETY' });
    expect(toUpstreamHttpError(GeminiBlockedError.forFinishReason('RECITATION'), presentation).details).toEqual({
      reason: 'RECITATION',
    });
    const quiet = toUpstreamHttpError(new GeminiBlockedError('SAFETY'), {
      ...presentation,
      blockReasonInDetails: false,
    });
    expect(quiet.details).toBeUndefined();
  });

  it('turns the retry delay an error carries into Retry-After in whole seconds, at least 1', () => {
    const header = (error: GeminiError) => toUpstreamHttpError(error, presentation).headers['Retry-After'];
    expect(header(new GeminiHttpError({ status: 429, retryAfterMs: 21_500 }))).toBe('22');
    expect(header(new GeminiHttpError({ status: 503, retryAfterMs: 200 }))).toBe('1');
    expect(header(new GeminiHttpError({ status: 503 }))).toBeUndefined();
    expect(header(new GeminiHttpError({ status: 503, retryAfterMs: 0 }))).toBeUndefined();
    // The hint is read from the base class: an error event can carry one too.
    expect(header(new GeminiApiError({ status: 429, retryAfterMs: 3_000 }))).toBe('3');
    // Only "come back later" answers get the header.
    expect(header(new GeminiHttpError({ status: 500, retryAfterMs: 3_000 }))).toBeUndefined();
  });
});

describe('content-blocking finish reasons (one list for chat and images)', () => {
  it('covers the text and the image content stops, and nothing that is not one', () => {
    for (const reason of [
      'SAFETY',
      'PROHIBITED_CONTENT',
      'BLOCKLIST',
      'SPII',
      'RECITATION',
      'IMAGE_SAFETY',
      'IMAGE_PROHIBITED_CONTENT',
      'IMAGE_RECITATION',
    ]) {
      const blocked = finishReasonBlock(reason);
      expect(blocked, reason).toBeInstanceOf(GeminiBlockedError);
      expect(blocked).toMatchObject({ blockReason: reason, code: 'REPLY_BLOCKED', isRetryable: false });
    }
    for (const reason of ['STOP', 'MAX_TOKENS', 'NO_IMAGE', 'IMAGE_OTHER', 'OTHER', undefined]) {
      expect(finishReasonBlock(reason), String(reason)).toBeUndefined();
    }
    expect(CONTENT_BLOCKING_FINISH_REASONS.size).toBe(8);
  });
});

describe('retry facts live on the base error', () => {
  it('sets isRetryable where the error is made', () => {
    expect(new GeminiHttpError({ status: 429 }).isRetryable).toBe(true);
    expect(new GeminiHttpError({ status: 400 }).isRetryable).toBe(false);
    expect(new GeminiNetworkError('ECONNREFUSED', { cause: undefined }).isRetryable).toBe(true);
    expect(new GeminiTimeoutError('first-chunk', 1).isRetryable).toBe(true);
    expect(new GeminiTimeoutError('idle', 1).isRetryable).toBe(true);
    expect(new GeminiTimeoutError('total', 1)).toMatchObject({
      isRetryable: false,
      phase: 'total',
      timeoutMs: 1,
      code: 'TIMEOUT',
    });
    expect(new GeminiProtocolError('PROTOCOL_MISSING_DONE', 'cut').isRetryable).toBe(true);
    expect(new GeminiBlockedError('SAFETY').isRetryable).toBe(false);
    // The old field name still reads the same fact (public contract).
    expect(new GeminiHttpError({ status: 503 }).retryable).toBe(true);
  });
});
