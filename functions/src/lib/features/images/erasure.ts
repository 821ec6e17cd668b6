// Deleting images: one on the owner's request (deleteImage), or all of a user's when the account is
// erased (the account-data composition calls eraseImagesOf). The object goes before its record, so a
// crash in between leaves a record that still finds the object next time (deleting a missing object
// is not an error); never an object nobody can find.
//
// Objects have no uid in their keys (an image URL is public and must not say who made it), so a
// user's objects are found through their records: `images` where owner == uid, in pages of 100
// (ids, bucket and key only), one DeleteObjects call and one batch of record deletes per page.
import type { DocumentData, Firestore } from 'firebase-admin/firestore';
import { HttpError } from '../../platform/http/errors.js';
import type { RequestScope } from '../../platform/request-scope.js';
import { IMAGES_COLLECTION } from './metadata.js';
import type { ImageObjectRemover, StoredObject } from './storage.js';

const IMAGE_PAGE = 100;

export interface ImageErasureOptions {
  /** Called after each page: progress, and the crash tests' fault point. */
  afterBatch?: () => Promise<void> | void;
}

export function imageNotFound(): HttpError {
  return new HttpError(404, 'image_not_found', 'Image not found.');
}

function storedObject(data: DocumentData | undefined): StoredObject | undefined {
  const bucket: unknown = data?.bucket;
  const key: unknown = data?.key;
  return typeof bucket === 'string' && bucket !== '' && typeof key === 'string' && key !== ''
    ? { bucket, key }
    : undefined;
}

/** The owner's deleteImage: another user's image looks exactly like a missing one (404). */
export async function deleteOwnImage(
  { db, objects }: { db: Firestore; objects: ImageObjectRemover },
  { scope, body }: { scope: Pick<RequestScope, 'uid'>; body: { imageId: string } },
): Promise<{ imageId: string }> {
  const { uid } = scope;
  const { imageId } = body;
  const record = db.collection(IMAGES_COLLECTION).doc(imageId);
  const snapshot = await record.get();
  if (!snapshot.exists || snapshot.get('owner') !== uid) throw imageNotFound();
  const object = storedObject(snapshot.data());
  if (object) await objects.removeAll([object]);
  await record.delete();
  return { imageId };
}

export interface ImageErasureCounts {
  images: number;
  objects: number;
}

export async function eraseImagesOf(
  db: Firestore,
  objects: ImageObjectRemover,
  uid: string,
  options: ImageErasureOptions = {},
): Promise<ImageErasureCounts> {
  const counts: ImageErasureCounts = { images: 0, objects: 0 };
  for (;;) {
    const page = await db
      .collection(IMAGES_COLLECTION)
      .where('owner', '==', uid)
      .select('bucket', 'key')
      .limit(IMAGE_PAGE)
      .get();
    if (page.empty) break;
    const stored = page.docs.flatMap((doc) => storedObject(doc.data()) ?? []);
    counts.objects += await objects.removeAll(stored);
    const batch = db.batch();
    for (const doc of page.docs) batch.delete(doc.ref);
    await batch.commit();
    counts.images += page.size;
    await options.afterBatch?.();
    if (page.size < IMAGE_PAGE) break;
  }
  return counts;
}
