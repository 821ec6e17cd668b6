// The app's chat client (see docs/chat.md).
export { createChatClient, newClientMessageId } from './chat-client.js';
export type {
  ChatClient,
  ChatClientOptions,
  ChatStream,
  CallOptions,
  FetchLike,
  FetchResponseLike,
} from './chat-client.js';
export { ChatApiError } from './errors.js';
export type {
  ChatErrorCode,
  ChatMessageResponse,
  ChatRequest,
  ChatStreamDeltaEvent,
  ChatStreamDoneEvent,
  ChatStreamErrorEvent,
  ChatStreamEvent,
  ChatStreamStartEvent,
  ChatUsage,
} from '../src/lib/features/chat/api-types.js';
