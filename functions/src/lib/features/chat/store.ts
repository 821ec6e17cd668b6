// Firestore persistence of chat turns (layout in docs/data.md, the Firestore schema):
//   conversations/{id}                {ownerId, createdAt, updatedAt, lastMessagePreview}
//   conversations/{id}/messages/{id}  {role, text, status, createdAt, model, usage, clientMessageId, ...}
// A turn is claimed in one transaction (ownership check, idempotency, the user's message written
// BEFORE the model is called) and its reply is written once, with the conversation's preview, in
// one batch afterwards.
// Concurrent claims of the same first message (same uid and clientMessageId, no conversationId) target
// the same derived conversation. Where the transaction's reads take no locks (seen with the Node
// Firestore emulator) both read "no conversation" and the later commit fails ALREADY_EXISTS on its
// create(); where they do (the official emulator, Firestore) the loser is retried by the SDK and reads
// the winner's claim. ALREADY_EXISTS is that same contention, not a fault: the claim is read again and
// the duplicate rule (409 in_progress, or the stored reply) answers.
// The claim also reads the account's erasure mark (platform/erasure-marker.ts): once an erasure has
// started, no turn is claimed (403 account_deleted), so no conversation is created behind its back.
import { systemClock, type Clock } from '../../platform/clock.js';
import { accountDeletedError, erasureMarkRef } from '../../platform/erasure-marker.js';
import { FieldValue, type DocumentData, type Firestore, type Timestamp } from 'firebase-admin/firestore';
import { randomUUID } from 'node:crypto';
import { PROFILE_CONTEXT_FIELDS, type HistoryMessage } from './prompt.js';
import { readSentStamp, type SentStamp } from './time-context.js';
import { CHAT_MESSAGES, ChatError } from './errors.js';
import { expiryFields } from '../../platform/retention.js';
import { codePointPrefix } from '../../platform/text-bounds.js';
import { withFirestoreDeadline } from '../../platform/firestore-deadline.js';
import type { TurnIds } from './ids.js';
import type { StoredExchange, TextBackend } from './backends/chat-model.js';
import type { ChatErrorCode, ChatToolCall, ChatUsage } from './api-types.js';

export type ReplyStatus = 'complete' | 'interrupted' | 'error';

export interface StoredReply {
  text: string;
  status: ReplyStatus;
  model: string;
  finishReason?: string;
  usage?: ChatUsage;
  cached: boolean;
  errorCode?: ChatErrorCode;
  /** The tools used, so the app can render the cards from Firestore (bounded: see boundedToolCalls). */
  toolCalls?: ChatToolCall[];
  /**
   * What came after the user's message when tools were used, in the wire shape of the backend that
   * answered (exchangeFormat): the model's calls (with Gemini's signatures), the tools' results, the
   * final answer; replayed as history by the next turn. Stored as JSON text: model-written args may
   * nest arrays, which Firestore fields cannot hold.
   */
  exchange?: StoredExchange;
}

export type TurnClaim =
  /** The turn is ours to answer; `attemptId` marks the reply we will write. */
  | { kind: 'started'; attemptId: string }
  /** A completed reply to this clientMessageId exists: send it again, call nothing. */
  | { kind: 'replay'; reply: StoredReply };

export interface ClaimInput {
  uid: string;
  ids: TurnIds;
  message: string;
  clientMessageId?: string;
  /** How long a started attempt blocks retries of the same message (409) before it is presumed dead. */
  leaseMs: number;
}

export interface SaveReplyInput {
  uid: string;
  ids: TurnIds;
  attemptId: string;
  clientMessageId?: string;
  reply: StoredReply;
  /** The turn's local date, time and zone: stored on both messages, replayed with the user's. */
  sent?: SentStamp;
}

export interface ChatStore {
  claimTurn(input: ClaimInput): Promise<TurnClaim>;
  loadProfile(uid: string): Promise<Record<string, unknown> | undefined>;
  /** The last `limit` messages, oldest first, without the given message ids (the current turn). */
  loadHistory(conversationId: string, limit: number, excludeIds: readonly string[]): Promise<HistoryMessage[]>;
  saveReply(input: SaveReplyInput): Promise<void>;
}

const PREVIEW_CHARS = 140;

export function previewOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  // Cut on a whole character: half an emoji would be a lone surrogate, which Firestore refuses.
  return flat.length > PREVIEW_CHARS ? `${codePointPrefix(flat, PREVIEW_CHARS - 1)}…` : flat;
}

function conversationNotFound(): ChatError {
  return new ChatError(404, 'conversation_not_found', CHAT_MESSAGES.conversationNotFound);
}

function inProgress(cause?: unknown): ChatError {
  return new ChatError(409, 'in_progress', CHAT_MESSAGES.inProgress, { headers: { 'Retry-After': '2' }, cause });
}

