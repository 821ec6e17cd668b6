// Which Gemini operation a request path names, for both the Developer API and the Vertex path shape.
import type { GeminiAction } from './types.js';

export interface GeminiRoute {
  api: 'gemini' | 'vertex';
  model: string;
  action: GeminiAction;
  /** `alt=sse` on streamGenerateContent; without it the API streams a JSON array. */
  sse: boolean;
  /** The Vertex path's project and location. */
  vertex?: { project: string; location: string };
}

const ACTIONS = '(generateContent|streamGenerateContent|countTokens)';
const GEMINI_PATH = new RegExp(`^/(?:v1|v1beta|v1alpha)/models/([^/:]+):${ACTIONS}$`);
const VERTEX_PATH = new RegExp(
  `^/(?:v1|v1beta1)/projects/([^/]+)/locations/([^/]+)/publishers/google/models/([^/:]+):${ACTIONS}$`,
);

export function parseGeminiRoute(method: string, url: URL): GeminiRoute | undefined {
  if (method !== 'POST') return undefined;
  const gemini = GEMINI_PATH.exec(url.pathname);
  const vertex = gemini ? undefined : VERTEX_PATH.exec(url.pathname);
  if (!gemini && !vertex) return undefined;
  const [modelText, action] = gemini ? [gemini[1], gemini[2]] : [vertex![3], vertex![4]];
  let model: string;
  try {
    model = decodeURIComponent(modelText);
  } catch {
    return undefined;
  }
  const route: GeminiRoute = {
    api: gemini ? 'gemini' : 'vertex',
    model,
    action: action as GeminiAction,
    sse: url.searchParams.get('alt') === 'sse',
  };
  if (vertex) route.vertex = { project: vertex[1], location: vertex[2] };
  return route;
}

const GEMINI_MODEL_PATH = /^\/(?:v1|v1beta|v1alpha)\/models\/([^/:]+)$/;
const VERTEX_MODEL_PATH =
  /^\/(?:v1|v1beta1)\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/google\/models\/([^/:]+)$/;

/** GET models/{model}: the model's metadata (no generation), on either path shape. */
export function parseGeminiModelRoute(method: string, url: URL): Omit<GeminiRoute, 'action' | 'sse'> | undefined {
  if (method !== 'GET') return undefined;
  const gemini = GEMINI_MODEL_PATH.exec(url.pathname);
  const vertex = gemini ? undefined : VERTEX_MODEL_PATH.exec(url.pathname);
  if (!gemini && !vertex) return undefined;
  let model: string;
  try {
    model = decodeURIComponent(gemini ? gemini[1] : vertex![3]);
  } catch {
    return undefined;
  }
  return gemini
    ? { api: 'gemini', model }
    : { api: 'vertex', model, vertex: { project: vertex![1], location: vertex![2] } };
}

/** Query parameters safe to record: everything except the API key. */
export function loggableQuery(url: URL): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (name !== 'key') query[name] = value;
  }
  return query;
}
