// Firestore trigger on users/{uid}: writes the derived matching fields and the prepared-pool entry
// server-side (features/matching/derived). The app writes only its own profile fields; this never
// loops on its own writes (derived/sync.ts says how).
import type { Change, DocumentSnapshot, FirestoreEvent } from 'firebase-functions/v2/firestore';
import { syncAfterWrite } from '../lib/features/matching/index.js';
import { getDb } from '../lib/platform/firebase.js';
import { createLogger } from '../lib/platform/logging.js';

export const PROFILE_DOCUMENT = 'users/{uid}';

export async function matchProfileSyncHandler(
  event: FirestoreEvent<Change<DocumentSnapshot> | undefined, { uid: string }>,
): Promise<void> {
  const { uid } = event.params;
  const { outcome } = await syncAfterWrite(getDb(), uid, event.data?.after.data(), event.data?.before.data());
  if (outcome !== 'unchanged')
    createLogger({ trigger: 'matchProfileSync', eventId: event.id }).info('match fields', { outcome });
}
