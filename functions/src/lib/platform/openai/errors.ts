// An OpenAI-compatible server's errors: the model errors (platform/model/errors.ts) with this
// backend's names and messages. Error objects come in several shapes, all read here:
//   {"error": {"message", "type", "code", "param"}}       OpenAI, Ollama, llama.cpp, vLLM (newer)
//   {"error": {"code": 502, "message", "metadata"}}          OpenRouter (also as a data event after a 200)
//   {"object": "error", "message", "type", "code"}          vLLM (older)
//   {"error": "text"}                                       some proxies
// Every way this backend's failures are read into them lives here: a non-2xx answer (openAiHttpError),
// a network fault (classifyNetworkFault), an error object or a broken stream (openAiStreamError).
// Messages never include request content or keys.
import {
  ModelApiError,
  ModelBlockedError,
  ModelNetworkError,
  ModelProtocolError,
  ModelError,
  type ModelProtocolErrorCode,
  classifyFault,
} from '../model/errors.js';
import { readPrefix, retryAfterHeaderMs } from '../model/http-response.js';
import { SseIncompleteEventError } from '../sse/parse.js';

const PROVIDER = 'OpenAI-compatible server';

export interface OpenAiApiErrorInit {
  /** HTTP status, or the numeric `code` of an error object */
  status: number;
  /** The error object's `type` or string `code`, e.g. "invalid_request_error", "rate_limit_exceeded". */
  type?: string;
  message?: string;
  retryAfterMs?: number;
  /** default: RETRYABLE_STATUSES.has(status) */
  isRetryable?: boolean;
}

/** The server answered with an error: a non-2xx answer, or an error object in the stream. */
export class OpenAiApiError extends ModelApiError {
  readonly type?: string;

  constructor(init: OpenAiApiErrorInit) {
    const upstream = init.message ? `: ${init.message.slice(0, 500)}` : '';
    super(`${PROVIDER} error ${init.status}${init.type ? ` ${init.type}` : ''}${upstream}`, {
      code: init.type ?? `HTTP_${init.status}`,
      status: init.status,
      isRetryable: init.isRetryable,
      retryAfterMs: init.retryAfterMs,
      upstreamMessage: init.message,
    });
    this.name = 'OpenAiApiError';
    if (init.type !== undefined) this.type = init.type;
  }

  /**
   * From a parsed error body or event (any of the shapes above). The status is the HTTP status of an
   * error answer, else the object's numeric code (a mid-stream error), else 500.
   */
  static fromBody(body: unknown, http: { status?: number; retryAfterMs?: number } = {}): OpenAiApiError {
    const record = isRecord(body) ? body : {};
    const error = isRecord(record.error) ? record.error : record.object === 'error' ? record : {};
    const message =
      typeof error.message === 'string' ? error.message : typeof record.error === 'string' ? record.error : undefined;
    const numeric = [error.code, error.status].find(
      (value): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 400 && value < 600,
    );
    const type = [error.type, error.code].find((value): value is string => typeof value === 'string' && value !== '');
    const status = http.status ?? numeric ?? 500;
    return new OpenAiApiError({ status, type, message, retryAfterMs: http.retryAfterMs });
  }
}

/** Whether a parsed stream chunk is an error object rather than a completion chunk. */
export function isErrorChunk(value: Record<string, unknown>): boolean {
  return (value.error !== undefined && value.error !== null) || value.object === 'error';
}

/** The reply stopped for content reasons (`finish_reason: "content_filter"`). */
export class OpenAiBlockedError extends ModelBlockedError {
  constructor(finishReason: string) {
    super(finishReason, {
      code: 'REPLY_BLOCKED',
      message: `${PROVIDER} stopped the reply for content reasons (${finishReason})`,
    });
    this.name = 'OpenAiBlockedError';
  }
}

/** The stream broke the wire format. Status 502 (bad upstream); retryable when cut off. */
export class OpenAiProtocolError extends ModelProtocolError {
  constructor(code: ModelProtocolErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'OpenAiProtocolError';
  }
}

/** The connection failed, was reset or was cut (classifyNetworkFault). Retryable. */
export class OpenAiNetworkError extends ModelNetworkError {
  constructor(code: string, options: { cause: unknown }) {
    super(`${PROVIDER} connection failed (${code})`, code, options);
    this.name = 'OpenAiNetworkError';
  }
}

/** Error bodies are small JSON; never read more than this of one (it could be anything). */
const MAX_ERROR_BODY_BYTES = 8 * 1024;

/** A non-2xx answer, whatever its body's shape (above), with the Retry-After delay if any. */
export async function openAiHttpError(response: Response): Promise<OpenAiApiError> {
  const text = await readPrefix(response, MAX_ERROR_BODY_BYTES);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = { error: { message: response.statusText || undefined } }; // not JSON, or cut off
  }
  return OpenAiApiError.fromBody(body, {
    status: response.status,
    retryAfterMs: retryAfterHeaderMs(response.headers.get('retry-after')),
  });
}

/** A network fault of a call, classified once at the transport boundary (streaming-client.ts). */
export function classifyNetworkFault(error: unknown, signal?: AbortSignal): unknown {
  return classifyFault(error, signal, (code, cause) => new OpenAiNetworkError(code, { cause }));
}

/** A failure while reading the stream: an event cut off is a protocol error; model errors pass as they are. */
export function openAiStreamError(error: unknown): unknown {
  if (error instanceof ModelError) return error;
  if (error instanceof SseIncompleteEventError) {
    return new OpenAiProtocolError('PROTOCOL_TRUNCATED_EVENT', 'stream ended inside an event', { cause: error });
  }
  return error;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
