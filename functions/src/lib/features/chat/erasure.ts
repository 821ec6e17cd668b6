// Deleting conversations: one on the owner's request (deleteConversation), or all of a user's when
// the account is erased (the account-data composition calls eraseConversationsOf).
//
// A deletion starts with a server-only note, `conversationDeletions/{conversationId}` {ownerId,
// startedAt}, so that a crash at any point leaves something to find it by. Then the conversation
// document goes: a turn can neither be claimed in a conversation that does not exist (store.ts reads
// it in the claim's transaction) nor store its reply there (the reply's batch updates it, and the
// batch fails as a whole), so a turn streaming into it while it is deleted re-creates nothing. Then
// its messages, in batches of at most 500 deletes, read as ids only (one page in memory), and last
// the note. Running it again (a retried request, a resumed erasure) finishes what is left.
import { FieldValue, type Firestore } from 'firebase-admin/firestore';
import { forgetUserCacheEntries } from '../../platform/cache/index.js';
import { describeError } from '../../platform/logging.js';
import type { RequestScope } from '../../platform/request-scope.js';
import { CHAT_CACHE_NAMESPACE, conversationCacheKeyPrefix } from './cache-key.js';
import { CHAT_MESSAGES, ChatError } from './errors.js';

/** Firestore's limit of writes per batch. */
export const DELETE_BATCH_SIZE = 500;
/** Conversations read per page when erasing a user. */
const CONVERSATION_PAGE = 20;

export const CONVERSATIONS_COLLECTION = 'conversations';
export const CONVERSATION_DELETIONS_COLLECTION = 'conversationDeletions';

export interface ChatErasureOptions {
  /** Called after each committed batch: progress, and the crash tests' fault point. */
  afterBatch?: () => Promise<void> | void;
}

/** Deletes the conversation document, then every message under it; returns the messages deleted. */
export async function deleteConversationTree(
  db: Firestore,
  conversationId: string,
  ownerId: string,
  options: ChatErasureOptions = {},
): Promise<number> {
  const note = db.collection(CONVERSATION_DELETIONS_COLLECTION).doc(conversationId);
  const conversation = db.collection(CONVERSATIONS_COLLECTION).doc(conversationId);
  await note.set({ ownerId, startedAt: FieldValue.serverTimestamp() });
  await conversation.delete();
  const messages = conversation.collection('messages');
  let deleted = 0;
  for (;;) {
    const page = await messages.select().limit(DELETE_BATCH_SIZE).get();
    if (page.empty) break;
    const batch = conversation.firestore.batch();
    for (const doc of page.docs) batch.delete(doc.ref);
    await batch.commit();
    deleted += page.size;
    await options.afterBatch?.();
    if (page.size < DELETE_BATCH_SIZE) break;
  }
  await note.delete();
  return deleted;
}

export interface DeletedConversation {
  conversationId: string;
  deletedMessages: number;
}

/**
 * The owner's deleteConversation: another user's conversation looks exactly like a missing one (404).
 * Its cached replies go too (their keys name the owner and the conversation). If Redis cannot be
 * reached they are left to expire (an hour: turn.ts REPLY_CACHE_TTL_SECONDS): keyed by a deleted conversation, nothing
 * reads them any more.
 */
export async function deleteOwnConversation(
  db: Firestore,
  { scope, body }: { scope: Pick<RequestScope, 'uid' | 'log'>; body: { conversationId: string } },
): Promise<DeletedConversation> {
  const { uid, log } = scope;
  const { conversationId } = body;
  // A deletion that stopped half-way is still the owner's to finish (their retry).
  const [conversation, note] = await db.getAll(
    db.collection(CONVERSATIONS_COLLECTION).doc(conversationId),
    db.collection(CONVERSATION_DELETIONS_COLLECTION).doc(conversationId),
  );
  const owned = [conversation, note].some((doc) => doc.exists && doc.get('ownerId') === uid);
  if (!owned) throw new ChatError(404, 'conversation_not_found', CHAT_MESSAGES.conversationNotFound);
  const deletedMessages = await deleteConversationTree(db, conversationId, uid);
  try {
    await forgetUserCacheEntries(uid, {
      namespace: CHAT_CACHE_NAMESPACE,
      restPrefix: conversationCacheKeyPrefix(conversationId),
    });
  } catch (error) {
    log.warn('cached replies of a deleted conversation left to expire', {
      error: describeError(error, { stack: false }),
    });
  }
  return { conversationId, deletedMessages };
}

export interface ChatErasureCounts {
  conversations: number;
  messages: number;
}

/** Every conversation the user owns, with its messages (the Redis cache is erased with all their keys). */
export async function eraseConversationsOf(
  db: Firestore,
  uid: string,
  options: ChatErasureOptions = {},
): Promise<ChatErasureCounts> {
  const counts: ChatErasureCounts = { conversations: 0, messages: 0 };
  // Deletions a crash interrupted first, then the conversations still there.
  for (const collection of [CONVERSATION_DELETIONS_COLLECTION, CONVERSATIONS_COLLECTION]) {
    for (;;) {
      const page = await db.collection(collection).where('ownerId', '==', uid).select().limit(CONVERSATION_PAGE).get();
      for (const doc of page.docs) {
        counts.messages += await deleteConversationTree(db, doc.id, uid, options);
        counts.conversations++;
        await options.afterBatch?.();
      }
      if (page.size < CONVERSATION_PAGE) break;
    }
  }
  return counts;
}
