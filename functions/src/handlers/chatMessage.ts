// POST /chatMessage — one assistant reply as JSON:
//   {conversationId, messageId, reply, model, finishReason, usage, cached}
// Errors: 404 conversation_not_found, 409 in_progress, 422 blocked, 502/503/504 upstream_* (docs/chat.md).
import { answerChatMessage, chatDeps, chatRequestBody } from '../lib/features/chat/index.js';
import { productionAssistantTools } from '../lib/assistant-tools/index.js';
import { defineEndpoint } from '../lib/platform/http/index.js';
import { CHAT_LIMIT } from '../lib/platform/rate-limit/buckets.js';

export const chatMessageHandler = defineEndpoint({
  name: 'chatMessage',
  method: 'POST',
  body: chatRequestBody,
  rateLimit: CHAT_LIMIT,
  budget: 'tokens',
  requiresTextModel: true,
  handle: (ctx) => answerChatMessage(chatDeps(ctx.text, productionAssistantTools(ctx.config)), ctx),
});
