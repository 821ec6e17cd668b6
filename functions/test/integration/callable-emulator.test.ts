// The official `firebase` JS SDK calling every function by name through the REAL Functions emulator
// (built lib/), signed in through the Auth emulator, the functions reading and writing the Firestore
// emulator and talking to the shared Gemini-protocol server (scripted per test): `httpsCallable`,
// `httpsCallableFromURL` and `.stream()` with no code of ours on the app side. chatStream is read
// chunk by chunk. The error classes that need a controlled environment (rate limits, upstream
// outages, aborts) are in callable-sdk.test.ts, in-process.
import { getAuth as getAdminAuth } from 'firebase-admin/auth';
import { getFirestore as getAdminFirestore } from 'firebase-admin/firestore';
import { doc, getDoc } from 'firebase/firestore';
import { FunctionsError, httpsCallable, httpsCallableFromURL } from 'firebase/functions';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GeminiServerControl } from '../../dev/gemini-server/control-client.js';
import { OFFLINE_MARK } from '../../dev/gemini-server/index.js';
import { DEMO_EMAIL, DEMO_PASSWORD, seedDemoData, seedDemoUser } from '../../dev/seed.js';
import { getAdminApp } from '../../src/lib/platform/firebase.js';
import { functionsError, readCallableStream, sdkApp, type SdkApp } from '../support/firebase-sdk.js';
import { ONE_PIXEL_PNG } from '../support/example-requests.js';
import { applyServiceEnv, clearFirestore, functionUrl } from '../support/services.js';

type Chunk = { type: string } & Record<string, unknown>;

let gemini: GeminiServerControl;
let demo: SdkApp;
let demoUid: string;

beforeAll(async () => {
  const services = applyServiceEnv();
  gemini = new GeminiServerControl(services.gemini.url);
  const db = getAdminFirestore(getAdminApp());
  // The demo world only: earlier files' people would be in the pool and could outrank it.
  await clearFirestore();
  await seedDemoData(db);
  demoUid = await seedDemoUser(getAdminAuth(getAdminApp()), db);
  demo = await sdkApp({ email: DEMO_EMAIL, password: DEMO_PASSWORD });
});
afterAll(async () => {
  await demo?.close();
});
beforeEach(async () => {
  await gemini.reset();
});

const fresh = (label: string) => `${label} ${Date.now()}-${Math.random().toString(36).slice(2)}`;

