// POST /chatMessage — one assistant reply as JSON:
//   {conversationId, messageId, reply, model, finishReason, usage, cached}
// Errors: 404 conversation_not_found, 409 in_progress, 422 blocked, 502/503/504 upstream_* (docs/chat.md).
import { ClientAbortedError, chatRequestBody, defaultChatDeps, prepareTurn, type ChatMessageResponse } from '../lib/features/chat/index.js';
import { defineEndpoint, HttpError } from '../lib/platform/http/index.js';
import { CHAT_LIMIT } from '../lib/platform/rate-limit/buckets.js';

export const chatMessageHandler = defineEndpoint({
  name: 'chatMessage',
  method: 'POST',
  body: chatRequestBody,
  rateLimit: CHAT_LIMIT,
  requiredSecrets: ['GEMINI_API_KEY'],
  handle: async ({ uid, body, config, log, signal }): Promise<ChatMessageResponse> => {
    const turn = await prepareTurn(defaultChatDeps(config), {
      uid,
      request: body,
      model: config.gemini.textModel,
      settings: config.chat,
      log,
    });
    try {
      const result = await turn.run(signal, () => undefined);
      return { conversationId: turn.conversationId, messageId: turn.messageId, ...result };
    } catch (error) {
      // Nobody is left to answer; the partial reply is already stored as interrupted.
      if (error instanceof ClientAbortedError) throw new HttpError(499, 'client_closed_request', 'Client closed the request');
      throw error;
    }
  },
});
