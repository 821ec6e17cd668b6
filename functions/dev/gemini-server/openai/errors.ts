// Error bodies of OpenAI-compatible servers, per dialect, as HTTP answers before the stream and as
// data events after the 200 (types.ts describes each dialect).
import type { OpenAiDialect } from '../types.js';

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'invalid_request_error',
  403: 'permission_error',
  404: 'invalid_request_error',
  429: 'requests',
  500: 'server_error',
  502: 'server_error',
  503: 'server_error',
  504: 'server_error',
};

const DEFAULT_MESSAGE: Record<number, string> = {
  401: 'Incorrect API key provided. [offline model]',
  429: 'Rate limit reached for requests. [offline model]',
  500: 'The server had an error while processing your request. [offline model]',
  502: 'Provider returned error [offline model]',
  503: 'The engine is currently overloaded, please try again later. [offline model]',
};

export function errorMessage(status: number, message?: string): string {
  return message ?? DEFAULT_MESSAGE[status] ?? `Offline model error ${status}.`;
}

/** An HTTP error body, shaped as the dialect's server shapes it. */
export function httpErrorBody(dialect: OpenAiDialect, status: number, message?: string): Record<string, unknown> {
  const text = errorMessage(status, message);
  const type = TYPE_BY_STATUS[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
  switch (dialect) {
    case 'llama.cpp':
      return { error: { code: status, message: text, type: status >= 500 ? 'server_error' : 'invalid_request_error' } };
    case 'vllm':
    case 'vllm-legacy':
      return {
        object: 'error',
        message: text,
        type: status >= 500 ? 'InternalServerError' : 'BadRequestError',
        param: null,
        code: status,
      };
    case 'openrouter':
      return { error: { code: status, message: text, metadata: { provider_name: 'offline' } } };
    case 'ollama':
      return { error: { message: text, type: 'api_error', param: null, code: null } };
    default:
      return { error: { message: text, type, param: null, code: status === 429 ? 'rate_limit_exceeded' : null } };
  }
}

/**
 * A mid-stream error: the data event(s) after the 200, and whether `[DONE]` follows (vLLM sends it,
 * OpenRouter ends the stream instead).
 */
export function streamErrorEvent(
  dialect: OpenAiDialect,
  status: number,
  message: string | undefined,
  chunkBase: Record<string, unknown>,
): { event: Record<string, unknown>; thenDone: boolean } {
  const text = errorMessage(status, message);
  switch (dialect) {
    case 'vllm':
      return {
        event: {
          error: {
            object: 'error',
            message: text,
            type: status >= 500 ? 'InternalServerError' : 'BadRequestError',
            param: null,
            code: status,
          },
        },
        thenDone: true,
      };
    case 'vllm-legacy':
      return {
        event: { object: 'error', message: text, type: 'InternalServerError', param: null, code: status },
        thenDone: true,
      };
    case 'openrouter':
      return {
        event: {
          ...chunkBase,
          error: { code: status, message: text, metadata: { provider_name: 'offline' } },
          choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }],
        },
        thenDone: false,
      };
    default:
      return { event: { error: { message: text, type: 'server_error', param: null, code: status } }, thenDone: false };
  }
}