describe('every function answers the SDK by name', () => {
  it('chatMessage: {data: request} gets {result: the JSON answer}', async () => {
    const { data } = await httpsCallable(demo.functions, 'chatMessage')({ message: fresh('hello') });
    expect(data).toMatchObject({ conversationId: expect.any(String), messageId: expect.any(String), cached: false });
    expect((data as { reply: string }).reply).toContain(OFFLINE_MARK);
  });

  it('chatStream (plain call): the whole reply as the result', async () => {
    const { data } = await httpsCallable(demo.functions, 'chatStream')({ message: fresh('plain stream') });
    expect(data).toMatchObject({
      conversationId: expect.any(String),
      messageId: expect.any(String),
      text: expect.stringContaining(OFFLINE_MARK),
      toolCalls: expect.any(Array),
      finishReason: 'STOP',
      model: expect.any(String),
    });
  });

  it('matchUsers, matchEvents and suggestions (a GET by REST; callables are always POST)', async () => {
    const users = (await httpsCallable(demo.functions, 'matchUsers')({})).data as {
      matches: Array<{ userId: string }>;
    };
    expect(users.matches[0].userId).toBe('seed-maya');
    expect(users.matches.map((m) => m.userId)).not.toContain(demoUid);
    const events = (await httpsCallable(demo.functions, 'matchEvents')({ limit: 5 })).data as {
      matches: Array<{ eventId: string }>;
    };
    expect(events.matches.map((m) => m.eventId)).toContain('seed-sunrise-hike');
    // No arguments at all (data null), and the query as data.
    const all = (await httpsCallable(demo.functions, 'suggestions')()).data as { users: unknown[]; events: unknown[] };
    expect(all.users.length).toBeGreaterThan(0);
    expect(all.events.length).toBeGreaterThan(0);
    const one = (await httpsCallable(demo.functions, 'suggestions')({ limit: 1 })).data as { users: unknown[] };
    expect(one.users).toHaveLength(1);
  });

  it('generateImage streams progress chunks and ends with the stored image as the result', async () => {
    await gemini.queue({
      reply: { kind: 'content', parts: [{ type: 'image', width: 64, height: 48, imageBytes: 2_000_000 }] },
    });
    const call = await httpsCallable(demo.functions, 'generateImage').stream({
      prompt: 'a lighthouse',
      aspectRatio: '4:3',
    });
    const { chunks, result, error } = await readCallableStream<Chunk>(call);
    expect(error).toBeUndefined();
    expect(chunks[0]).toMatchObject({ type: 'start', kind: 'generate' });
    const progress = chunks.filter((chunk) => chunk.type === 'progress').map((chunk) => chunk.bytes as number);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBeLessThanOrEqual(2_000_000);
    const { image } = result as { image: { id: string; url: string; contentLength: number } };
    expect(image.contentLength).toBe(2_000_000);
    expect((await fetch(image.url)).status).toBe(200);
    // The app reads its image record under the security rules.
    expect((await getDoc(doc(demo.firestore, 'images', image.id))).data()).toMatchObject({ url: image.url });
  });

  it('editImage (plain call): the edited image as the result', async () => {
    const { data } = await httpsCallable(
      demo.functions,
      'editImage',
    )({
      image: `data:image/png;base64,${ONE_PIXEL_PNG}`,
      editPrompt: 'make it snow',
    });
    expect((data as { image: { url: string } }).image.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('httpsCallableFromURL works at the function URL as well', async () => {
    const { data } = await httpsCallableFromURL(demo.functions, functionUrl('matchEvents'))({ limit: 2 });
    expect((data as { matches: unknown[] }).matches.length).toBeLessThanOrEqual(2);
  });
});

describe('chatStream through .stream()', () => {
  it('chunk by chunk as the model writes: start, deltas, then the whole reply; the app reads it stored', async () => {
    await gemini.queue({
      match: { action: 'streamGenerateContent' },
      reply: { kind: 'content', parts: [{ type: 'text', chunks: ['Meet ', 'at the ', 'lighthouse.'] }] },
      chunkDelayMs: 300,
    });
    const call = await httpsCallable(demo.functions, 'chatStream').stream({ message: fresh('streamed') });
    const { chunks, arrivedAt, result, error } = await readCallableStream<Chunk>(call);
    expect(error).toBeUndefined();
    expect(chunks.map((chunk) => chunk.type)).toEqual(['start', 'delta', 'delta', 'delta']);
    expect(chunks.slice(1).map((chunk) => chunk.text)).toEqual(['Meet ', 'at the ', 'lighthouse.']);
    // The first words reached the app before the model had finished writing.
    const [upstream] = await gemini.requests({ action: 'streamGenerateContent' });
    expect(arrivedAt[1]).toBeLessThan(upstream.endedAt!);
    const start = chunks[0] as unknown as { conversationId: string; messageId: string };
    expect(result).toEqual({
      conversationId: start.conversationId,
      messageId: start.messageId,
      text: 'Meet at the lighthouse.',
      toolCalls: [],
      finishReason: 'STOP',
      usage: expect.objectContaining({ totalTokens: expect.any(Number) }),
      model: expect.any(String),
      cached: false,
      timeZone: 'UTC',
      timeZoneSource: 'default',
    });
    const stored = await getDoc(
      doc(demo.firestore, 'conversations', start.conversationId, 'messages', start.messageId),
    );
    expect(stored.data()).toMatchObject({ text: 'Meet at the lighthouse.', status: 'complete' });
  });

  it('a failure after the stream started arrives inside it: the chunks so far, then the error', async () => {
    await gemini.queue({
      match: { action: 'streamGenerateContent' },
      reply: { kind: 'blocked', blockReason: 'SAFETY' },
    });
    const call = await httpsCallable(demo.functions, 'chatStream').stream({ message: fresh('blocked stream') });
    const { chunks, error } = await readCallableStream<Chunk>(call);
    expect(chunks.map((chunk) => chunk.type)).toEqual(['start']);
    expect(error).toBeInstanceOf(FunctionsError);
    expect(error).toMatchObject({ code: 'functions/failed-precondition', details: { code: 'blocked' } });
  });
});

describe('errors reach the SDK as FunctionsError with our code', () => {
  it('invalid-argument: the schema issues, located in data', async () => {
    const error = await functionsError(httpsCallable(demo.functions, 'chatMessage')({ message: '' }));
    expect(error.code).toBe('functions/invalid-argument');
    expect(error.details).toMatchObject({
      code: 'invalid_request',
      requestId: expect.any(String),
      issues: [{ location: 'data', path: ['message'] }],
    });
  });

  it('unauthenticated: an app that is not signed in', async () => {
    const anonymous = await sdkApp({ signIn: false });
    try {
      const error = await functionsError(httpsCallable(anonymous.functions, 'matchUsers')({}));
      expect(error.code).toBe('functions/unauthenticated');
      expect(error.details).toMatchObject({ code: 'unauthenticated' });
      const streamed = await readCallableStream(
        await httpsCallable(anonymous.functions, 'chatStream').stream({ message: 'x' }),
      );
      expect(streamed.error).toMatchObject({ code: 'functions/unauthenticated' });
    } finally {
      await anonymous.close();
    }
  });

  it("not-found: a conversation that is not the caller's", async () => {
    const error = await functionsError(
      httpsCallable(demo.functions, 'chatMessage')({ message: 'hi', conversationId: 'no-such-conversation' }),
    );
    expect(error.code).toBe('functions/not-found');
    expect(error.details).toMatchObject({ code: 'conversation_not_found' });
  });

  it("permission-denied: someone else's suggestions (the uid in the URL)", async () => {
    const error = await functionsError(
      httpsCallableFromURL(demo.functions, `${functionUrl('suggestions')}/seed-maya`)(),
    );
    expect(error.code).toBe('functions/permission-denied');
    expect(error.details).toMatchObject({ code: 'forbidden' });
  });

  it('failed-precondition: a prompt the safety filters blocked', async () => {
    await gemini.queue({
      match: { action: 'streamGenerateContent' },
      reply: { kind: 'blocked', blockReason: 'SAFETY' },
    });
    const error = await functionsError(httpsCallable(demo.functions, 'chatMessage')({ message: fresh('blocked') }));
    expect(error.code).toBe('functions/failed-precondition');
    expect(error.details).toMatchObject({ code: 'blocked' });
  });
});
