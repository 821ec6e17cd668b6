// Which Gemini operation a request path names, for both the Developer API and the Vertex path shape.
import type { GeminiAction } from './types.js';

export interface GeminiRoute {
  api: 'gemini' | 'vertex';
  model: string;
  action: GeminiAction;
  /** `alt=sse` on streamGenerateContent; without it the API streams a JSON array. */
  sse: boolean;
}

const ACTIONS = '(generateContent|streamGenerateContent|countTokens)';
const GEMINI_PATH = new RegExp(`^/(?:v1|v1beta|v1alpha)/models/([^/:]+):${ACTIONS}$`);
const VERTEX_PATH = new RegExp(
  `^/(?:v1|v1beta1)/projects/[^/]+/locations/[^/]+/publishers/google/models/([^/:]+):${ACTIONS}$`,
);

export function parseGeminiRoute(method: string, url: URL): GeminiRoute | undefined {
  if (method !== 'POST') return undefined;
  const gemini = GEMINI_PATH.exec(url.pathname);
  const vertex = gemini ? undefined : VERTEX_PATH.exec(url.pathname);
  const match = gemini ?? vertex;
  if (!match) return undefined;
  let model: string;
  try {
    model = decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
  return {
    api: gemini ? 'gemini' : 'vertex',
    model,
    action: match[2] as GeminiAction,
    sse: url.searchParams.get('alt') === 'sse',
  };
}

/** Query parameters safe to record: everything except the API key. */
export function loggableQuery(url: URL): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (name !== 'key') query[name] = value;
  }
  return query;
}
