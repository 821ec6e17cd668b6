// A chat turn answered, the two ways: chatMessage collects the reply into one JSON answer; chatStream
// sends the turn's events through the platform's SSE responder (either protocol): start, then delta /
// tool-call / tool-result as they happen, then done, whose fields with the reply make a callable
// caller's result; a failure after start is the responder's one `error` event. The events and their
// fields: docs/api.md (chatStream).
import { respondWithSse, type SseResponderContext, type SseStream } from '../../platform/http/sse-responder.js';
import type { RequestScope } from '../../platform/request-scope.js';
import { clientClosedRequest, toChatError } from './errors.js';
import { ClientAbortedError } from './model-stream.js';
import { prepareTurn, type ChatDeps } from './turn.js';
import type { ChatMessageResponse, ChatRequest, ChatStreamEvent } from './api-types.js';

/** A chat request as the handlers pass it: the request's scope and the validated body. */
export interface ChatTurnRequest {
  scope: RequestScope;
  body: ChatRequest;
}

export async function answerChatMessage(
  deps: ChatDeps,
  { scope, body }: ChatTurnRequest,
): Promise<ChatMessageResponse> {
  const turn = await prepareTurn(deps, scope, body);
  try {
    const result = await turn.run(scope.signal, { onText: () => undefined });
    return {
      conversationId: turn.conversationId,
      messageId: turn.messageId,
      ...result,
      timeZone: turn.timeZone,
      timeZoneSource: turn.timeZoneSource,
    };
  } catch (error) {
    // Nobody is left to answer; the partial reply is already stored as interrupted.
    if (error instanceof ClientAbortedError) throw clientClosedRequest();
    throw error;
  }
}

/** Sends a typed chat event: `event:` is its type, `data:` the other fields. */
function sendChatEvent(stream: SseStream, { type, ...fields }: ChatStreamEvent): Promise<void> {
  return stream.send(type, fields);
}

/**
 * Answers with the turn's events. A missing conversation or a duplicate in flight is thrown before
 * anything is streamed (a JSON error); the request layer sends what this returns (callable: the result).
 */
export async function streamChatTurn(deps: ChatDeps, request: ChatTurnRequest & SseResponderContext): Promise<unknown> {
  const turn = await prepareTurn(deps, request.scope, request.body);
  return respondWithSse(request, async (stream) => {
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
}
