// Transport for one small answer: POSTs a generateContent request to `:generateContent` and parses the
// one JSON response. For structured answers that are useless until complete (match explanations), where
// streaming buys nothing and a whole-body parse of a few KB is cheap. Network faults and non-2xx answers
// become the same errors as on the streaming client.
import type { GeminiApiAdapter } from './adapter.js';
import { GeminiAuthError } from './errors.js';
import { toHttpError } from './http-error.js';
import { classifyNetworkFault } from './network-fault.js';
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

export class GeminiUnaryClient {
  constructor(private readonly adapter: GeminiApiAdapter) {}

  async generate({ model, request, signal }: GeminiGenerateRequest): Promise<GenerateContentResponse> {
    const url = this.adapter.buildRequestUrl(model, 'generateContent');
    const headers = await this.adapter.getHeaders(url.toString()).catch((error: unknown) => {
      throw new GeminiAuthError({ cause: error });
    });
    signal?.throwIfAborted();
    try {
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(request), signal });
      if (!response.ok) throw await toHttpError(response);
      return (await response.json()) as GenerateContentResponse;
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
