// POST /chatStream — the assistant reply as Server-Sent Events, written straight from the handler
// through the platform's SSE responder (ids on every event, `: ping` after 15 s of silence):
//   start {conversationId, messageId, timeZone, timeZoneSource} · delta {text}… interleaved with tool-call {id, name, args} and
//   tool-result {id, name, result} · done {finishReason, usage, model, cached}
//   or, after the stream started, error {code, message, status, details?, requestId}.
// Anything found before the stream starts (auth, validation, rate limit, 404, 409) is a JSON error.
// By callable (`.stream()`): the same events as chunks {type, ...}, except `done`: the whole reply is
// the result, {conversationId, messageId, text, toolCalls, finishReason, usage, model, cached, timeZone,
// timeZoneSource}.
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
