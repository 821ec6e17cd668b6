// POST /chatStream — the assistant reply as Server-Sent Events through the platform's SSE responder.
// The events, their fields and the callable chunks are documented once, in docs/api.md (chatStream).
import { onRequest } from 'firebase-functions/v2/https';
import {
  chatRequestBody,
  chatDeps,
  prepareTurn,
  toChatError,
  type ChatStreamEvent,
} from '../lib/features/chat/index.js';
import { productionAssistantTools } from '../lib/assistant-tools/index.js';
import { defineEndpoint } from '../lib/platform/http/index.js';
import { respondWithSse, type SseStream } from '../lib/platform/http/sse-responder.js';
import { CHAT_LIMIT } from '../lib/platform/rate-limit/buckets.js';
import { callPricer } from '../lib/platform/pricing/pricer.js';
import { RUNTIME_OPTIONS } from '../runtime-options.js';

/** Sends a typed chat event: `event:` is its type, `data:` the other fields. */
function sendChatEvent(stream: SseStream, { type, ...fields }: ChatStreamEvent): Promise<void> {
  return stream.send(type, fields);
}

export const chatStreamHandler = defineEndpoint({
  name: 'chatStream',
  method: 'POST',
  body: chatRequestBody,
  rateLimit: CHAT_LIMIT,
  budget: 'tokens',
  requiresTextModel: true,
  handle: async (ctx): Promise<unknown> => {
    const { uid, body, config, text, log, budget } = ctx;
    const turn = await prepareTurn(chatDeps(text, productionAssistantTools(config)), {
      uid,
      request: body,
      model: text.model,
      settings: config.chat,
      log,
      budget,
      pricer: callPricer(config.pricing.table),
    });
    return respondWithSse(ctx, async (stream) => {
      await sendChatEvent(stream, {
        type: 'start',
        conversationId: turn.conversationId,
        messageId: turn.messageId,
        timeZone: turn.timeZone,
        timeZoneSource: turn.timeZoneSource,
      });
      try {
        const result = await turn.run(stream.signal, {
          onText: (text) => sendChatEvent(stream, { type: 'delta', text }),
          onToolCall: (call) => sendChatEvent(stream, { type: 'tool-call', ...call }),
          onToolResult: ({ id, name, result }) => sendChatEvent(stream, { type: 'tool-result', id, name, result }),
        });
        const done = {
          finishReason: result.finishReason,
          usage: result.usage,
          model: result.model,
          cached: result.cached,
        };
        await stream.finish('done', done, {
          conversationId: turn.conversationId,
          messageId: turn.messageId,
          text: result.reply,
          toolCalls: result.toolCalls,
          ...done,
          timeZone: turn.timeZone,
          timeZoneSource: turn.timeZoneSource,
        });
      } catch (error) {
        throw toChatError(error);
      }
    });
  },
});

export const chatStream = onRequest(RUNTIME_OPTIONS.chatStream, chatStreamHandler);
