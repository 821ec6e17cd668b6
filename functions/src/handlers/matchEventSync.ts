// Firestore triggers on events/{eventId} and eventAttendees/{eventId}: keep the event's entry in the
// prepared event pool (features/matching/derived/event-sync.ts) in line with the stored event and
// its attendance. They write only matchEventPool documents, never what they watch: nothing loops.
import {
  onDocumentWritten,
  type Change,
  type DocumentSnapshot,
  type FirestoreEvent,
} from 'firebase-functions/v2/firestore';
import { syncAfterAttendanceWrite, syncAfterEventWrite } from '../lib/features/matching/derived/event-sync.js';
import { getDb } from '../lib/platform/firebase.js';
import { createLogger } from '../lib/platform/logging.js';
import { MATCH_SYNC_OPTIONS } from '../runtime-options.js';

export const EVENT_DOCUMENT = 'events/{eventId}';
export const ATTENDANCE_DOCUMENT = 'eventAttendees/{eventId}';

type EventWrite = FirestoreEvent<Change<DocumentSnapshot> | undefined, { eventId: string }>;

export async function matchEventSyncHandler(event: EventWrite): Promise<void> {
  const { eventId } = event.params;
  const outcome = await syncAfterEventWrite(getDb(), eventId, event.data?.before.data(), event.data?.after.data());
  if (outcome !== 'unchanged')
    createLogger({ trigger: 'matchEventSync', eventId: event.id }).info('event pool', { outcome });
}

export async function matchAttendanceSyncHandler(event: EventWrite): Promise<void> {
  const { eventId } = event.params;
  const outcome = await syncAfterAttendanceWrite(getDb(), eventId, event.data?.before.data(), event.data?.after.data());
  if (outcome !== 'unchanged')
    createLogger({ trigger: 'matchAttendanceSync', eventId: event.id }).info('event pool', { outcome });
}

export const matchEventSync = onDocumentWritten(
  { ...MATCH_SYNC_OPTIONS, document: EVENT_DOCUMENT },
  matchEventSyncHandler,
);
export const matchAttendanceSync = onDocumentWritten(
  { ...MATCH_SYNC_OPTIONS, document: ATTENDANCE_DOCUMENT },
  matchAttendanceSyncHandler,
);
