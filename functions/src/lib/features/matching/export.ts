// Matching's part of a data export: the profile (with the fields the server derived from it), the
// people the user blocked, and the events they attend (id, title, start; not who else attends).
import { FieldPath, type Firestore } from 'firebase-admin/firestore';
import { exportJson, type ExportJson } from '../../platform/export-json.js';
import { BLOCKS_COLLECTION } from './exclusions.js';

const PAGE = 200;

export async function profileOf(db: Firestore, uid: string): Promise<ExportJson> {
  const snapshot = await db.collection('users').doc(uid).get();
  return snapshot.exists ? exportJson(snapshot.data()) : null;
}

export async function* blocksOf(db: Firestore, uid: string): AsyncGenerator<ExportJson> {
  let query = db.collection('users').doc(uid).collection(BLOCKS_COLLECTION).orderBy(FieldPath.documentId()).limit(PAGE);
  for (;;) {
    const page = await query.get();
    for (const doc of page.docs) yield { userId: doc.id, ...(exportJson(doc.data()) as object) };
    if (page.size < PAGE) return;
    query = query.startAfter(page.docs[page.docs.length - 1].id);
  }
}

export async function* attendedEventsOf(db: Firestore, uid: string): AsyncGenerator<ExportJson> {
  let query = db
    .collection('eventAttendees')
    .where('attendeeIds', 'array-contains', uid)
    .orderBy(FieldPath.documentId())
    .select()
    .limit(PAGE);
  for (;;) {
    const page = await query.get();
    if (page.empty) return;
    const events = await db.getAll(...page.docs.map((doc) => db.collection('events').doc(doc.id)), {
      fieldMask: ['title', 'startsAt'],
    });
    for (const event of events) {
      yield {
        eventId: event.id,
        title: exportJson(event.get('title') ?? null),
        startsAt: exportJson(event.get('startsAt') ?? null),
      };
    }
    if (page.size < PAGE) return;
    query = query.startAfter(page.docs[page.docs.length - 1].id);
  }
}
