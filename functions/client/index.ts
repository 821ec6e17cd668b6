// The app's chat client (see docs/chat.md).
export { createChatClient, newClientMessageId } from './chat-client';
export type { ChatClient, ChatClientOptions, ChatStream, CallOptions, FetchLike, FetchResponseLike } from './chat-client';
export { ChatApiError } from './errors';
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
} from '../src/lib/chat/wire';
