// Chat's part of a data export: the user's conversations, and each one's messages, as async
// generators that read one page at a time (the account-data composition streams them out), so an
// account with 50,000 messages never sits in memory. Messages come in document-id order (complete
// whatever they hold; each one carries createdAt), without the attempt bookkeeping and without the
// exchange sent back to the model (its text and tool calls are exported; the rest is the model's
// opaque signatures).
import { FieldPath, type Firestore, type Query } from 'firebase-admin/firestore';
import { exportJson, type ExportJson } from '../../platform/export-json.js';
import { CONVERSATIONS_COLLECTION } from './erasure.js';

const CONVERSATION_PAGE = 100;
/** Messages per read: the field mask keeps each under ~70 KB (tool calls are capped at 64 KB of JSON). */
const MESSAGE_PAGE = 200;
const MESSAGE_FIELDS = [
  'role',
  'text',
  'status',
  'createdAt',
  'model',
  'usage',
  'finishReason',
  'errorCode',
  'cached',
  'clientMessageId',
  'replyTo',
  'toolCallsJson',
  'expireAt',
];

/** Every document of `query` (ordered by id here), one page at a time. */
async function* paged(query: Query, pageSize: number) {
  let last: string | undefined;
  for (;;) {
    const page = await (last === undefined ? query : query.startAfter(last)).limit(pageSize).get();
    yield* page.docs;
    if (page.size < pageSize) return;
    last = page.docs[page.docs.length - 1].id;
  }
}

export interface ExportedConversation {
  id: string;
  fields: { [key: string]: ExportJson };
}

export async function* conversationsOf(db: Firestore, uid: string): AsyncGenerator<ExportedConversation> {
  const query = db.collection(CONVERSATIONS_COLLECTION).where('ownerId', '==', uid).orderBy(FieldPath.documentId());
  for await (const doc of paged(query, CONVERSATION_PAGE)) {
    const { ownerId: _owner, ...fields } = doc.data();
    yield { id: doc.id, fields: exportJson(fields) as { [key: string]: ExportJson } };
  }
}

function toolCalls(json: unknown): ExportJson {
  if (typeof json !== 'string') return null;
  try {
    return exportJson(JSON.parse(json));
  } catch {
    return null;
  }
}

export async function* messagesOf(db: Firestore, conversationId: string): AsyncGenerator<ExportJson> {
  const query = db
    .collection(CONVERSATIONS_COLLECTION)
    .doc(conversationId)
    .collection('messages')
    .orderBy(FieldPath.documentId())
    .select(...MESSAGE_FIELDS);
  for await (const doc of paged(query, MESSAGE_PAGE)) {
    const { toolCallsJson, ...fields } = doc.data();
    yield { id: doc.id, ...(exportJson(fields) as object), toolCalls: toolCalls(toolCallsJson) };
  }
}
