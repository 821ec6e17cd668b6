// Transport: POSTs a generateContent request to `:streamGenerateContent?alt=sse` with a streamed
// body and hands back the raw response bytes. It does not parse SSE (parseSseStream does).
//
// Uses the global fetch (undici): a streamed request body needs `duplex: 'half'`, and the signal
// aborts both the body upload and the response. Note undici's defaults of 300 s for headers and
// between body chunks; callers bound the whole call with their own signal.
//
// This is the transport boundary: network faults of the request and of reading the body are
// classified here, once (network-fault.ts), and a non-2xx answer becomes a GeminiHttpError that
// carries its retry facts (status, RetryInfo / Retry-After).

import { classifiedBody, readPrefix, retryAfterHeaderMs } from '../model/http-response.js';
import type { GeminiApiAdapter } from './adapter.js';
import { GeminiAuthError, GeminiHttpError } from './errors.js';
import { classifyNetworkFault } from './network-fault.js';
import { type GenerateContentRequestBody, serializeRequestBody } from './request-body.js';

export interface GeminiStreamRequest {
  model: string;
  request: GenerateContentRequestBody;
  signal?: AbortSignal;
}

export interface GeminiStreamResponse {
  /** The SSE body, as it arrives. Read it to the end or abort the signal to release the connection. */
  body: AsyncIterable<Uint8Array>;
  status: number;
  headers: Headers;
}

/** What the features need of a client (tests script it): one streamed request. */
export interface GeminiTransport {
  fetch(request: GeminiStreamRequest): Promise<GeminiStreamResponse>;
}

/** Error bodies are small JSON; never read more than this of one (it could be anything). */
const MAX_ERROR_BODY_BYTES = 8 * 1024;

export class GeminiStreamingClient implements GeminiTransport {
  constructor(private readonly adapter: GeminiApiAdapter) {}

  async fetch({ model, request, signal }: GeminiStreamRequest): Promise<GeminiStreamResponse> {
    const url = this.adapter.buildRequestUrl(model, 'streamGenerateContent');
    const headers = await this.adapter.getHeaders(url.toString()).catch((error: unknown) => {
      throw new GeminiAuthError({ cause: error });
    });
    signal?.throwIfAborted();
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers,
        body: serializeRequestBody(request),
        duplex: 'half',
        signal,
      });
    } catch (error) {
      throw classifyNetworkFault(error, signal);
    }
    if (!response.ok) throw await toHttpError(response);
    if (!response.body) throw new GeminiHttpError({ status: 502, message: 'empty response body' });
    return {
      body: classifiedBody(response.body, (error) => classifyNetworkFault(error, signal)),
      status: response.status,
      headers: response.headers,
    };
  }
}

async function toHttpError(response: Response): Promise<GeminiHttpError> {
  const text = await readPrefix(response, MAX_ERROR_BODY_BYTES);
  const error = parseGoogleError(text);
  return new GeminiHttpError({
    status: response.status,
    googleStatus: typeof error?.status === 'string' && error.status !== '' ? error.status : undefined,
    message: typeof error?.message === 'string' ? error.message : response.statusText || undefined,
    details: error?.details,
    retryAfterMs: retryInfoDelayMs(error?.details) ?? retryAfterHeaderMs(response.headers.get('retry-after')),
  });
}

/** `{"error": {code, message, status, details}}` as Google sends it; undefined for anything else. */
function parseGoogleError(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    // Some proxies wrap it in an array.
    const body = Array.isArray(parsed) ? parsed[0] : parsed;
    const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
    return typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // not JSON, or cut off at MAX_ERROR_BODY_BYTES
  }
}

/** google.rpc.RetryInfo: `{"@type": ".../google.rpc.RetryInfo", "retryDelay": "20s"}` (Duration JSON). */
function retryInfoDelayMs(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    if (typeof detail !== 'object' || detail === null) continue;
    const { '@type': type, retryDelay } = detail as { '@type'?: unknown; retryDelay?: unknown };
    if (typeof type !== 'string' || !type.endsWith('google.rpc.RetryInfo')) continue;
    const match = typeof retryDelay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(retryDelay) : null;
    if (match) return Math.round(Number(match[1]) * 1000);
  }
  return undefined;
}
