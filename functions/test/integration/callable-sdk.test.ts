// The official `firebase` JS SDK against the exported chat functions mounted in-process on real HTTP
// (httpsCallableFromURL), signed in through the Auth emulator, with a scripted Gemini-protocol server:
// every error class with its code where the environment must be controlled (rate limit, upstream
// outage and timeout, a duplicate in flight, revocation), an abort mid-stream stopping the upstream
// call (the Functions emulator does not pass disconnects on; a mount does, as Cloud Run does), and App
// Check with the SDK's own tokens: limited-use tokens, replay protection, and an app without App Check.
import { randomUUID } from 'node:crypto';
import { FunctionsError, httpsCallableFromURL } from 'firebase/functions';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { firebaseAppCheckVerifier } from '../../src/lib/platform/app-check/verifier.js';
import { getAdminAuth } from '../../src/lib/platform/firebase.js';
import { defineEndpoint } from '../../src/lib/platform/http/index.js';
import { startLocalAppCheck, type LocalAppCheck } from '../support/app-check.js';
import { scopedEnv } from '../support/env.js';
import { scopedTuning } from '../support/tuning.js';
import { functionsError, readCallableStream, sdkApp, type SdkApp } from '../support/firebase-sdk.js';
import { mountFunctions, type MountedFunctions } from '../support/mount.js';
import { eventually, messagesOf, startChatHarness, textReply, type ChatHarness } from './chat-support.js';
import { awayFromMinuteEdge } from '../support/minute-window.js';

type Chunk = { type: string } & Record<string, unknown>;

let h: ChatHarness;
let app: SdkApp;
const setEnv = scopedEnv();
const tune = scopedTuning(() => h.tuning);

beforeAll(async () => {
  h = await startChatHarness();
  app = await sdkApp();
});
afterAll(async () => {
  await app?.close();
  await h?.close();
});
beforeEach(() => h.gemini.reset());

const fresh = (label: string): string => `${label} ${randomUUID()}`;
const chat = (name: 'chatMessage' | 'chatStream', sdk: SdkApp = app) =>
  httpsCallableFromURL(sdk.functions, `${h.baseUrl}/${name}`);

describe('error classes, each with its code', () => {
  it('resource-exhausted: over the per-user rate limit, with retryAfterSeconds; no model call', async () => {
    setEnv({ RATE_LIMIT_PER_MINUTE: '1' });
    const sdk = await sdkApp();
    try {
      await awayFromMinuteEdge();
      await chat('chatMessage', sdk)({ message: fresh('one') });
      const error = await functionsError(chat('chatMessage', sdk)({ message: fresh('two') }));
      expect(error.code).toBe('functions/resource-exhausted');
      expect(error.details).toMatchObject({ code: 'rate_limited', limit: 1, retryAfterSeconds: expect.any(Number) });
      const streamed = await readCallableStream(await chat('chatStream', sdk).stream({ message: fresh('three') }));
      expect(streamed.error).toMatchObject({ code: 'functions/resource-exhausted', details: { code: 'rate_limited' } });
      expect(h.gemini.requests({ action: 'streamGenerateContent' })).toHaveLength(1);
    } finally {
      await sdk.close();
    }
  });

  it('aborted: the same clientMessageId while the first is still being answered', async () => {
    const clientMessageId = randomUUID();
    const message = fresh('slow');
    // Still being answered 1.5 s later (under the harness's 3 s first-chunk timeout).
    h.gemini.queue({ ...textReply(['slow ', 'reply'], 300), latencyMs: 1_500 });
    const first = chat('chatMessage')({ message, clientMessageId });
    await h.gemini.waitForRequest({ action: 'streamGenerateContent' }, { stage: 'received' });
    const error = await functionsError(chat('chatMessage')({ message, clientMessageId }));
    expect(error.code).toBe('functions/aborted');
    expect(error.details).toMatchObject({ code: 'in_progress' });
    expect(((await first).data as { reply: string }).reply).toBe('slow reply');
  });

  it('unavailable: Gemini overloaded after the retries', async () => {
    tune({ chat: { retryMaxAttempts: 2 } });
    h.gemini.queue({ reply: { kind: 'http-error', code: 503, message: 'overloaded secret-detail' }, times: 2 });
    const error = await functionsError(chat('chatMessage')({ message: fresh('overloaded') }));
    expect(error.code).toBe('functions/unavailable');
    expect(error.details).toMatchObject({ code: 'upstream_unavailable' });
    expect(error.message).not.toMatch(/secret-detail/);
  });

  it('deadline-exceeded: a silent upstream', async () => {
    tune({ chat: { firstChunkTimeoutMs: 200, retryMaxAttempts: 1 } });
    h.gemini.queue({ ...textReply(['late']), fault: { type: 'stall', afterEvents: 0 } });
    const error = await functionsError(chat('chatMessage')({ message: fresh('stall') }));
    expect(error.code).toBe('functions/deadline-exceeded');
    expect(error.details).toMatchObject({ code: 'upstream_timeout' });
  });

  it("internal: an upstream error that is not the caller's fault, presentable and with its code", async () => {
    h.gemini.queue({ reply: { kind: 'http-error', code: 400, message: 'upstream internals' } });
    const error = await functionsError(chat('chatMessage')({ message: fresh('upstream 400') }));
    expect(error.code).toBe('functions/internal');
    expect(error.details).toMatchObject({ code: 'upstream_error', requestId: expect.any(String) });
    expect(error.message).not.toMatch(/upstream internals/);
  });

  it('in the stream once it started: the chunks so far, then the error (internal, upstream_error)', async () => {
    h.gemini.queue({
      ...textReply(['partial ', 'text ', 'lost']),
      fault: { type: 'error-event', afterEvents: 2, code: 500 },
    });
    const { chunks, error } = await readCallableStream<Chunk>(
      await chat('chatStream').stream({ message: fresh('midway') }),
    );
    expect(chunks.map((chunk) => chunk.type)).toEqual(['start', 'delta', 'delta']);
    expect(error).toMatchObject({ code: 'functions/internal', details: { code: 'upstream_error' } });
  });

  it('unauthenticated (token_revoked): a signed-in app whose sessions were revoked', async () => {
    const sdk = await sdkApp();
    try {
      const idToken = await sdk.user!.getIdToken();
      const authTime = (JSON.parse(Buffer.from(idToken.split('.')[1], 'base64url').toString()) as { auth_time: number })
        .auth_time;
      while (Math.floor(Date.now() / 1000) <= authTime) await new Promise((resolve) => setTimeout(resolve, 50));
      await getAdminAuth().revokeRefreshTokens(sdk.user!.uid);
      const error = await functionsError(chat('chatMessage', sdk)({ message: 'after revocation' }));
      expect(error.code).toBe('functions/unauthenticated');
      expect(error.details).toMatchObject({ code: 'token_revoked' });
    } finally {
      await sdk.close();
    }
  });
});

