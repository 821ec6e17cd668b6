// What a chat caller is told when something goes wrong. Conversation errors are chat's own
// (404 conversation_not_found, 409 in_progress); every upstream failure goes through the platform's
// one mapping (platform/model/errors.ts) with chat's sentences:
//   blocked prompt / content stop           422 blocked   {category?} (the harm category, when known)
//   429, 503 (after retries)                503 upstream_unavailable  (Retry-After when Gemini gave one)
//   408, 504, our own timeouts              504 upstream_timeout
//   any other Gemini/network/protocol fault 502 upstream_error
//   the database unreachable or silent      503 unavailable (Retry-After; platform/firestore-deadline.ts)
import {
  toUpstreamHttpError,
  type UpstreamErrorPresentation,
  type UpstreamHttpError,
} from '../../platform/model/errors.js';
import { HttpError } from '../../platform/http/errors.js';
import type { ChatErrorCode } from './api-types.js';

export class ChatError extends HttpError {
  declare readonly code: ChatErrorCode;

  constructor(
    status: number,
    code: ChatErrorCode,
    message: string,
    options: { cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(status, code, message, options);
    this.name = 'ChatError';
  }
}

export const CHAT_MESSAGES = {
  conversationNotFound: 'Conversation not found.',
  inProgress: 'This message is still being answered. Try again in a moment.',
  blocked: 'The assistant cannot answer this message. Please rephrase it.',
  unavailable: 'The assistant is busy right now. Please try again shortly.',
  timeout: 'The assistant took too long to answer. Please try again.',
  upstream: 'The assistant could not answer right now. Please try again.',
  notStored: 'The reply could not be saved. Please try again shortly.',
} as const;

/** Chat's 422 does not echo the block reason; it names the harm category only (details.category). */
const CHAT_UPSTREAM: UpstreamErrorPresentation = { messages: CHAT_MESSAGES, blockReasonInDetails: false };

/** chatMessage's answer when the client left mid-turn: nobody reads it, the access log does. */
export function clientClosedRequest(): HttpError {
  return new HttpError(499, 'client_closed_request', 'Client closed the request');
}

/** A chat error as is; anything else through the one upstream mapping. */
export function toChatError(error: unknown): ChatError | UpstreamHttpError {
  if (error instanceof ChatError) return error;
  return toUpstreamHttpError(error, CHAT_UPSTREAM);
}
