// One erasure of everything stored about a user, in this order (docs/data.md has the map):
//
//   1. the erasure mark (platform/erasure-marker.ts): from now on nothing new is stored for the account
//   2. out of matching at once: profile marked deleted, people-pool entry removed (while the rest runs,
//      nobody is shown the person)
//   3. conversations and their messages                       features/chat/erasure.ts
//   4. image records and their S3 objects                      features/images/erasure.ts
//   5. attendance lists, event head counts, event-pool crowds  features/matching/erasure.ts
//   6. users/{uid} and everything under it (blocks, usage)     profile-tree.ts
//   7. the people-pool entry again (the profile is gone now)
//   8. every Redis key naming the uid, and this instance's memory of them
//   9. the mark says finished, with counts, and expires a day later
//
// Each step pages through what is left of its data (bounded memory: one page at a time) and is
// idempotent, so running the erasure again after a crash at any point finishes the job; the Auth
// trigger runs it again after every account deletion anyway. What stays is in docs/data.md.
import { FieldValue, Timestamp, type Firestore } from 'firebase-admin/firestore';
// Each feature's erasure.ts, not its index: those load the chat turn, the image pipeline (sharp) and the
// match service, which an erasure never runs.
import { eraseConversationsOf } from '../features/chat/erasure.js';
import { eraseImagesOf } from '../features/images/erasure.js';
import type { ImageObjectRemover } from '../features/images/storage.js';
import { hideFromMatching, removeFromEvents, removePoolEntry } from '../features/matching/erasure.js';
import type { Clock } from '../platform/clock.js';
import { erasureMarkRef, FINISHED_MARK_TTL_MS } from '../platform/erasure-marker.js';
import type { Logger } from '../platform/logging.js';
import { deleteUserRedisKeys } from '../platform/redis-key-owner.js';
import type { ScanningRedis } from '../platform/redis-scan.js';
import { forgetUserOnThisInstance } from '../platform/user-memory.js';
import { deleteProfileTree } from './profile-tree.js';

export interface ErasureDeps {
  db: Firestore;
  objects: ImageObjectRemover;
  /** null: Redis is not configured (nothing of the user is there). */
  redis: ScanningRedis | null;
  clock: Clock;
}

export type ErasureStep = 'conversations' | 'images' | 'events' | 'profile' | 'redis';

export interface ErasureOptions {
  /** Who started it, for the mark and the logs. */
  source: 'deleteAccount' | 'authUserDeleted' | 'operator';
  log: Logger;
  /** Called after every committed batch with its step: progress, and the crash tests' fault point. */
  onBatch?: (step: ErasureStep) => Promise<void> | void;
}

export interface ErasureCounts {
  conversations: number;
  messages: number;
  images: number;
  imageObjects: number;
  attendanceLists: number;
  eventPoolEntries: number;
  profileDocuments: number;
  redisKeys: number;
}

export async function eraseAccount(deps: ErasureDeps, uid: string, options: ErasureOptions): Promise<ErasureCounts> {
  const { db, clock } = deps;
  const startedAt = clock();
  const mark = erasureMarkRef(db, uid);
  const existing = await mark.get();
  await mark.set(
    {
      state: 'running',
      ...(existing.exists ? {} : { startedAt: Timestamp.fromMillis(startedAt) }),
      updatedAt: Timestamp.fromMillis(startedAt),
      runs: FieldValue.increment(1),
      lastSource: options.source,
      expireAt: FieldValue.delete(),
    },
    { merge: true },
  );
  await hideFromMatching(db, uid);

  const batchOf = (step: ErasureStep) => () => options.onBatch?.(step);
  const chat = await eraseConversationsOf(db, uid, { afterBatch: batchOf('conversations') });
  const images = await eraseImagesOf(db, deps.objects, uid, { afterBatch: batchOf('images') });
  const events = await removeFromEvents(db, uid, { afterBatch: batchOf('events') });
  const profileDocuments = await deleteProfileTree(db, uid, batchOf('profile'));
  await removePoolEntry(db, uid);
  const redisKeys = deps.redis ? await deleteUserRedisKeys(deps.redis, uid) : 0;
  await options.onBatch?.('redis');
  forgetUserOnThisInstance(uid);

  const counts: ErasureCounts = {
    conversations: chat.conversations,
    messages: chat.messages,
    images: images.images,
    imageObjects: images.objects,
    attendanceLists: events.attendanceLists,
    eventPoolEntries: events.poolEntries,
    profileDocuments,
    redisKeys,
  };
  const finishedAt = clock();
  await mark.set(
    {
      state: 'finished',
      updatedAt: Timestamp.fromMillis(finishedAt),
      finishedAt: Timestamp.fromMillis(finishedAt),
      lastCounts: counts,
      expireAt: Timestamp.fromMillis(finishedAt + FINISHED_MARK_TTL_MS),
    },
    { merge: true },
  );
  options.log.info('account erased', { source: options.source, durationMs: finishedAt - startedAt, ...counts });
  return counts;
}
