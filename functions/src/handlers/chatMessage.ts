// POST /chatMessage — one assistant reply as JSON. Its request, answer and errors: docs/api.md (chatMessage).
import { onRequest } from 'firebase-functions/v2/https';
import { answerChatMessage, chatRequestBody } from '../lib/features/chat/index.js';
import { productionChatDeps } from '../lib/assistant-tools/index.js';
import { defineEndpoint } from '../lib/platform/http/index.js';
import { CHAT_LIMIT } from '../lib/platform/rate-limit/buckets.js';
import { RUNTIME_OPTIONS } from '../runtime-options.js';
import type { HandlerOptions } from './options.js';

export function chatMessageEndpoint(options: HandlerOptions = {}) {
  return defineEndpoint({
    name: 'chatMessage',
    method: 'POST',
    body: chatRequestBody,
    rateLimit: CHAT_LIMIT,
    budget: 'tokens',
    requiresTextModel: true,
    handle: (ctx) => answerChatMessage(productionChatDeps(ctx.text, ctx.scope.config, options), ctx),
  });
}

export const chatMessageHandler = chatMessageEndpoint();

export const chatMessage = onRequest(RUNTIME_OPTIONS.chatMessage, chatMessageHandler);
