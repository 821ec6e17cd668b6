// chatMessage: one chat turn answered as a whole (chatStream relays the same turn chunk by chunk).
import type { AppConfig } from '../../platform/config/index.js';
import { HttpError } from '../../platform/http/errors.js';
import type { Logger } from '../../platform/logging.js';
import { callPricer } from '../../platform/pricing/pricer.js';
import { ClientAbortedError } from './model-stream.js';
import { prepareTurn, type ChatDeps, type TokenMeter } from './turn.js';
import type { ChatMessageResponse, ChatRequest } from './api-types.js';

export interface ChatMessageRequest {
  uid: string;
  body: ChatRequest;
  config: AppConfig;
  /** The text backend the request layer checked: its model answers. */
  text: { model: string };
  log: Logger;
  signal: AbortSignal;
  budget?: TokenMeter;
}

export async function answerChatMessage(
  deps: ChatDeps,
  { uid, body, config, text, log, signal, budget }: ChatMessageRequest,
): Promise<ChatMessageResponse> {
  const turn = await prepareTurn(deps, {
    uid,
    request: body,
    model: text.model,
    settings: config.chat,
    log,
    budget,
    pricer: callPricer(config.pricing.table),
  });
  try {
    const result = await turn.run(signal, { onText: () => undefined });
    return {
      conversationId: turn.conversationId,
      messageId: turn.messageId,
      ...result,
      timeZone: turn.timeZone,
      timeZoneSource: turn.timeZoneSource,
    };
  } catch (error) {
    // Nobody is left to answer; the partial reply is already stored as interrupted.
    if (error instanceof ClientAbortedError)
      throw new HttpError(499, 'client_closed_request', 'Client closed the request');
    throw error;
  }
}
