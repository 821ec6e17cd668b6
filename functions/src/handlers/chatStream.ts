// POST /chatStream — the assistant reply as Server-Sent Events, written straight from the handler:
//   start {conversationId, messageId} · delta {text}… · done {finishReason, usage, model, cached}
//   or, after the stream started, error {code, message}; every event has an id; `: ping` every 15 s.
// Anything found before the stream starts (auth, validation, rate limit, 404, 409) is a JSON error.
import {
  ClientAbortedError,
  chatRequestBody,
  chatDeps,
  prepareTurn,
  toChatError,
  type ChatStreamEvent,
} from '../lib/features/chat/index.js';
import { describeError } from '../lib/platform/logging.js';
import { defineEndpoint } from '../lib/platform/http/index.js';
import { createSseWriter, type SseWriter } from '../lib/platform/sse/writer.js';
import { CHAT_LIMIT } from '../lib/platform/rate-limit/buckets.js';

export const CHAT_HEARTBEAT_MS = 15_000;

/** Sends typed chat events with increasing ids (`event:` = type, `data:` = the other fields). */
function chatEventSender(sse: SseWriter): (event: ChatStreamEvent) => Promise<void> {
  let sequence = 0;
  return ({ type, ...fields }) => sse.send({ event: type, id: String(++sequence), data: JSON.stringify(fields) });
}

export const chatStreamHandler = defineEndpoint({
  name: 'chatStream',
  method: 'POST',
  body: chatRequestBody,
  rateLimit: CHAT_LIMIT,
  requiredSecrets: ['GEMINI_API_KEY'],
  handle: async ({ uid, body, config, secrets, log, signal, res }): Promise<undefined> => {
    const turn = await prepareTurn(chatDeps(config, secrets.GEMINI_API_KEY), {
      uid,
      request: body,
      model: config.gemini.textModel,
      settings: config.chat,
      log,
    });
    const sse = createSseWriter(res, { heartbeatMs: CHAT_HEARTBEAT_MS });
    const send = chatEventSender(sse);
    try {
      await send({ type: 'start', conversationId: turn.conversationId, messageId: turn.messageId });
      const result = await turn.run(signal, (text) => send({ type: 'delta', text }));
      await send({ type: 'done', finishReason: result.finishReason, usage: result.usage, model: result.model, cached: result.cached });
    } catch (error) {
      if (error instanceof ClientAbortedError) {
        log.info('chat stream: client disconnected', { conversationId: turn.conversationId });
        return undefined;
      }
      const chatError = toChatError(error);
      log.warn('chat stream failed', { code: chatError.code, cause: describeError(chatError.cause ?? error, { stack: false }) });
      await send({ type: 'error', code: chatError.code, message: chatError.message });
    } finally {
      sse.close();
    }
    return undefined;
  },
});
