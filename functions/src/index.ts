// The HTTPS functions, each through the shared request layer (src/lib/platform/http), and
// matching's three Firestore triggers: matchProfileSync (users/{uid} written: derived fields and the
// people pool), matchEventSync and matchAttendanceSync (events/{id}, eventAttendees/{id}: the event pool). Runtime options
// (memory, concurrency, timeouts, secrets) are in runtime-options.ts.
// eraseDeletedAccount is the Auth trigger (2nd gen, identity.onUserDeleted): any deletion of an Auth
// user erases their data (docs/data.md says why this trigger).
// Nothing here reads params or initialises SDKs: deploy discovery loads this module.
import { onRequest } from 'firebase-functions/v2/https';
import { onDocumentWritten } from 'firebase-functions/v2/firestore';
import { onUserDeleted } from 'firebase-functions/v2/identity';
import { ACCOUNT_ERASURE_OPTIONS, MATCH_SYNC_OPTIONS, RUNTIME_OPTIONS } from './runtime-options.js';
import { chatMessageHandler } from './handlers/chatMessage.js';
import { chatStreamHandler } from './handlers/chatStream.js';
import { matchUsersHandler } from './handlers/matchUsers.js';
import { matchEventsHandler } from './handlers/matchEvents.js';
import { suggestionsHandler } from './handlers/suggestions.js';
import { generateImageHandler } from './handlers/generateImage.js';
import { editImageHandler } from './handlers/editImage.js';
import { matchProfileSyncHandler, PROFILE_DOCUMENT } from './handlers/matchProfileSync.js';
import { deleteConversationHandler } from './handlers/deleteConversation.js';
import { deleteImageHandler } from './handlers/deleteImage.js';
import { exportDataHandler } from './handlers/exportData.js';
import { deleteAccountHandler } from './handlers/deleteAccount.js';
import { eraseDeletedAccountHandler } from './handlers/eraseDeletedAccount.js';
import { healthHandler } from './handlers/health.js';
import {
  ATTENDANCE_DOCUMENT,
  EVENT_DOCUMENT,
  matchAttendanceSyncHandler,
  matchEventSyncHandler,
} from './handlers/matchEventSync.js';

export const chatMessage = onRequest(RUNTIME_OPTIONS.chatMessage, chatMessageHandler);
export const chatStream = onRequest(RUNTIME_OPTIONS.chatStream, chatStreamHandler);
export const matchUsers = onRequest(RUNTIME_OPTIONS.matchUsers, matchUsersHandler);
export const matchEvents = onRequest(RUNTIME_OPTIONS.matchEvents, matchEventsHandler);
export const suggestions = onRequest(RUNTIME_OPTIONS.suggestions, suggestionsHandler);
export const generateImage = onRequest(RUNTIME_OPTIONS.generateImage, generateImageHandler);
export const editImage = onRequest(RUNTIME_OPTIONS.editImage, editImageHandler);
export const matchProfileSync = onDocumentWritten(
  { ...MATCH_SYNC_OPTIONS, document: PROFILE_DOCUMENT },
  matchProfileSyncHandler,
);
export const matchEventSync = onDocumentWritten(
  { ...MATCH_SYNC_OPTIONS, document: EVENT_DOCUMENT },
  matchEventSyncHandler,
);
export const matchAttendanceSync = onDocumentWritten(
  { ...MATCH_SYNC_OPTIONS, document: ATTENDANCE_DOCUMENT },
  matchAttendanceSyncHandler,
);
export const deleteConversation = onRequest(RUNTIME_OPTIONS.deleteConversation, deleteConversationHandler);
export const deleteImage = onRequest(RUNTIME_OPTIONS.deleteImage, deleteImageHandler);
export const exportData = onRequest(RUNTIME_OPTIONS.exportData, exportDataHandler);
export const deleteAccount = onRequest(RUNTIME_OPTIONS.deleteAccount, deleteAccountHandler);
export const eraseDeletedAccount = onUserDeleted(ACCOUNT_ERASURE_OPTIONS, eraseDeletedAccountHandler);
export const health = onRequest(RUNTIME_OPTIONS.health, healthHandler);
