// The addressing and auth half of a Gemini client: the URL of a model's action and the headers that
// authenticate it. Production builds it without the SDK (endpoint.ts). GoogleGenAIApiAdapter is the
// same contract over an @google/genai client, for code that already holds one: it reuses only the
// SDK's URL building and auth headers, never its request/response path (which JSON.stringifies whole
// request bodies and JSON-parses every response event whole: what the streaming image path exists to
// avoid). Those live on the SDK's private `apiClient`; GoogleGenAIApiAdapter is the only place that
// reaches into it. Checked against @google/genai 2.32 (dist/node/index.cjs, class ApiClient).
import type { GoogleGenAI } from '@google/genai';

export type GeminiAction = 'streamGenerateContent' | 'generateContent';

export interface GeminiApiAdapter {
  /** The URL of a model's action; with no action, of the model itself (models.get). */
  buildRequestUrl(model: string, action?: GeminiAction): URL;
  /** Auth + SDK headers for `url`, including content-type. Contains secrets: never log it. */
  getHeaders(url: string): Promise<Record<string, string>>;
  isVertexAI(): boolean;
}

/** The slice of the SDK's private ApiClient this adapter relies on. */
interface SdkApiClient {
  clientOptions: { httpOptions?: unknown };
  isVertexAI(): boolean;
  constructUrl(path: string, httpOptions: unknown, prependProjectLocation: boolean): URL;
  shouldPrependVertexProjectPath(request: { path: string; httpMethod: string }, httpOptions: unknown): boolean;
  getHeadersInternal(httpOptions: unknown, url: string): Promise<Headers>;
}

const REQUIRED_METHODS = [
  'isVertexAI',
  'constructUrl',
  'shouldPrependVertexProjectPath',
  'getHeadersInternal',
] as const;

export class GoogleGenAIApiAdapter implements GeminiApiAdapter {
  private readonly apiClient: SdkApiClient;

  constructor(client: GoogleGenAI) {
    this.apiClient = privateApiClient(client);
  }

  buildRequestUrl(model: string, action?: GeminiAction): URL {
    const path = action ? `${this.modelPath(model)}:${action}` : this.modelPath(model);
    const httpOptions = this.apiClient.clientOptions.httpOptions;
    const httpMethod = action ? 'POST' : 'GET';
    const prepend = this.apiClient.shouldPrependVertexProjectPath({ path, httpMethod }, httpOptions);
    const url = this.apiClient.constructUrl(path, httpOptions, prepend);
    if (action === 'streamGenerateContent') url.searchParams.set('alt', 'sse');
    return url;
  }

  async getHeaders(url: string): Promise<Record<string, string>> {
    const headers = await this.apiClient.getHeadersInternal(this.apiClient.clientOptions.httpOptions, url);
    const result: Record<string, string> = {};
    headers.forEach((value, name) => {
      result[name] = value;
    });
    // The SDK's defaults include it, but custom httpOptions.headers could have replaced them.
    result['content-type'] ??= 'application/json';
    return result;
  }

  isVertexAI(): boolean {
    return this.apiClient.isVertexAI();
  }

  private modelPath(model: string): string {
    return geminiModelPath(model, this.isVertexAI());
  }
}

/** Same resource naming as the SDK: `models/x` (Gemini API), `publishers/google/models/x` (Vertex). */
export function geminiModelPath(model: string, vertex: boolean): string {
  if (!model || /\.\.|[?&#]/.test(model)) throw new Error('invalid model name');
  if (!vertex) return model.startsWith('models/') || model.startsWith('tunedModels/') ? model : `models/${model}`;
  if (/^(publishers|projects|models)\//.test(model)) return model;
  const slash = model.indexOf('/');
  if (slash >= 0) return `publishers/${model.slice(0, slash)}/models/${model.slice(slash + 1)}`;
  return `publishers/google/models/${model}`;
}

function privateApiClient(client: GoogleGenAI): SdkApiClient {
  // Quarantined cast: `apiClient` is protected in the SDK's typings.
  const candidate = (client as unknown as { apiClient?: Partial<SdkApiClient> }).apiClient;
  const missing = REQUIRED_METHODS.filter((name) => typeof candidate?.[name] !== 'function');
  if (!candidate || missing.length > 0 || typeof candidate.clientOptions !== 'object') {
    // Fail at construction, not mid-request, if an SDK upgrade moved the internals.
    throw new Error(`@google/genai internals changed; missing apiClient.${missing.join(', ') || 'clientOptions'}`);
  }
  return candidate as SdkApiClient;
}
