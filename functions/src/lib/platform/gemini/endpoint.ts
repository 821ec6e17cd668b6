// Where a Gemini request goes and how it is authenticated, for either backend, without @google/genai.
// The SDK is 1.2 MB of JavaScript (and `ws`) that every text and image function would load at each
// cold start for the two things this file does; bench/cold-start.ts measures it. The URLs and auth
// headers are the SDK's for the same access (test/unit/platform/gemini/endpoint.test.ts compares them):
//   developer-api  {baseUrl}/v1beta/models/{model}:{action}                        x-goog-api-key
//   vertex-ai      {base}/v1beta1/projects/{p}/locations/{l}/publishers/google/models/{model}:{action}
//                  (no :{action}: the model itself, what models.get reads; a Google base model is read
//                  at {base}/v1beta1/publishers/google/models/{model}, without project and location)
//                  base: the configured base URL, else https://aiplatform.googleapis.com (global),
//                  https://aiplatform.{us|eu}.rep.googleapis.com, https://{location}-aiplatform.googleapis.com
//                  Authorization: Bearer <token> from Application Default Credentials: google-auth-library
//                  (the metadata server on Cloud Functions, or GOOGLE_APPLICATION_CREDENTIALS), scope
//                  cloud-platform, the library firebase-admin has loaded already.
import { GoogleAuth } from 'google-auth-library';
import type { GeminiAccess } from '../config/gemini-access.js';
import { geminiModelPath, type GeminiAction, type GeminiApiAdapter } from './adapter.js';

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const DEVELOPER_API_VERSION = 'v1beta';
const VERTEX_API_VERSION = 'v1beta1';
/** Vertex AI's multi-region locations, served from regional endpoints of their own. */
const MULTI_REGIONS = new Set(['us', 'eu']);
const API_CLIENT = `gl-node/${process.versions.node}`;

/** What Vertex AI needs of google-auth-library (tests pass a client of their own). */
export interface VertexAuth {
  getRequestHeaders(url?: string): Promise<Headers>;
}

type VertexAccess = Extract<GeminiAccess, { backend: 'vertex-ai' }>;

function vertexBaseUrl({ location, baseUrl }: VertexAccess): string {
  if (baseUrl) return baseUrl;
  if (location === 'global') return 'https://aiplatform.googleapis.com';
  if (MULTI_REGIONS.has(location)) return `https://aiplatform.${location}.rep.googleapis.com`;
  return `https://${location}-aiplatform.googleapis.com`;
}

export class GeminiEndpoint implements GeminiApiAdapter {
  private readonly vertexAuth: VertexAuth | undefined;

  /** `vertexAuth`: defaults to Application Default Credentials with the cloud-platform scope. */
  constructor(
    private readonly access: GeminiAccess,
    vertexAuth?: VertexAuth,
  ) {
    this.vertexAuth =
      access.backend === 'vertex-ai' ? (vertexAuth ?? new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] })) : undefined;
  }

  isVertexAI(): boolean {
    return this.access.backend === 'vertex-ai';
  }

  buildRequestUrl(model: string, action?: GeminiAction): URL {
    const { access } = this;
    const path = geminiModelPath(model, access.backend === 'vertex-ai');
    const base =
      access.backend === 'developer-api'
        ? `${withoutTrailingSlash(access.baseUrl)}/${DEVELOPER_API_VERSION}`
        : `${withoutTrailingSlash(vertexBaseUrl(access))}/${VERTEX_API_VERSION}` +
          (inProjectScope(path, action) ? `/projects/${access.project}/locations/${access.location}` : '');
    const url = new URL(action ? `${base}/${path}:${action}` : `${base}/${path}`);
    if (action === 'streamGenerateContent') url.searchParams.set('alt', 'sse');
    return url;
  }

  async getHeaders(url: string): Promise<Record<string, string>> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-goog-api-client': API_CLIENT };
    if (this.access.backend === 'developer-api') {
      headers['x-goog-api-key'] = this.access.apiKey;
      return headers;
    }
    const auth = await (this.vertexAuth as VertexAuth).getRequestHeaders(url);
    auth.forEach((value, name) => {
      headers[name] ??= value;
    });
    return headers;
  }
}

/**
 * Whether a Vertex AI path goes under the project and location, as the SDK decides: not a model named by
 * its full resource path (it carries its own), and not a Google base model read by models.get (Vertex
 * serves those from the publisher's global path only and refuses the prefix; tuned models need it).
 */
function inProjectScope(path: string, action: GeminiAction | undefined): boolean {
  if (path.startsWith('projects/')) return false;
  return action !== undefined || !path.startsWith('publishers/google/models');
}

function withoutTrailingSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
