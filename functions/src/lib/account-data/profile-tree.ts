// The user's own document tree: users/{uid} and everything under it (blocks, usage, and any
// subcollection added later: listCollections finds those), deleted in batches of at most 500, read
// as ids only. The profile document goes last, so a crash leaves it (and with it the erasure's way
// back here). Other users' block lists naming the uid are theirs and stay (docs/data.md).
import type { DocumentReference, Firestore } from 'firebase-admin/firestore';

/** Subcollections the functions write under users/{uid}; listCollections adds any other. */
const KNOWN_SUBCOLLECTIONS = ['blocks', 'usage'];
const BATCH = 500;

async function subcollectionsOf(profile: DocumentReference): Promise<string[]> {
  let listed: string[] = [];
  try {
    listed = (await profile.listCollections()).map((collection) => collection.id);
  } catch {
    // The Node Firestore stand-in does not implement it; the known ones are still deleted.
  }
  return [...new Set([...KNOWN_SUBCOLLECTIONS, ...listed])];
}

/** Deletes users/{uid} and its subtree; returns the documents deleted. */
export async function deleteProfileTree(
  db: Firestore,
  uid: string,
  afterBatch?: () => Promise<void> | void,
): Promise<number> {
  const profile = db.collection('users').doc(uid);
  let deleted = 0;
  for (const name of await subcollectionsOf(profile)) {
    for (;;) {
      const page = await profile.collection(name).select().limit(BATCH).get();
      if (page.empty) break;
      const batch = db.batch();
      // One level: nothing writes deeper under users/{uid} (the erasure test scans for any leftover).
      for (const doc of page.docs) batch.delete(doc.ref);
      await batch.commit();
      deleted += page.size;
      await afterBatch?.();
      if (page.size < BATCH) break;
    }
  }
  if ((await profile.get()).exists) {
    await profile.delete();
    deleted++;
  }
  return deleted;
}
