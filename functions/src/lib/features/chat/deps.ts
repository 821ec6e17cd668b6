// The production collaborators of a chat turn. The handler passes the text backend's access the request
// layer checked (requiresTextModel): Gemini or an OpenAI-compatible server; the clients are the
// instance's shared ones (platform/gemini/clients.ts, platform/openai/clients.ts).
import { getCache } from '../../platform/cache/index.js';
import { systemClock } from '../../platform/clock.js';
import { getConfig, type TextAccess } from '../../platform/config/index.js';
import { getDb } from '../../platform/firebase.js';
import { geminiStreamingClient } from '../../platform/gemini/clients.js';
import { openAiStreamingClient } from '../../platform/openai/clients.js';
import type { ChatModel } from './backends/chat-model.js';
import { GeminiChatModel } from './backends/gemini-model.js';
import { OpenAiChatModel } from './backends/openai-model.js';
import { CHAT_CACHE_NAMESPACE } from './cache-key.js';
import { FirestoreChatStore } from './store.js';
import type { AnyChatTool } from './tools.js';
import type { ChatDeps } from './turn.js';
import type { ChatTuning } from './tuning.js';

export function chatModel(text: TextAccess): ChatModel {
  return text.backend === 'gemini'
    ? new GeminiChatModel(geminiStreamingClient(text.gemini))
    : new OpenAiChatModel(openAiStreamingClient(text));
}

/**
 * `tools` come from the composition over matching (src/lib/assistant-tools), wired by the handlers;
 * `tuning` replaces parts of CHAT_TUNING (tests).
 */
export function chatDeps(
  text: TextAccess,
  tools: readonly AnyChatTool[] = [],
  tuning: Partial<ChatTuning> = {},
): ChatDeps {
  return {
    store: new FirestoreChatStore(getDb(), systemClock, getConfig().retention.chatDays),
    cache: getCache(CHAT_CACHE_NAMESPACE),
    model: chatModel(text),
    modelName: text.model,
    tools,
    tuning,
  };
}
