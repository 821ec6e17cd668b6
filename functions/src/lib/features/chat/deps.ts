// The production collaborators of a chat turn; the Gemini client is the instance's shared one
// (lib/platform/gemini/clients.ts).
import { getCache } from '../../platform/cache/index.js';
import { requireSecrets, type AppConfig } from '../../platform/config/index.js';
import { getDb } from '../../platform/firebase.js';
import { geminiStreamingClient } from '../../platform/gemini/clients.js';
import { FirestoreChatStore } from './store.js';
import type { ChatDeps } from './turn.js';

export function defaultChatDeps(config: AppConfig): ChatDeps {
  const { GEMINI_API_KEY } = requireSecrets(['GEMINI_API_KEY']);
  return {
    store: new FirestoreChatStore(getDb()),
    cache: getCache('chat'),
    gemini: geminiStreamingClient(GEMINI_API_KEY, config.gemini.baseUrl),
  };
}
