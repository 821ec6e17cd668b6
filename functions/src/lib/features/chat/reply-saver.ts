// Storing a turn's reply, and what happens when Firestore does not take it. The turn reports `done`
// only for a reply that is stored, or whose conversation was deleted meanwhile (delivered, and on
// purpose kept nowhere):
//   stored     the write went through;
//   gone       the conversation no longer exists (deleted during the turn): nothing is kept;
//   unstored   anything else; when Firestore was unreachable or silent past its deadline
//              (platform/firestore-deadline.ts) the reply is not dropped: this instance tries to store
//              it again after 5 s, 15 s and 30 s, and once it is, the caller's retry with the same
//              clientMessageId is answered from it (an idempotent replay). The caller gets 503
//              `unavailable` instead of `done`.
import { isFirestoreUnreachable } from '../../platform/firestore-deadline.js';
import { describeError, type Logger } from '../../platform/logging.js';
import { CHAT_MESSAGES, ChatError } from './errors.js';
import type { ChatStore, SaveReplyInput } from './store.js';

export const SAVE_RETRY_DELAYS_MS: readonly number[] = [5_000, 15_000, 30_000];
const RETRY_AFTER_SECONDS = 5;

/** 503 unavailable: the reply reached the caller but is not stored (yet). */
export function replyNotStored(): ChatError {
  return new ChatError(503, 'unavailable', CHAT_MESSAGES.notStored, {
    headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
  });
}

export type SaveOutcome = 'stored' | 'gone' | 'unstored';

/** gRPC NOT_FOUND: the batch's update of the conversation found no conversation. */
const NOT_FOUND = 5;

/** Stores the reply and says how it went; an unreachable Firestore is retried in the background (bounded). */
export async function storeReply(
  store: ChatStore,
  input: SaveReplyInput,
  log: Logger,
  retryDelaysMs: readonly number[] = SAVE_RETRY_DELAYS_MS,
): Promise<SaveOutcome> {
  try {
    await store.saveReply(input);
    return 'stored';
  } catch (error) {
    if ((error as { code?: unknown }).code === NOT_FOUND) {
      log.info('chat reply not stored: the conversation is gone', where(input));
      return 'gone';
    }
    const retrying = isFirestoreUnreachable(error);
    log.error('chat reply not stored', {
      ...where(input),
      error: describeError(error),
      ...(retrying ? { retryInMs: retryDelaysMs[0] } : {}),
    });
    if (retrying) retryLater(store, input, log, retryDelaysMs, 0);
    return 'unstored';
  }
}

function where(input: SaveReplyInput) {
  return {
    conversationId: input.ids.conversationId,
    messageId: input.ids.assistantMessageId,
    status: input.reply.status,
  };
}

function retryLater(
  store: ChatStore,
  input: SaveReplyInput,
  log: Logger,
  delaysMs: readonly number[],
  attempt: number,
): void {
  const delay = delaysMs[attempt];
  if (delay === undefined) {
    log.error('chat reply given up: not stored', where(input));
    return;
  }
  const timer = setTimeout(() => {
    store.saveReply(input).then(
      () => log.info('chat reply stored on retry', { ...where(input), attempt: attempt + 1 }),
      (error: unknown) => {
        if (isFirestoreUnreachable(error)) retryLater(store, input, log, delaysMs, attempt + 1);
        else log.error('chat reply given up: not stored', { ...where(input), error: describeError(error) });
      },
    );
  }, delay);
  timer.unref();
}
