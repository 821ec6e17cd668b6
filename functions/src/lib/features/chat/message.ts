// chatMessage: one chat turn answered as a whole (chatStream relays the same turn chunk by chunk: turn-stream.ts).
import type { RequestScope } from '../../platform/request-scope.js';
import { clientClosedRequest } from './errors.js';
import { ClientAbortedError } from './model-stream.js';
import { prepareTurn, type ChatDeps } from './turn.js';
import type { ChatMessageResponse, ChatRequest } from './api-types.js';

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
