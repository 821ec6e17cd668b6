// The seven HTTPS functions. Each handler runs through the shared request layer (src/lib/platform/http);
// runtime options (memory, concurrency, timeouts, secrets) are in runtime-options.ts.
// Nothing here reads params or initialises SDKs: deploy discovery loads this module.
import { onRequest } from 'firebase-functions/v2/https';
import { RUNTIME_OPTIONS } from './runtime-options.js';
import { chatMessageHandler } from './handlers/chatMessage.js';
import { chatStreamHandler } from './handlers/chatStream.js';
import { matchUsersHandler } from './handlers/matchUsers.js';
import { matchEventsHandler } from './handlers/matchEvents.js';
import { suggestionsHandler } from './handlers/suggestions.js';
import { generateImageHandler } from './handlers/generateImage.js';
import { editImageHandler } from './handlers/editImage.js';

export const chatMessage = onRequest(RUNTIME_OPTIONS.chatMessage, chatMessageHandler);
export const chatStream = onRequest(RUNTIME_OPTIONS.chatStream, chatStreamHandler);
export const matchUsers = onRequest(RUNTIME_OPTIONS.matchUsers, matchUsersHandler);
export const matchEvents = onRequest(RUNTIME_OPTIONS.matchEvents, matchEventsHandler);
export const suggestions = onRequest(RUNTIME_OPTIONS.suggestions, suggestionsHandler);
export const generateImage = onRequest(RUNTIME_OPTIONS.generateImage, generateImageHandler);
export const editImage = onRequest(RUNTIME_OPTIONS.editImage, editImageHandler);
