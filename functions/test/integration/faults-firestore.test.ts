// Firestore failing under chat and matching, for real: chatMessage, chatStream and suggestions
// in-process against an official Firestore emulator of this file's own, which the tests stop (the
// process killed) and start again on the same port, or cut off with a proxy in front of it
// (connections reset and refused while its data stays). Each test asserts what the client receives,
// what is stored, and recovery when Firestore returns.
import { randomUUID } from 'node:crypto';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatApiError, createChatClient, type ChatStreamEvent } from '../../client/index.js';
import { startGeminiServer, type GeminiServer } from '../../dev/gemini-server/index.js';
import { findOfficialFirestoreEmulator } from '../../dev/services/firestore-official.js';
import { startFirestore, type FirestoreEmulator } from '../../dev/services/firestore.js';
import { getFreePort } from '../../dev/services/ports.js';
import { SAVE_RETRY_DELAYS_MS } from '../../src/lib/features/chat/reply-saver.js';
import { FIRESTORE_DEADLINE_MS } from '../../src/lib/platform/firestore-deadline.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { loadFunctions } from '../support/functions.js';
import { mountFunctions, type MountedFunctions } from '../support/mount.js';
import { applyServiceEnv, signUp, type SignedUpUser } from '../support/services.js';

const official = findOfficialFirestoreEmulator();
let projectId: string;
let firestorePort: number;
let firestore: FirestoreEmulator | undefined;
let proxy: FaultProxy;
let gemini: GeminiServer;
let functions: MountedFunctions;
let direct: { app: App; db: Firestore };
let user: SignedUpUser;
const saved = { ...process.env };

async function startOurFirestore(): Promise<void> {
  firestore = await startFirestore({ prefer: 'official', rules: false, projectId, port: firestorePort });
}

/** Kills the emulator process: every connection gone, nothing listening. */
async function killFirestore(): Promise<void> {
  await firestore?.stop();
  firestore = undefined;
}

const slowReply = (chunks: string[], delayMs: number) => ({
  reply: { kind: 'content' as const, parts: [{ type: 'text' as const, chunks }] },
  chunkDelayMs: delayMs,
});

async function seedProfile(uid: string): Promise<void> {
  await direct.db.doc(`users/${uid}`).set({ displayName: 'Faulty', interests: ['hiking'], purposes: ['friendship'] });
}

/** Calls again while the answer is 503 unavailable, waiting what its Retry-After says (at most 6 tries). */
async function withRetryAfter<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ChatApiError) || error.code !== 'unavailable' || attempt >= 6) throw error;
      await new Promise((resolve) => setTimeout(resolve, (error.retryAfterSeconds ?? 5) * 1000));
    }
  }
}

