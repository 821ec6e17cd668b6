// Chat: profile-aware Gemini replies, persisted, cached, streamed. Used by handlers/chatMessage.ts and
// handlers/chatStream.ts.
export { chatRequestBody, deleteConversationBody, type ChatRequestBody } from './schema.js';
export { prepareTurn, type ChatDeps, type PreparedTurn, type TurnResult } from './turn.js';
export { chatDeps } from './deps.js';
export { answerChatMessage, streamChatTurn, type ChatTurnRequest } from './turn-response.js';
export { ChatError, toChatError } from './errors.js';
export { ClientAbortedError } from './model-stream.js';
export type * from './api-types.js';
export { runToolCall, toolDeclarations, MAX_TOOL_RESULT_CHARS } from './tools.js';
export type { AnyChatTool, ChatTool, ToolContext, ToolOutcome, ToolError, ToolErrorCode } from './tools.js';
export {
  deleteOwnConversation,
  eraseConversationsOf,
  CONVERSATIONS_COLLECTION,
  CONVERSATION_DELETIONS_COLLECTION,
  type ChatErasureCounts,
  type DeletedConversation,
} from './erasure.js';
export { conversationsOf, messagesOf, type ExportedConversation } from './export.js';
export { CHAT_TUNING, type ChatTuning } from './tuning.js';
