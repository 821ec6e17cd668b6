// Firestore trigger on users/{uid}: writes the derived matching fields and the prepared-pool entry
// server-side (features/matching/derived). The app writes only its own profile fields; this never
// loops on its own writes, and coalesces a storm of writes to one pool write per few seconds
// (derived/sync.ts says how).
import {
  onDocumentWritten,
  type Change,
  type DocumentSnapshot,
  type FirestoreEvent,
} from 'firebase-functions/v2/firestore';
import { syncAfterWrite } from '../lib/features/matching/derived/sync.js';
import { getDb } from '../lib/platform/firebase.js';
import { createLogger } from '../lib/platform/logging.js';
import { MATCH_SYNC_OPTIONS } from '../runtime-options.js';

export const PROFILE_DOCUMENT = 'users/{uid}';

export async function matchProfileSyncHandler(
  event: FirestoreEvent<Change<DocumentSnapshot> | undefined, { uid: string }>,
): Promise<void> {
  const { uid } = event.params;
  const { outcome, reads, writes, waitedMs } = await syncAfterWrite(getDb(), uid, event.data?.after.data(), {
    before: event.data?.before.data(),
    eventId: event.id,
    // The write's commit time (the emulator's CloudEvent `time` is rounded to the second).
    writeTimeMs: event.data?.after.updateTime?.toMillis(),
  });
  // Invocations that touched nothing (a no-op, or a write another invocation's lease covers) log nothing.
  if (reads + writes > 0)
    createLogger({ trigger: 'matchProfileSync', eventId: event.id, uid }).info('match fields', {
      outcome,
      reads,
      writes,
      ...(waitedMs === undefined ? {} : { waitedMs }),
    });
}

export const matchProfileSync = onDocumentWritten(
  { ...MATCH_SYNC_OPTIONS, document: PROFILE_DOCUMENT },
  matchProfileSyncHandler,
);