/** gRPC status 6: a create() found the document already there (it was created after our read). */
const GRPC_ALREADY_EXISTS = 6;

function isAlreadyExists(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === GRPC_ALREADY_EXISTS;
}

function storedReply(data: DocumentData): StoredReply {
  return {
    text: typeof data.text === 'string' ? data.text : '',
    status: data.status as ReplyStatus,
    model: typeof data.model === 'string' ? data.model : '',
    finishReason: typeof data.finishReason === 'string' ? data.finishReason : undefined,
    usage: (data.usage ?? undefined) as ChatUsage | undefined,
    cached: data.cached === true,
    errorCode: typeof data.errorCode === 'string' ? (data.errorCode as ChatErrorCode) : undefined,
    toolCalls: storedToolCalls(data.toolCallsJson),
  };
}

/**
 * A message's stored tool calls and exchange are JSON text of at most these sizes (characters); a
 * larger exchange is not kept (the next turn then sees the reply's text only), and tool calls beyond
 * the budget are dropped from the end. Results are already capped per call (tools.ts).
 */
export const MAX_TOOL_CALLS_JSON = 64_000;
export const MAX_EXCHANGE_JSON = 256_000;

export function boundedToolCalls(calls: readonly ChatToolCall[]): string | undefined {
  const kept = [...calls];
  for (;;) {
    if (kept.length === 0) return undefined;
    const json = JSON.stringify(kept);
    if (json.length <= MAX_TOOL_CALLS_JSON) return json;
    kept.pop();
  }
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

function storedToolCalls(value: unknown): ChatToolCall[] | undefined {
  const parsed = parseJson(value);
  return Array.isArray(parsed) ? (parsed as ChatToolCall[]) : undefined;
}

/** Messages stored before a second backend existed carry no format: Gemini wrote them. */
function exchangeFormat(value: unknown): TextBackend {
  return value === 'openai-compatible' ? 'openai-compatible' : 'gemini';
}

/** The stored exchange; each backend checks the contents' shape before replaying them. */
function storedExchange(json: unknown, format: unknown): StoredExchange | undefined {
  const parsed = parseJson(json);
  return Array.isArray(parsed) ? { format: exchangeFormat(format), contents: parsed } : undefined;
}

/** Firestore refuses `undefined` field values; drop them (nested objects included). */
function withoutUndefined<T extends Record<string, unknown>>(record: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    const plain = typeof value === 'object' && value !== null && value.constructor === Object;
    out[key] = plain ? withoutUndefined(value as Record<string, unknown>) : value;
  }
  return out as T;
}

export class FirestoreChatStore implements ChatStore {
  constructor(
    private readonly db: Firestore,
    private readonly clock: Clock = systemClock,
    /** CHAT_RETENTION_DAYS: messages expire that long after they are written, a conversation after its last one. */
    private readonly retentionDays = 0,
  ) {}

  private expiry(): { expireAt?: Timestamp } {
    return expiryFields(this.retentionDays, this.clock());
  }

  private refs(ids: TurnIds) {
    const conversation = this.db.collection('conversations').doc(ids.conversationId);
    const messages = conversation.collection('messages');
    return { conversation, user: messages.doc(ids.userMessageId), assistant: messages.doc(ids.assistantMessageId) };
  }

  async claimTurn(input: ClaimInput): Promise<TurnClaim> {
    try {
      return await withFirestoreDeadline('claim a chat turn', this.claimOnce(input));
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
    }
    // A concurrent claim of this very message created the conversation after we read it: read again.
    try {
      return await withFirestoreDeadline('claim a chat turn', this.claimOnce(input));
    } catch (error) {
      // Still racing (cannot happen once the conversation exists, but never a 500 for contention).
      if (isAlreadyExists(error)) throw inProgress(error);
      throw error;
    }
  }

