// The record of a finished image: `images/{id}`, written only once the object is in the bucket and
// the job is complete (so a record always points at a real object).
import { FieldValue, type Firestore } from 'firebase-admin/firestore';
import type { GeminiTokenUsage } from '../../platform/gemini/types.js';
import { getDb } from '../../platform/firebase.js';

export const IMAGES_COLLECTION = 'images';

export interface ImageRecord {
  owner: string;
  kind: 'generate' | 'edit';
  prompt: string;
  model: string;
  usage: GeminiTokenUsage | null;
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

export function firestoreImageMetadata(db: () => Firestore = getDb): ImageMetadataStore {
  return {
    newId: () => db().collection(IMAGES_COLLECTION).doc().id,
    async save(id, record) {
      await db()
        .collection(IMAGES_COLLECTION)
        .doc(id)
        .create({ ...record, createdAt: FieldValue.serverTimestamp() });
    },
  };
}
