// The production collaborators of a chat turn, built once per instance and reused by every request
// (one keep-alive connection pool to Gemini, one cache). Rebuilt only if the key or base URL changes.
import { GoogleGenAI } from '@google/genai';
import { getCache } from '../cache/index';
import { requireSecrets, type AppConfig } from '../config';
import { getDb } from '../firebase';
import { GoogleGenAIApiAdapter } from '../gemini/adapter';
import { GeminiStreamingClient } from '../gemini/streaming-client';
import { FirestoreChatStore } from './store';
import type { ChatDeps } from './turn';

let gemini: { key: string; client: GeminiStreamingClient } | undefined;

function geminiClient(apiKey: string, baseUrl: string): GeminiStreamingClient {
  const key = `${baseUrl}\n${apiKey}`;
  if (gemini?.key !== key) {
    const sdk = new GoogleGenAI({ apiKey, httpOptions: { baseUrl } });
    gemini = { key, client: new GeminiStreamingClient(new GoogleGenAIApiAdapter(sdk)) };
  }
  return gemini.client;
}

export function defaultChatDeps(config: AppConfig): ChatDeps {
  const { GEMINI_API_KEY } = requireSecrets(['GEMINI_API_KEY']);
  return {
    store: new FirestoreChatStore(getDb()),
    cache: getCache('chat'),
    gemini: geminiClient(GEMINI_API_KEY, config.gemini.baseUrl),
  };
}
