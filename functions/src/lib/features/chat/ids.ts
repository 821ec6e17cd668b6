// Document ids of a chat turn. With a clientMessageId they are derived from (uid, clientMessageId),
// so a retried send lands on the same documents (no duplicates, and a retried FIRST message finds
// the conversation its first attempt created). Without one they are random.
import { createHash, randomBytes } from 'node:crypto';

export interface TurnIds {
  conversationId: string;
  /** Whether the conversation may not exist yet (the caller gave no conversationId). */
  newConversation: boolean;
  userMessageId: string;
  assistantMessageId: string;
}

function digest(...parts: string[]): string {
  // NUL cannot occur in the parts (ids are validated), so the join is unambiguous.
  return createHash('sha256').update(parts.join('\0')).digest('base64url').slice(0, 24);
}

function randomId(): string {
  return randomBytes(12).toString('hex');
}

export function turnIds(uid: string, conversationId: string | undefined, clientMessageId: string | undefined): TurnIds {
  const conversation =
    conversationId ?? (clientMessageId ? `c${digest('conversation', uid, clientMessageId)}` : randomId());
  const base = clientMessageId ? digest('message', uid, conversation, clientMessageId) : randomId();
  return {
    conversationId: conversation,
    newConversation: conversationId === undefined,
    userMessageId: `${base}u`,
    assistantMessageId: `${base}a`,
  };
}
