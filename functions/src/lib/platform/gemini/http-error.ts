// A non-2xx answer from Gemini as a GeminiHttpError with its retry facts: Google's status string and
// message from the `{"error": {...}}` body, and the delay from a google.rpc.RetryInfo detail or a
// Retry-After header. Shared by the streaming and the unary client.
import { readPrefix, retryAfterHeaderMs } from '../model/http-response.js';
import { GeminiHttpError } from './errors.js';

/** Error bodies are small JSON; never read more than this of one (it could be anything). */
const MAX_ERROR_BODY_BYTES = 8 * 1024;

export async function toHttpError(response: Response): Promise<GeminiHttpError> {
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
