// The production collaborators of a chat turn. The handler passes the Gemini access the request layer
// checked (requiresGemini); the client is the instance's shared one (platform/gemini/clients.ts).
import { getCache } from '../../platform/cache/index.js';
import type { GeminiAccess } from '../../platform/config/index.js';
import { getDb } from '../../platform/firebase.js';
import { geminiStreamingClient } from '../../platform/gemini/clients.js';
import { GeminiChatModel } from './backends/gemini-model.js';
import { FirestoreChatStore } from './store.js';
import type { AnyChatTool } from './tools.js';
import type { ChatDeps } from './turn.js';

/** `tools` come from the composition over matching (src/lib/assistant-tools), wired by the handlers. */
export function chatDeps(gemini: GeminiAccess, tools: readonly AnyChatTool[] = []): ChatDeps {
  return {
    store: new FirestoreChatStore(getDb()),
    cache: getCache('chat'),
    model: new GeminiChatModel(geminiStreamingClient(gemini)),
    tools,
  };
}
