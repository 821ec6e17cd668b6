// Transport: POSTs a generateContent request to `:streamGenerateContent?alt=sse` with a streamed
// body and hands back the raw response bytes. It does not parse SSE (parseSseStream does).
//
// Uses the global fetch (undici): a streamed request body needs `duplex: 'half'`, and the signal
// aborts both the body upload and the response. Note undici's defaults of 300 s for headers and
// between body chunks; callers bound the whole call with their own signal.
//
// This is the transport boundary: network faults of the request and of reading the body are
// classified here, once (errors.ts), and a non-2xx answer becomes a GeminiHttpError that
// carries its retry facts (status, RetryInfo / Retry-After).

import { classifiedBody } from '../model/http-response.js';
import type { GeminiApiAdapter } from './adapter.js';
import { classifyNetworkFault, GeminiAuthError, GeminiHttpError, geminiHttpError } from './errors.js';
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
    if (!response.ok) throw await geminiHttpError(response);
    if (!response.body) throw new GeminiHttpError({ status: 502, message: 'empty response body' });
    return {
      body: classifiedBody(response.body, (error) => classifyNetworkFault(error, signal)),
      status: response.status,
      headers: response.headers,
    };
  }
}
