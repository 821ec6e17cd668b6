// POST /deleteConversation {conversationId} — deletes one of the caller's conversations, every message
// in it and its cached replies: -> { conversationId, deletedMessages }. Another user's conversation
// and an unknown one both answer 404 conversation_not_found. See docs/data.md.
import { onRequest } from 'firebase-functions/v2/https';
// From the files that delete, not the feature's index, which loads the chat turn and the model clients.
import { deleteOwnConversation } from '../lib/features/chat/erasure.js';
import { deleteConversationBody } from '../lib/features/chat/schema.js';
import { getDb } from '../lib/platform/firebase.js';
import { defineEndpoint } from '../lib/platform/http/index.js';
import { DATA_LIMIT } from '../lib/platform/rate-limit/buckets.js';
import { RUNTIME_OPTIONS } from '../runtime-options.js';

export const deleteConversationHandler = defineEndpoint({
  name: 'deleteConversation',
  method: 'POST',
  body: deleteConversationBody,
  rateLimit: DATA_LIMIT,
  handle: (ctx) => deleteOwnConversation(getDb(), ctx),
});

export const deleteConversation = onRequest(RUNTIME_OPTIONS.deleteConversation, deleteConversationHandler);
