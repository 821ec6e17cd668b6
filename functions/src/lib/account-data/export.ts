// exportData: everything stored about the caller, as one JSON document streamed while it is read
// (GDPR access and portability). Its shape, top to bottom:
//
//   { "format": "social-ai-export/1", "exportedAt", "uid", "account": {email, providers, times…},
//     "profile": {...} | null, "blocks": [...], "usage": [...], "events": [...], "images": [...],
//     "conversations": [ {"id", ...fields, "messages": [ {...}, ... ]}, ... ], "complete": true }
//
// Every list is read a page at a time (features' export.ts) and written as it is read, waiting for
// the client whenever the socket is full (json-stream-writer.ts): memory stays bounded by a page whatever
// the account holds (bench/account-data.ts measures 50,000 messages). A failure after the first byte
// cannot change the status any more: the document then lacks `"complete": true` at its end.
//
// A Firebase callable caller (`.stream()`) gets the same content as chunks instead: {type: "account"},
// {type: "profile"}, then lists in batches of up to 100 items ({type: "blocks" | "usage" | "events" |
// "images", items}), each conversation ({type: "conversation", id, ...fields}) followed by its
// messages ({type: "messages", conversationId, items}); the call's result is {format, exportedAt, uid,
// counts, complete: true}. A plain (not streamed) callable call is refused: the answer has no bound.
import type { Response } from 'express';
import type { UserRecord } from 'firebase-admin/auth';
import type { Firestore } from 'firebase-admin/firestore';
import { FieldPath } from 'firebase-admin/firestore';
// Each feature's export.ts, not its index (which loads the chat turn, the image pipeline, the match service).
import { conversationsOf, messagesOf } from '../features/chat/export.js';
import { imagesOf } from '../features/images/export.js';
import { attendedEventsOf, blocksOf, profileOf } from '../features/matching/export.js';
import type { Clock } from '../platform/clock.js';
import { exportJson, type ExportJson } from '../platform/export-json.js';
import type { CallableChannel } from '../platform/http/callable.js';
import { HttpError } from '../platform/http/errors.js';
import type { RequestScope } from '../platform/request-scope.js';
import { JsonStreamWriter } from './json-stream-writer.js';

export const EXPORT_FORMAT = 'social-ai-export/1';

export interface ExportDeps {
  db: Firestore;
  clock: Clock;
  /** The Auth user record, or undefined when there is none (deleted meanwhile). */
  authUser(uid: string): Promise<UserRecord | undefined>;
}

function account(user: UserRecord | undefined): ExportJson {
  if (!user) return null;
  return exportJson({
    email: user.email,
    emailVerified: user.emailVerified,
    displayName: user.displayName,
    photoURL: user.photoURL,
    phoneNumber: user.phoneNumber,
    disabled: user.disabled,
    createdAt: user.metadata.creationTime ? new Date(user.metadata.creationTime).toISOString() : undefined,
    lastSignInAt: user.metadata.lastSignInTime ? new Date(user.metadata.lastSignInTime).toISOString() : undefined,
    providers: user.providerData.map((provider) => provider.providerId),
  });
}

async function* usageOf(db: Firestore, uid: string): AsyncGenerator<ExportJson> {
  const days = await db.collection('users').doc(uid).collection('usage').orderBy(FieldPath.documentId()).get();
  for (const day of days.docs) yield { day: day.id, ...(exportJson(day.data()) as object) };
}

/** `"conversations":[...]`, each conversation's messages streamed inside its object. */
async function writeConversations(db: Firestore, uid: string, out: JsonStreamWriter): Promise<number[]> {
  const messageCounts: number[] = [];
  await out.raw(',"conversations":[');
  for await (const conversation of conversationsOf(db, uid)) {
    await out.raw(`${messageCounts.length === 0 ? '' : ','}{"id":${JSON.stringify(conversation.id)}`);
    for (const [key, value] of Object.entries(conversation.fields)) await out.member(key, value);
    messageCounts.push(await out.array('messages', messagesOf(db, conversation.id)));
    await out.raw('}');
  }
  await out.raw(']');
  return messageCounts;
}

export interface ExportCounts {
  blocks: number;
  usageDays: number;
  events: number;
  images: number;
  conversations: number;
  messages: number;
}

