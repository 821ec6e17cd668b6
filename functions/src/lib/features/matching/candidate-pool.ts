// The prepared pool as a request reads it: every shard of `matchPool` (overflow documents included)
// in one query, entries turned into prepared profiles (derived/pool.ts). The triggers keep it and the
// deploy's backfill builds it for what existed before them (derived/backfill.ts): requests read no
// other candidate source.
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
