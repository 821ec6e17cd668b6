// Shared set-up of the chat integration tests: the exported functions mounted in-process on real
// HTTP, a Gemini-protocol server owned by the test file (scripted replies, request log), the shared
// Firestore/Auth emulators, and the app's chat client pointed at the mounted functions.
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { createChatClient, type ChatClient } from '../../client/index.js';
import type { ChatStreamEvent } from '../../client/index.js';
import { startGeminiServer, type GeminiServer } from '../../dev/gemini-server/index.js';
import { getAdminApp } from '../../src/lib/platform/firebase.js';
import { loadFunctions } from '../support/functions.js';
import { mountFunctions, type MountedFunctions } from '../support/mount.js';
import { applyServiceEnv, signUp, type SignedUpUser } from '../support/services.js';
import { tunedOptions, type Tuning } from '../support/tuning.js';

export interface ChatHarness {
  gemini: GeminiServer;
  /** What the mounted functions run with, read per request (scopedTuning changes it per test). */
  tuning: Tuning;
  mounted: MountedFunctions;
  db: Firestore;
  baseUrl: string;
  clientFor(user: SignedUpUser): ChatClient;
  close(): Promise<void>;
}

/** Env values the chat tests set; restored by close(). */
const TEST_ENV: Record<string, string> = { RATE_LIMIT_PER_MINUTE: '1000' };

/** Short enough for the retry/timeout tests to run fast, long enough for a loaded CI box. */
const TEST_CHAT_TUNING = {
  firstChunkTimeoutMs: 3000,
  idleTimeoutMs: 3000,
  totalTimeoutMs: 20_000,
  retryBudgetMs: 8000,
};

/** `sharedMatchCache: false`: the assistant's tools read Firestore afresh (tests that write people and events). */
export async function startChatHarness({ sharedMatchCache = true } = {}): Promise<ChatHarness> {
  const saved = { ...process.env };
  applyServiceEnv();
  const gemini = await startGeminiServer({ chunkDelayMs: [0, 1] });
  const tuning: Tuning = { chat: { ...TEST_CHAT_TUNING }, matching: {} };
  Object.assign(process.env, TEST_ENV, {
    GEMINI_BASE_URL: gemini.url,
    GEMINI_API_KEY: gemini.apiKey,
    // Per-instance memory cache: deterministic hits and misses within one test process.
    UPSTASH_REDIS_REST_URL: '',
    UPSTASH_REDIS_REST_TOKEN: '',
  });
  const mounted = await mountFunctions(
    await loadFunctions(['chatMessage', 'chatStream'], tunedOptions(tuning, { sharedCache: sharedMatchCache })),
  );
  const baseUrl = mounted.url('chatMessage').replace(/\/chatMessage$/, '');
  return {
    gemini,
    tuning,
    mounted,
    db: getFirestore(getAdminApp()),
    baseUrl,
    clientFor: (user) => createChatClient({ baseUrl, getIdToken: () => user.idToken }),
    close: async () => {
      await mounted.close();
      await gemini.close();
      process.env = saved;
    },
  };
}

export { signUp };

/** All events of a stream (the client ends iteration after done/error). */
export async function collectEvents(stream: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const events: ChatStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

export function deltaText(events: ChatStreamEvent[]): string {
  return events.map((event) => (event.type === 'delta' ? event.text : '')).join('');
}

/** A text reply in the given chunks, `delayMs` apart. */
export function textReply(chunks: string[], delayMs = 0, extra: { finishReason?: string } = {}) {
  return {
    reply: { kind: 'content' as const, parts: [{ type: 'text' as const, chunks }], ...extra },
    chunkDelayMs: delayMs,
  };
}

export type StoredMessage = { id: string; role?: string; status?: string; text?: string } & Record<string, unknown>;

export async function messagesOf(db: Firestore, conversationId: string): Promise<StoredMessage[]> {
  const snapshot = await db.collection('conversations').doc(conversationId).collection('messages').get();
  return snapshot.docs.map((doc) => ({ id: doc.id, ...doc.data() }));
}

/** Polls until `check` passes (persistence after a disconnect happens after the client is gone). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
