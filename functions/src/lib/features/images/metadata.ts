// The record of a finished image: `images/{id}`, written only once the object is in the bucket and
// the job is complete (so a record always points at a real object).
import { withFirestoreDeadline } from '../../platform/firestore-deadline.js';
import { FieldValue, type Firestore } from 'firebase-admin/firestore';
import type { TokenUsage } from '../../platform/gemini/usage.js';
import { systemClock, type Clock } from '../../platform/clock.js';
import { getDb } from '../../platform/firebase.js';
import { expiryFields } from '../../platform/retention.js';
import { accountDeletedError, erasureStarted } from '../../platform/erasure-marker.js';

export const IMAGES_COLLECTION = 'images';

export interface ImageRecord {
  owner: string;
  kind: 'generate' | 'edit';
  prompt: string;
  model: string;
  usage: TokenUsage | null;
  /** USD at list price (MODEL_PRICES), null for a model with no price. */
  costUsd: number | null;
  finishReason: string | null;
  width: number;
  height: number;
  format: string;
  contentType: string;
  contentLength: number;
  url: string;
  bucket: string;
  key: string;
}

export interface ImageMetadataStore {
  /** A fresh document id (no write). */
  newId(): string;
  /** Writes the record with a server `createdAt`. */
  save(id: string, record: ImageRecord): Promise<void>;
}

/** `retentionDays` (IMAGE_RETENTION_DAYS): the record gets expireAt that many days on; 0 = none. */
export function firestoreImageMetadata(
  db: () => Firestore = getDb,
  retentionDays = 0,
  clock: Clock = systemClock,
): ImageMetadataStore {
  return {
    newId: () => db().collection(IMAGES_COLLECTION).doc().id,
    async save(id, record) {
      const firestore = db();
      // With the owner's erasure mark read in the same transaction: an account being erased gets no new
      // record (the job then removes the uploaded object, as for any failure).
      const transaction = firestore.runTransaction(async (tx) => {
        if (await erasureStarted(firestore, record.owner, tx)) throw accountDeletedError();
        tx.create(firestore.collection(IMAGES_COLLECTION).doc(id), {
          ...record,
          createdAt: FieldValue.serverTimestamp(),
          ...expiryFields(retentionDays, clock()),
        });
      });
      await withFirestoreDeadline('record the image', transaction);
    },
  };
}
