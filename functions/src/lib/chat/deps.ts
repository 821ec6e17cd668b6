// The production collaborators of a chat turn; the Gemini client is the instance's shared one
// (lib/gemini/clients.ts).
import { getCache } from '../cache/index';
import { requireSecrets, type AppConfig } from '../config';
import { getDb } from '../firebase';
import { geminiStreamingClient } from '../gemini/clients';
import { FirestoreChatStore } from './store';
import type { ChatDeps } from './turn';

export function defaultChatDeps(config: AppConfig): ChatDeps {
  const { GEMINI_API_KEY } = requireSecrets(['GEMINI_API_KEY']);
  return {
    store: new FirestoreChatStore(getDb()),
    cache: getCache('chat'),
    gemini: geminiStreamingClient(GEMINI_API_KEY, config.gemini.baseUrl),
  };
}
