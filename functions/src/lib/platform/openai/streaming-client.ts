// Transport: POSTs a Chat Completions request to `{base}/chat/completions` with `stream: true` and
// hands back the raw response bytes. It does not parse SSE (parseSseStream does). No SDK: the request
// is one JSON body and the stream is read by our own SSE parser, as on the Gemini side.
//
// This is the transport boundary: network faults of the request and of reading the body are
// classified here, once (errors.ts: classifyNetworkFault), and a non-2xx answer becomes an
// OpenAiApiError that carries its retry facts (status, Retry-After).
import { classifiedBody } from '../model/http-response.js';
import { classifyNetworkFault, OpenAiApiError, openAiHttpError } from './errors.js';
import type { ChatCompletionRequest } from './request-body.js';

export interface OpenAiAccessConfig {
  /** e.g. http://127.0.0.1:8000/v1 (no trailing slash) */
  baseUrl: string;
  /** Sent as `Authorization: Bearer` when set. */
  apiKey?: string;
}

export interface OpenAiStreamRequest {
  request: ChatCompletionRequest;
  signal?: AbortSignal;
}

export interface OpenAiStreamResponse {
  /** The SSE body, as it arrives. Read it to the end or abort the signal to release the connection. */
  body: AsyncIterable<Uint8Array>;
  status: number;
  headers: Headers;
}

/** What the features need of a client (tests script it): one streamed request. */
export interface OpenAiTransport {
  fetch(request: OpenAiStreamRequest): Promise<OpenAiStreamResponse>;
}

export class OpenAiStreamingClient implements OpenAiTransport {
  private readonly url: string;
  private readonly headers: Record<string, string>;

  constructor(access: OpenAiAccessConfig) {
    this.url = `${access.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    this.headers = {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...(access.apiKey ? { authorization: `Bearer ${access.apiKey}` } : {}),
    };
  }

  async fetch({ request, signal }: OpenAiStreamRequest): Promise<OpenAiStreamResponse> {
    signal?.throwIfAborted();
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: this.headers,
        body: JSON.stringify(request),
        signal,
      });
    } catch (error) {
      throw classifyNetworkFault(error, signal);
    }
    if (!response.ok) throw await openAiHttpError(response);
    if (!response.body) throw new OpenAiApiError({ status: 502, message: 'empty response body' });
    return {
      body: classifiedBody(response.body, (error) => classifyNetworkFault(error, signal)),
      status: response.status,
      headers: response.headers,
    };
  }
}
