// POST /chatStream — the assistant reply as Server-Sent Events (features/chat/turn-response.ts).
// The events, their fields and the callable chunks are documented once, in docs/api.md (chatStream).
import { onRequest } from 'firebase-functions/v2/https';
import { chatRequestBody, streamChatTurn } from '../lib/features/chat/index.js';
import { productionChatDeps } from '../lib/assistant-tools/index.js';
import { defineEndpoint } from '../lib/platform/http/index.js';
import { CHAT_LIMIT } from '../lib/platform/rate-limit/buckets.js';
import { RUNTIME_OPTIONS } from '../runtime-options.js';
import type { HandlerOptions } from './options.js';

export function chatStreamEndpoint(options: HandlerOptions = {}) {
  return defineEndpoint({
    name: 'chatStream',
    method: 'POST',
    body: chatRequestBody,
    rateLimit: CHAT_LIMIT,
    budget: 'tokens',
    requiresTextModel: true,
    handle: (ctx) => streamChatTurn(productionChatDeps(ctx.text, ctx.scope.config, options), ctx),
  });
}

export const chatStreamHandler = chatStreamEndpoint();

export const chatStream = onRequest(RUNTIME_OPTIONS.chatStream, chatStreamHandler);
