// Images' part of a data export: the user's image records (id, URL, prompt, size, times), one page at a
// time. The bytes are at `url` (public, as the app shows them); the export does not copy them.
import { FieldPath, type Firestore } from 'firebase-admin/firestore';
import { exportJson, type ExportJson } from '../../platform/export-json.js';
import { IMAGES_COLLECTION } from './metadata.js';

const IMAGE_PAGE = 200;

export async function* imagesOf(db: Firestore, uid: string): AsyncGenerator<ExportJson> {
  let query = db
    .collection(IMAGES_COLLECTION)
    .where('owner', '==', uid)
    .orderBy(FieldPath.documentId())
    .limit(IMAGE_PAGE);
  for (;;) {
    const page = await query.get();
    for (const doc of page.docs) {
      const { owner: _owner, ...fields } = doc.data();
      yield { id: doc.id, ...(exportJson(fields) as object) };
    }
    if (page.size < IMAGE_PAGE) return;
    query = query.startAfter(page.docs[page.docs.length - 1].id);
  }
}
