// Errors the chat client throws. Codes are the functions' error codes (see docs/api.md), plus
// `stream_interrupted` (the stream ended without done/error) and `http_error` (a non-JSON error).

export class ChatApiError extends Error {
  constructor(
    /** HTTP status; 0 when the failure happened after a 200 (mid-stream). */
    readonly status: number,
    /** e.g. rate_limited, conversation_not_found, in_progress, blocked, upstream_unavailable */
    readonly code: string,
    message: string,
    readonly requestId?: string,
    readonly details?: unknown,
    /** From Retry-After, when the server sent one (429, 409, 503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ChatApiError';
  }
}

interface ResponseLike {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** Reads a non-2xx response as the standard `{"error": {...}}` body (or whatever it is). */
export async function errorFromResponse(response: ResponseLike): Promise<ChatApiError> {
  const retryAfter = Number(response.headers.get('retry-after'));
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
  const requestIdHeader = response.headers.get('x-request-id') ?? undefined;
  let text = '';
  try {
    text = await response.text();
  } catch {
    // the status is still worth reporting
  }
  try {
    const { error } = JSON.parse(text) as {
      error?: { code?: unknown; message?: unknown; requestId?: unknown; details?: unknown };
    };
    if (error && typeof error.code === 'string' && typeof error.message === 'string') {
      const requestId = typeof error.requestId === 'string' ? error.requestId : requestIdHeader;
      return new ChatApiError(response.status, error.code, error.message, requestId, error.details, retryAfterSeconds);
    }
  } catch {
    // not JSON: fall through
  }
  return new ChatApiError(
    response.status,
    'http_error',
    `HTTP ${response.status}`,
    requestIdHeader,
    undefined,
    retryAfterSeconds,
  );
}