export interface ExportRequest {
  scope: Pick<RequestScope, 'uid' | 'signal'>;
  res: Response;
  /** Set for a Firebase callable caller: the export goes out as chunks (above). */
  callable?: CallableChannel;
}

/** The export's counts, and for a callable caller the call's result (REST: the response is written). */
export async function exportAccount(
  deps: ExportDeps,
  request: ExportRequest,
): Promise<{ counts: ExportCounts; result?: unknown }> {
  if (request.callable) return relayAccountExport(deps, request.scope.uid, request.callable);
  return { counts: await streamAccountExport(deps, request) };
}

/** Streams the caller's export into `res` (200, JSON, as a download). */
async function streamAccountExport(deps: ExportDeps, request: ExportRequest): Promise<ExportCounts> {
  const { db } = deps;
  const { res } = request;
  const { uid } = request.scope;
  const [user, profile] = await Promise.all([deps.authUser(uid), profileOf(db, uid)]);
  const day = new Date(deps.clock()).toISOString().slice(0, 10);
  res.status(200);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="export-${day}.json"`);
  const out = new JsonStreamWriter(res, request.scope.signal);
  await out.raw('{');
  await out.member('format', EXPORT_FORMAT, true);
  await out.member('exportedAt', new Date(deps.clock()).toISOString());
  await out.member('uid', uid);
  await out.member('account', account(user));
  await out.member('profile', profile);
  const blocks = await out.array('blocks', blocksOf(db, uid));
  const usageDays = await out.array('usage', usageOf(db, uid));
  const events = await out.array('events', attendedEventsOf(db, uid));
  const images = await out.array('images', imagesOf(db, uid));
  const messages = await writeConversations(db, uid, out);
  await out.raw(',"complete":true}');
  res.end();
  const total = messages.reduce((sum, count) => sum + count, 0);
  return { blocks, usageDays, events, images, conversations: messages.length, messages: total };
}

const CHUNK_ITEMS = 100;

/** Sends `items` as chunks of up to CHUNK_ITEMS ({type, ...extra, items}); returns how many. */
async function sendBatches(
  channel: CallableChannel,
  type: string,
  items: AsyncIterable<unknown>,
  extra: Record<string, unknown> = {},
): Promise<number> {
  let batch: unknown[] = [];
  let count = 0;
  for await (const item of items) {
    batch.push(item);
    count++;
    if (batch.length === CHUNK_ITEMS) {
      await channel.sendChunk({ type, ...extra, items: batch });
      batch = [];
    }
  }
  if (batch.length > 0) await channel.sendChunk({ type, ...extra, items: batch });
  return count;
}

async function relayAccountExport(
  deps: ExportDeps,
  uid: string,
  channel: CallableChannel,
): Promise<{ counts: ExportCounts; result: unknown }> {
  if (!channel.acceptsStreaming) {
    throw new HttpError(
      400,
      'stream_required',
      'exportData streams its answer: call it with .stream(), or GET its URL.',
    );
  }
  const { db } = deps;
  const [user, profile] = await Promise.all([deps.authUser(uid), profileOf(db, uid)]);
  await channel.sendChunk({ type: 'account', account: account(user) });
  await channel.sendChunk({ type: 'profile', profile });
  const counts: ExportCounts = {
    blocks: await sendBatches(channel, 'blocks', blocksOf(db, uid)),
    usageDays: await sendBatches(channel, 'usage', usageOf(db, uid)),
    events: await sendBatches(channel, 'events', attendedEventsOf(db, uid)),
    images: await sendBatches(channel, 'images', imagesOf(db, uid)),
    conversations: 0,
    messages: 0,
  };
  for await (const conversation of conversationsOf(db, uid)) {
    await channel.sendChunk({ type: 'conversation', id: conversation.id, ...conversation.fields });
    counts.conversations++;
    counts.messages += await sendBatches(channel, 'messages', messagesOf(db, conversation.id), {
      conversationId: conversation.id,
    });
  }
  const exportedAt = new Date(deps.clock()).toISOString();
  return { counts, result: { format: EXPORT_FORMAT, exportedAt, uid, counts, complete: true } };
}
