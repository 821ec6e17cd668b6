// The prepared pool as a request reads it: every shard of `matchPool` (overflow documents included) in one query, entries turned
// into prepared profiles (derived/pool.ts). Empty until the profile trigger or the backfill has run;
// the service then falls back to the bounded queries of candidate-retrieval.ts.
import { withFirestoreDeadline } from '../../platform/firestore-deadline.js';
import type { Firestore } from 'firebase-admin/firestore';
import { POOL_COLLECTION, POOL_MAX_DOCUMENTS, poolShardProfiles } from './derived/pool.js';
import type { ReadCounter } from './documents.js';
import type { PreparedProfile } from './scoring/index.js';

export async function loadPoolProfiles(db: Firestore, reads: ReadCounter): Promise<PreparedProfile[]> {
  const snapshot = await withFirestoreDeadline(
    'read the people pool',
    db.collection(POOL_COLLECTION).limit(POOL_MAX_DOCUMENTS).get(),
  );
  reads.addQuery(snapshot.size);
  return snapshot.docs.flatMap((doc) => poolShardProfiles(doc.data()));
}
