// The response-cache key: a hash of the caller's uid, the conversation and the whole canonical request
// (model, generation settings, system instruction with the profile, every content turn, in the backend's
// wire shape). Anything that changes what the model would be asked changes the key, so a hit can only
// replay an answer to exactly the same question in the same thread.
// The uid is in the key because the request alone does not identify the asker: two users without a
// profile who send the same first message make identical requests, and a shared entry would show the
// second one what the first asked (and was answered). The conversation is in the key because the same
// opener in a new thread is a new question: a reply cached in another thread is not replayed there.
// The key also names its owner and conversation in clear (`u<n>:<uid>:<conversationId>:v3:<digest>`,
// platform/cache/user-keys.ts), so deleting a conversation or an account finds its entries.
import { createHash } from 'node:crypto';
import { userCacheKey } from '../../platform/cache/user-keys.js';
import type { ChatPrompt } from './backends/chat-model.js';

/** Bumped when the meaning of a cached entry changes, so old entries are never read. */
const KEY_VERSION = 'v3';

export const CHAT_CACHE_NAMESPACE = 'chat';

/** What every cache key of one conversation starts with after its owner. */
export function conversationCacheKeyPrefix(conversationId: string): string {
  return `${conversationId}:`;
}

/** JSON with object keys sorted at every level: equal values give equal text, whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

/**
 * Entries are per user and per conversation: `uid` is the verified caller's, never anything from the
 * request; `conversationId` is the turn's (given by the caller and owned by them, or new).
 */
export function chatCacheKey(
  uid: string,
  conversationId: string,
  prompt: Pick<ChatPrompt, 'model' | 'request'>,
): string {
  const digest = createHash('sha256')
    .update(canonicalJson({ uid, conversationId, model: prompt.model, request: prompt.request }))
    .digest('hex');
  return userCacheKey(uid, `${conversationCacheKeyPrefix(conversationId)}${KEY_VERSION}:${digest}`);
}
