// Transport for small whole answers: POSTs a generateContent request to `:generateContent` and parses
// the one JSON response, for structured answers that are useless until complete (match explanations),
// where streaming buys nothing and a whole-body parse of a few KB is cheap; and GETs a model's metadata
// (models.get, for health checks). Network faults and non-2xx answers become the same errors as on the
// streaming client.
import type { GeminiApiAdapter } from './adapter.js';
import { classifyNetworkFault, GeminiAuthError, geminiHttpError } from './errors.js';
import type { GenerateContentRequestBody } from './request-body.js';

export interface GeminiGenerateRequest {
  model: string;
  request: GenerateContentRequestBody;
  signal?: AbortSignal;
}

/** The parts of a generateContent response this code reads (REST field names). */
export interface GenerateContentResponse {
  candidates?: Array<{
    content?: { parts?: Array<{ text?: unknown; thought?: unknown }> };
    finishReason?: string;
  }>;
  promptFeedback?: { blockReason?: string };
  usageMetadata?: {
    promptTokenCount?: number;
    candidatesTokenCount?: number;
    totalTokenCount?: number;
    thoughtsTokenCount?: number;
    cachedContentTokenCount?: number;
    toolUsePromptTokenCount?: number;
  };
  /** The model that answered. */
  modelVersion?: string;
}

/** The part of a models.get answer this code reads. */
export interface GeminiModelInfo {
  name?: string;
}

export class GeminiUnaryClient {
  constructor(private readonly adapter: GeminiApiAdapter) {}

  generate({ model, request, signal }: GeminiGenerateRequest): Promise<GenerateContentResponse> {
    return this.send(this.adapter.buildRequestUrl(model, 'generateContent'), signal, JSON.stringify(request));
  }

  /** models.get: the model's metadata (no generation, no cost), which proves the access and the name. */
  getModel(model: string, signal?: AbortSignal): Promise<GeminiModelInfo> {
    return this.send(this.adapter.buildRequestUrl(model), signal);
  }

  /** POST `body`, or GET without one, and the JSON answer. */
  private async send<T>(url: URL, signal: AbortSignal | undefined, body?: string): Promise<T> {
    const headers = await this.adapter.getHeaders(url.toString()).catch((error: unknown) => {
      throw new GeminiAuthError({ cause: error });
    });
    signal?.throwIfAborted();
    try {
      const response = await fetch(url, { method: body === undefined ? 'GET' : 'POST', headers, body, signal });
      if (!response.ok) throw await geminiHttpError(response);
      return (await response.json()) as T;
    } catch (error) {
      throw classifyNetworkFault(error, signal);
    }
  }
}

/**
 * The answer's text as the SDK's `response.text` reads it: the first candidate's text parts joined,
 * thoughts left out; undefined when it has no text part at all.
 */
export function responseText(response: GenerateContentResponse): string | undefined {
  const texts = (response.candidates?.[0]?.content?.parts ?? []).flatMap((part) =>
    typeof part.text === 'string' && part.thought !== true ? [part.text] : [],
  );
  return texts.length > 0 ? texts.join('') : undefined;
}
