// Chat: profile-aware Gemini replies, persisted, cached, streamed. Used by handlers/chatMessage.ts and
// handlers/chatStream.ts.
export { chatRequestBody, type ChatRequestBody } from './schema';
export { prepareTurn, type ChatDeps, type PreparedTurn, type TurnInput, type TurnResult } from './turn';
export { defaultChatDeps } from './deps';
export { ChatError, toChatError } from './errors';
export { ClientAbortedError } from './model-stream';
export type * from './wire';