describe('abort mid-stream', () => {
  it('stops the upstream Gemini call and stores the partial reply as interrupted', async () => {
    h.gemini.queue(
      textReply(
        Array.from({ length: 100 }, (_, i) => `w${i} `),
        20,
      ),
    );
    const controller = new AbortController();
    const call = await chat('chatStream').stream({ message: fresh('abort') }, { signal: controller.signal });
    const dataOutcome = call.data.then(
      () => 'resolved',
      (error: FunctionsError) => error.code,
    );
    const chunks: Chunk[] = [];
    let abortedAt = 0;
    const reading = (async () => {
      for await (const chunk of call.stream) {
        chunks.push(chunk as Chunk);
        if (chunks.filter((c) => c.type === 'delta').length === 3) {
          abortedAt = Date.now();
          controller.abort();
        }
      }
    })();
    // The SDK's own verdicts: `data` is cancelled; the iterator fails with whatever its reader met first
    // (in Node the aborted fetch body, which it reports as internal).
    await expect(reading).rejects.toBeInstanceOf(FunctionsError);
    expect(await dataOutcome).toBe('functions/cancelled');
    expect(chunks.filter((c) => c.type === 'delta')).toHaveLength(3);

    const upstream = await h.gemini.waitForRequest({ action: 'streamGenerateContent' });
    expect(upstream.outcome).toBe('aborted');
    expect(upstream.eventsSent).toBeLessThan(100);
    expect(upstream.abortedAt! - abortedAt).toBeLessThan(1_000);
    const start = chunks[0] as unknown as { conversationId: string; messageId: string };
    await eventually(async () => {
      const stored = (await messagesOf(h.db, start.conversationId)).find((m) => m.id === start.messageId);
      expect(stored?.status).toBe('interrupted');
    });
  });
});

describe('App Check from the SDK (replay-protected endpoint, APP_CHECK=enforce)', () => {
  let local: LocalAppCheck;
  let mounted: MountedFunctions;

  beforeAll(async () => {
    local = await startLocalAppCheck({ projectId: 'demo-callable-app-check' });
    const verifierApp = local.adminApp();
    // The real ID-token verification (Auth emulator); App Check verified against the local key set.
    const guarded = defineEndpoint(
      {
        name: 'guarded',
        method: 'POST',
        body: z.object({ message: z.string().min(1) }),
        rateLimit: false,
        appCheck: { replayProtected: true },
        handle: ({ scope: { uid }, body }) => ({ uid, message: body.message }),
      },
      { appCheckVerifier: firebaseAppCheckVerifier(() => verifierApp) },
    );
    mounted = await mountFunctions({ guarded });
  });
  afterAll(async () => {
    await mounted?.close();
    await local?.stop();
  });
  beforeEach(() => {
    setEnv({ APP_CHECK: 'enforce', APP_CHECK_REPLAY_PROTECTION: 'true' });
  });

  it('an app without App Check is refused: unauthenticated, app_check_failed (missing)', async () => {
    const error = await functionsError(httpsCallableFromURL(app.functions, mounted.url('guarded'))({ message: 'hi' }));
    expect(error.code).toBe('functions/unauthenticated');
    expect(error.details).toMatchObject({ code: 'app_check_failed', reason: 'missing' });
  });

  it('limited-use tokens: a fresh token per call passes; the same token twice is a replay', async () => {
    const withFreshTokens = await sdkApp({ appCheckToken: () => local.mint() });
    const sameToken = local.mint();
    const withOneToken = await sdkApp({ appCheckToken: () => sameToken });
    try {
      const limited = httpsCallableFromURL(withFreshTokens.functions, mounted.url('guarded'), {
        limitedUseAppCheckTokens: true,
      });
      expect((await limited({ message: 'one' })).data).toEqual({ uid: withFreshTokens.user!.uid, message: 'one' });
      expect((await limited({ message: 'two' })).data).toMatchObject({ message: 'two' });

      const reused = httpsCallableFromURL(withOneToken.functions, mounted.url('guarded'), {
        limitedUseAppCheckTokens: true,
      });
      await reused({ message: 'first use' });
      const error = await functionsError(reused({ message: 'replayed' }));
      expect(error.code).toBe('functions/unauthenticated');
      expect(error.details).toMatchObject({ code: 'app_check_failed', reason: 'replayed' });
    } finally {
      await withFreshTokens.close();
      await withOneToken.close();
    }
  });
});