function post(name: string, body: unknown): Promise<Response> {
  return fetch(functions.url(name), {
    method: 'POST',
    headers: { authorization: `Bearer ${user.idToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
}

describe.skipIf(!official.found)('Firestore fails (official emulator, stopped or cut off)', () => {
  beforeAll(async () => {
    const services = applyServiceEnv();
    projectId = services.projectId;
    firestorePort = await getFreePort();
    await startOurFirestore();
    proxy = await startFaultProxy({ host: '127.0.0.1', port: firestorePort });
    gemini = await startGeminiServer({ chunkDelayMs: [0, 1] });
    Object.assign(process.env, {
      // The functions reach Firestore through the proxy; the test reads it directly.
      FIRESTORE_EMULATOR_HOST: `127.0.0.1:${proxy.port}`,
      GEMINI_BASE_URL: gemini.url,
      GEMINI_API_KEY: gemini.apiKey,
      RATE_LIMIT_PER_MINUTE: '10000',
      DAILY_TOKEN_BUDGET: '0',
      UPSTASH_REDIS_REST_URL: '',
      UPSTASH_REDIS_REST_TOKEN: '',
    });
    functions = await mountFunctions(
      await loadFunctions(['chatMessage', 'chatStream', 'suggestions'], { matching: { sharedCache: false } }),
    );
    const app = initializeApp({ projectId }, `faults-firestore-${randomUUID()}`);
    const db = getFirestore(app);
    db.settings({ host: `127.0.0.1:${firestorePort}`, ssl: false });
    direct = { app, db };
    user = await signUp();
  }, 120_000);

  afterAll(async () => {
    await functions?.close();
    await gemini?.close();
    await proxy?.close();
    if (direct) await deleteApp(direct.app);
    await firestore?.stop();
    process.env = saved;
  }, 60_000);

  it('down: chatMessage and suggestions answer 503 unavailable with Retry-After within the deadline, then recover', async () => {
    await seedProfile(user.uid);
    // An instance that has been serving: its Firestore client is warm (a cold one waits longer once).
    gemini.queue(slowReply(['Hi.'], 0));
    expect((await post('chatMessage', { message: `warm up ${randomUUID()}` })).status).toBe(200);
    await killFirestore();

    for (const [name, call] of [
      ['chatMessage', () => post('chatMessage', { message: `hello ${randomUUID()}` })],
      [
        'suggestions',
        () =>
          fetch(functions.url('suggestions'), {
            headers: { authorization: `Bearer ${user.idToken}` },
            signal: AbortSignal.timeout(60_000),
          }),
      ],
    ] as const) {
      const started = Date.now();
      const response = await call();
      const ms = Date.now() - started;
      const body = (await response.json()) as { error: { code: string; details?: unknown } };
      console.log(`Firestore down: ${name} answered ${response.status} ${body.error.code} after ${ms} ms`);
      expect(response.status, name).toBe(503);
      expect(body.error).toMatchObject({ code: 'unavailable', details: { retryAfterSeconds: 5 } });
      expect(response.headers.get('retry-after')).toBe('5');
    }

    // Firestore returns (an empty emulator on the same port): both answer again.
    await startOurFirestore();
    await seedProfile(user.uid);
    gemini.queue(slowReply(['Back ', 'again.'], 0));
    const chat = await post('chatMessage', { message: `hello again ${randomUUID()}` });
    expect(chat.status).toBe(200);
    expect(((await chat.json()) as { reply: string }).reply).toBe('Back again.');
    const suggestions = await fetch(functions.url('suggestions'), {
      headers: { authorization: `Bearer ${user.idToken}` },
    });
    expect(suggestions.status).toBe(200);
  }, 120_000);

  it('killed mid-stream: every delta, then an error event, never done; chat works when it is back', async () => {
    const client = createChatClient({
      baseUrl: functions.url('chatStream').replace(/\/chatStream$/, ''),
      getIdToken: () => user.idToken,
    });
    const chunks = Array.from({ length: 8 }, (_, i) => `part${i} `);
    gemini.queue(slowReply(chunks, 250));
    const events: Array<ChatStreamEvent & { at: number }> = [];
    let killed: Promise<void> | undefined;
    try {
      for await (const event of client.streamMessage({ message: `tell me ${randomUUID()}` })) {
        events.push({ ...event, at: Date.now() });
        if (event.type === 'delta' && killed === undefined) killed = killFirestore();
      }
    } catch {
      // the client raises the error event after yielding it
    }
    await killed;
    const types = events.map((event) => event.type);
    expect(types).not.toContain('done');
    expect(
      events
        .filter((e) => e.type === 'delta')
        .map((e) => (e as { text: string }).text)
        .join(''),
    ).toBe(chunks.join(''));
    const last = events.at(-1)!;
    expect(last).toMatchObject({ type: 'error', code: 'unavailable', status: 503 });
    const lastDelta = events.filter((e) => e.type === 'delta').at(-1)!;
    console.log(
      `Firestore killed mid-stream: error event ${last.at - lastDelta.at} ms after the last delta (deadline ${FIRESTORE_DEADLINE_MS} ms)`,
    );

    // Back: a client that waits what Retry-After says gets its answer (the client library's
    // connection may take a few seconds to come back from its reconnect backoff).
    await startOurFirestore();
    gemini.queue(slowReply(['Fine ', 'now.'], 0));
    const after = await withRetryAfter(async () => {
      const events: ChatStreamEvent[] = [];
      for await (const event of client.streamMessage({ message: `and now ${randomUUID()}` })) events.push(event);
      return events;
    });
    expect(after.at(-1)?.type).toBe('done');
  }, 120_000);

  it('cut off mid-stream: an error event, never done; the reply is stored once Firestore is reachable, and a retry replays it', async () => {
    const client = createChatClient({
      baseUrl: functions.url('chatStream').replace(/\/chatStream$/, ''),
      getIdToken: () => user.idToken,
    });
    const chunks = Array.from({ length: 6 }, (_, i) => `kept${i} `);
    const clientMessageId = `m-${randomUUID()}`;
    const message = `keep this ${randomUUID()}`;
    gemini.queue(slowReply(chunks, 250));
    const events: ChatStreamEvent[] = [];
    try {
      for await (const event of client.streamMessage({ message, clientMessageId })) {
        events.push(event);
        if (event.type === 'delta' && events.filter((e) => e.type === 'delta').length === 1) await proxy.crash();
      }
    } catch {
      // the error event
    }
    expect(events.map((e) => e.type)).not.toContain('done');
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'unavailable' });
    const start = events[0] as Extract<ChatStreamEvent, { type: 'start' }>;

    // Reachable again: the reply is stored by the turn's own retry (first after 5 s), as it was streamed.
    await proxy.restore();
    const ref = direct.db.doc(`conversations/${start.conversationId}/messages/${start.messageId}`);
    const deadline = Date.now() + SAVE_RETRY_DELAYS_MS[0] + 15_000;
    let stored = (await ref.get()).data();
    while (stored?.status !== 'complete' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      stored = (await ref.get()).data();
    }
    expect(stored, JSON.stringify(stored)).toMatchObject({
      role: 'assistant',
      status: 'complete',
      text: chunks.join(''),
    });

    // The client retries the same message: answered from what was stored (no new model call).
    const requestsBefore = gemini.requests().length;
    const retried: ChatStreamEvent[] = [];
    for await (const event of client.streamMessage({ message, clientMessageId })) retried.push(event);
    expect(retried.at(-1)?.type).toBe('done');
    expect(
      retried
        .filter((e) => e.type === 'delta')
        .map((e) => (e as { text: string }).text)
        .join(''),
    ).toBe(chunks.join(''));
    expect(gemini.requests().length).toBe(requestsBefore);
  }, 120_000);
});