  private async claimOnce({ uid, ids, message, clientMessageId, leaseMs }: ClaimInput): Promise<TurnClaim> {
    const refs = this.refs(ids);
    return this.db.runTransaction(async (tx) => {
      const [conversation, user, assistant, erasure] = await tx.getAll(
        refs.conversation,
        refs.user,
        refs.assistant,
        erasureMarkRef(this.db, uid),
      );
      // An account being erased stores nothing more (the erasure may already be past its conversations).
      if (erasure.exists) throw accountDeletedError();
      // Someone else's conversation looks exactly like a missing one.
      if (conversation.exists ? conversation.get('ownerId') !== uid : !ids.newConversation)
        throw conversationNotFound();

      const reply = assistant.exists ? storedReply(assistant.data() as DocumentData) : undefined;
      if (reply?.status === 'complete') return { kind: 'replay', reply };

      const now = this.clock();
      const attempt = user.get('attempt') as { id?: string; leaseUntil?: number } | undefined;
      const attemptRunning =
        user.exists && (attempt?.leaseUntil ?? 0) > now && assistant.get('attemptId') !== attempt?.id;
      if (attemptRunning) throw inProgress();

      // New turn, or a retry of one that failed or was interrupted: (re)claim it with a fresh attempt.
      const attemptId = randomUUID();
      const preview = previewOf(message);
      tx.set(
        refs.user,
        withoutUndefined({
          role: 'user',
          text: message,
          status: 'complete',
          clientMessageId,
          attempt: { id: attemptId, leaseUntil: now + leaseMs },
          ...(user.exists ? {} : { createdAt: FieldValue.serverTimestamp(), ...this.expiry() }),
        }),
        { merge: true },
      );
      if (conversation.exists) {
        tx.update(refs.conversation, {
          updatedAt: FieldValue.serverTimestamp(),
          lastMessagePreview: preview,
          ...this.expiry(),
        });
      } else {
        tx.create(refs.conversation, {
          ownerId: uid,
          createdAt: FieldValue.serverTimestamp(),
          updatedAt: FieldValue.serverTimestamp(),
          lastMessagePreview: preview,
          ...this.expiry(),
        });
      }
      return { kind: 'started', attemptId };
    });
  }

  /** Only the fields chat uses are read (a field mask): not coordinates, not whatever else is stored. */
  async loadProfile(uid: string): Promise<Record<string, unknown> | undefined> {
    const [snapshot] = await withFirestoreDeadline(
      'read the profile',
      this.db.getAll(this.db.collection('users').doc(uid), { fieldMask: [...PROFILE_CONTEXT_FIELDS] }),
    );
    return snapshot.exists ? (snapshot.data() as Record<string, unknown>) : undefined;
  }

  async loadHistory(conversationId: string, limit: number, excludeIds: readonly string[]): Promise<HistoryMessage[]> {
    const snapshot = await withFirestoreDeadline(
      'read the conversation',
      this.db
        .collection('conversations')
        .doc(conversationId)
        .collection('messages')
        .orderBy('createdAt', 'desc')
        .limit(limit + excludeIds.length)
        .get(),
    );
    const history: HistoryMessage[] = [];
    for (const doc of snapshot.docs) {
      if (excludeIds.includes(doc.id)) continue;
      const data = doc.data();
      const role = data.role === 'assistant' ? 'assistant' : data.role === 'user' ? 'user' : undefined;
      // Failed replies (possibly cut by a safety stop) are not context; interrupted ones were seen.
      if (!role || typeof data.text !== 'string' || (role === 'assistant' && data.status === 'error')) continue;
      const exchange = role === 'assistant' ? storedExchange(data.exchangeJson, data.exchangeFormat) : undefined;
      const sent = role === 'user' ? readSentStamp(data.sent) : undefined;
      history.push({ role, text: data.text, ...(exchange ? { exchange } : {}), ...(sent ? { sent } : {}) });
      if (history.length === limit) break;
    }
    return history.reverse();
  }

  async saveReply({ ids, attemptId, clientMessageId, reply, sent }: SaveReplyInput): Promise<void> {
    const refs = this.refs(ids);
    const batch = this.db.batch();
    const { toolCalls, exchange, ...fields } = reply;
    const exchangeJson = exchange && exchange.contents.length > 0 ? JSON.stringify(exchange.contents) : undefined;
    // Only a complete reply is replayed with its calls: an interrupted one may end on a call that has
    // no response, which the model's server refuses.
    const keepExchange =
      reply.status === 'complete' && exchangeJson !== undefined && exchangeJson.length <= MAX_EXCHANGE_JSON;
    batch.set(
      refs.assistant,
      withoutUndefined({
        role: 'assistant',
        ...fields,
        toolCallsJson: toolCalls ? boundedToolCalls(toolCalls) : undefined,
        exchangeJson: keepExchange ? exchangeJson : undefined,
        exchangeFormat: keepExchange ? exchange?.format : undefined,
        clientMessageId,
        attemptId,
        replyTo: ids.userMessageId,
        sent,
        createdAt: FieldValue.serverTimestamp(),
        ...this.expiry(),
      }),
    );
    // The user's message was claimed before the turn's zone was known (the profile is read alongside).
    if (sent) batch.set(refs.user, { sent }, { merge: true });
    const conversationUpdate: Record<string, unknown> = { updatedAt: FieldValue.serverTimestamp(), ...this.expiry() };
    if (reply.text !== '') conversationUpdate.lastMessagePreview = previewOf(reply.text);
    batch.update(refs.conversation, conversationUpdate);
    await withFirestoreDeadline('store the reply', batch.commit());
  }
}
