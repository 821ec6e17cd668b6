// The Gemini server killed in the middle of a reply, for real: chatStream and matchUsers in-process,
// the local Gemini-protocol server of this file's own closed with its connections while it streams,
// then started again on the same port. What the client receives (the deltas, then one error event),
// what is stored (the partial reply, as an error), matching's template explanations while it is
// gone, and chat working again once it is back.
import { randomUUID } from 'node:crypto';
import { getFirestore } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatClient, type ChatStreamEvent } from '../../client/index.js';
import { startGeminiServer, type GeminiServer } from '../../dev/gemini-server/index.js';
import { syncMatchFields } from '../../src/lib/features/matching/index.js';
import { getAdminApp } from '../../src/lib/platform/firebase.js';
import { loadFunctions } from '../support/functions.js';
import { mountFunctions, type MountedFunctions } from '../support/mount.js';
import { applyServiceEnv, signUp, type SignedUpUser } from '../support/services.js';

let gemini: GeminiServer | undefined;
let geminiPort: number;
let functions: MountedFunctions;
let user: SignedUpUser;
const saved = { ...process.env };

const slowReply = (chunks: string[], delayMs: number) => ({
  reply: { kind: 'content' as const, parts: [{ type: 'text' as const, chunks }] },
  chunkDelayMs: delayMs,
});

beforeAll(async () => {
  applyServiceEnv();
  gemini = await startGeminiServer({ chunkDelayMs: [0, 1] });
  geminiPort = gemini.port;
  Object.assign(process.env, {
    GEMINI_BASE_URL: gemini.url,
    GEMINI_API_KEY: gemini.apiKey,
    RATE_LIMIT_PER_MINUTE: '10000',
    UPSTASH_REDIS_REST_URL: '',
    UPSTASH_REDIS_REST_TOKEN: '',
  });
  functions = await mountFunctions(
    await loadFunctions(['chatStream', 'matchUsers'], { matching: { sharedCache: false } }),
  );
  user = await signUp();
}, 60_000);

afterAll(async () => {
  await functions?.close();
  await gemini?.close();
  process.env = saved;
});

describe('Gemini killed mid-stream', () => {
  it('ends the stream with one error event, stores the partial reply, matching falls back to templates, chat recovers', async () => {
    const client = createChatClient({
      baseUrl: functions.url('chatStream').replace(/\/chatStream$/, ''),
      getIdToken: () => user.idToken,
    });
    const chunks = Array.from({ length: 10 }, (_, i) => `word${i} `);
    gemini!.queue(slowReply(chunks, 200));
    const events: ChatStreamEvent[] = [];
    let killed: Promise<void> | undefined;
    try {
      for await (const event of client.streamMessage({ message: `a long story ${randomUUID()}` })) {
        events.push(event);
        const deltas = events.filter((e) => e.type === 'delta').length;
        if (deltas === 3 && killed === undefined) killed = gemini!.close();
      }
    } catch (error) {
      // the client raises the error event after yielding it
      if (events.length === 0) throw error;
    }
    await killed;
    gemini = undefined;
    const streamed = events
      .filter((e) => e.type === 'delta')
      .map((e) => (e as { text: string }).text)
      .join('');
    expect(events.map((e) => e.type)).not.toContain('done');
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'upstream_error', status: 502 });
    expect(streamed.length).toBeGreaterThan(0);
    expect(chunks.join('').startsWith(streamed)).toBe(true);

    // Stored: the partial reply, marked as an error (never as complete).
    const start = events[0] as Extract<ChatStreamEvent, { type: 'start' }>;
    const db = getFirestore(getAdminApp());
    const stored = (await db.doc(`conversations/${start.conversationId}/messages/${start.messageId}`).get()).data();
    expect(stored).toMatchObject({ role: 'assistant', status: 'error', text: streamed });

    // While Gemini is gone, matching answers with template explanations.
    await db.doc(`users/${user.uid}`).set({ interests: ['hiking', 'jazz'], purposes: ['friendship'] });
    await db
      .doc(`users/other-${user.uid}`)
      .set({ displayName: 'Other', interests: ['hiking'], purposes: ['friendship'] });
    // What the matchProfileSync trigger would do: with a people pool left by earlier files, matchUsers
    // reads candidates from it, and a profile outside it is never found.
    for (const uid of [user.uid, `other-${user.uid}`]) await syncMatchFields(db, uid, { force: true });
    const matches = await fetch(functions.url('matchUsers'), {
      method: 'POST',
      headers: { authorization: `Bearer ${user.idToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ limit: 5 }),
    });
    expect(matches.status).toBe(200);
    const body = (await matches.json()) as { matches: Array<{ userId: string; explanationSource: string }> };
    expect(body.matches.find((m) => m.userId === `other-${user.uid}`)?.explanationSource).toBe('template');

    // Gemini is back on its port: chat answers again.
    gemini = await startGeminiServer({ port: geminiPort, chunkDelayMs: [0, 1] });
    gemini.queue(slowReply(['Back ', 'again.'], 0));
    const after: ChatStreamEvent[] = [];
    for await (const event of client.streamMessage({ message: `are you back ${randomUUID()}` })) after.push(event);
    expect(after.at(-1)?.type).toBe('done');
  }, 90_000);
});
