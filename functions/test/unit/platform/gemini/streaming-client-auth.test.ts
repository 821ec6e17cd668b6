// A credentials failure (Vertex AI's ADC) before the request: one typed, non-retryable GeminiAuthError,
// mapped like any upstream failure (502 upstream_error), and nothing sent.
import { describe, expect, it } from 'vitest';
import type { GeminiApiAdapter } from '../../../../src/lib/platform/gemini/adapter.js';
import { GeminiAuthError } from '../../../../src/lib/platform/gemini/errors.js';
import { toUpstreamHttpError } from '../../../../src/lib/platform/model/errors.js';
import { GeminiStreamingClient } from '../../../../src/lib/platform/gemini/streaming-client.js';

describe('GeminiStreamingClient without credentials', () => {
  it('throws GeminiAuthError (not retryable, cause kept) and sends nothing', async () => {
    let built = 0;
    const adapter: GeminiApiAdapter = {
      buildRequestUrl: () => {
        built++;
        return new URL('http://127.0.0.1:9/v1beta1/x:streamGenerateContent?alt=sse');
      },
      getHeaders: () => Promise.reject(new Error('Could not load the default credentials')),
      isVertexAI: () => true,
    };
    const error = await new GeminiStreamingClient(adapter)
      .fetch({ model: 'm', request: { contents: [{ role: 'user', parts: [{ text: 'x' }] }] } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GeminiAuthError);
    expect(error).toMatchObject({ code: 'AUTH_FAILED', isRetryable: false });
    expect(String((error as Error).cause)).toMatch(/default credentials/);
    expect(built).toBe(1);
    const presented = toUpstreamHttpError(error, {
      messages: { blocked: 'b', unavailable: 'u', timeout: 't', upstream: 'Try again.' },
      blockReasonInDetails: false,
    });
    expect([presented.status, presented.code, presented.message]).toEqual([502, 'upstream_error', 'Try again.']);
  });
});
