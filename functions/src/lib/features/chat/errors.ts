// What a chat caller is told when something goes wrong. One mapping for both functions:
//   blocked prompt / safety stop           422 blocked
//   429, 503 (after retries)               503 upstream_unavailable  (Retry-After when Gemini gave one)
//   408, 504, our own timeouts             504 upstream_timeout
//   any other Gemini/network/protocol fault 502 upstream_error
// Messages are fixed, presentable sentences; the upstream error rides along as `cause` (logged only).
import { GeminiApiError, GeminiBlockedError } from '../../platform/gemini/errors.js';
import { HttpError } from '../../platform/http/errors.js';
import type { ChatErrorCode } from './wire.js';

export class ChatError extends HttpError {
  declare readonly code: ChatErrorCode;

  constructor(status: number, code: ChatErrorCode, message: string, options: { cause?: unknown; headers?: Record<string, string> } = {}) {
    super(status, code, message, options);
    this.name = 'ChatError';
  }
}

/** Our own deadline (first chunk, silence between chunks, whole call) passed. */
export class UpstreamTimeoutError extends Error {
  constructor(readonly phase: 'first-chunk' | 'idle' | 'total') {
    super(`Gemini did not answer in time (${phase})`);
    this.name = 'UpstreamTimeoutError';
  }
}

/** finishReason values that mean "stopped for content reasons": the reply must not be shown as complete. */
export const SAFETY_FINISH_REASONS: ReadonlySet<string> = new Set([
  'SAFETY',
  'PROHIBITED_CONTENT',
  'BLOCKLIST',
  'SPII',
  'RECITATION',
]);

export const CHAT_MESSAGES = {
  conversationNotFound: 'Conversation not found.',
  inProgress: 'This message is still being answered. Try again in a moment.',
  blocked: 'The assistant cannot answer this message. Please rephrase it.',
  unavailable: 'The assistant is busy right now. Please try again shortly.',
  timeout: 'The assistant took too long to answer. Please try again.',
  upstream: 'The assistant could not answer right now. Please try again.',
} as const;

export function blockedError(cause?: unknown): ChatError {
  return new ChatError(422, 'blocked', CHAT_MESSAGES.blocked, { cause });
}

export function toChatError(error: unknown): ChatError {
  if (error instanceof ChatError) return error;
  if (error instanceof GeminiBlockedError) return blockedError(error);
  if (error instanceof UpstreamTimeoutError) return new ChatError(504, 'upstream_timeout', CHAT_MESSAGES.timeout, { cause: error });
  if (error instanceof GeminiApiError) {
    if (error.status === 429 || error.status === 503) {
      const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs;
      const headers = retryAfterMs ? { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) } : undefined;
      return new ChatError(503, 'upstream_unavailable', CHAT_MESSAGES.unavailable, { cause: error, headers });
    }
    if (error.status === 408 || error.status === 504) {
      return new ChatError(504, 'upstream_timeout', CHAT_MESSAGES.timeout, { cause: error });
    }
  }
  return new ChatError(502, 'upstream_error', CHAT_MESSAGES.upstream, { cause: error });
}
