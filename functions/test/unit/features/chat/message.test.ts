// answerChatMessage through the ChatDeps seam: an in-memory store, the in-memory cache and a
// scripted Gemini transport (SSE bodies built here), no services.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerChatMessage, type ChatDeps } from '../../../../src/lib/features/chat/index.js';
import { GeminiChatModel } from '../../../../src/lib/features/chat/backends/gemini-model.js';
import type { SaveReplyInput } from '../../../../src/lib/features/chat/store.js';
import { MemoryLruCache } from '../../../../src/lib/platform/cache/index.js';
import { getConfig } from '../../../../src/lib/platform/config/index.js';
import type { GeminiStreamRequest } from '../../../../src/lib/platform/gemini/streaming-client.js';
import { HttpError } from '../../../../src/lib/platform/http/errors.js';
import { createLogger } from '../../../../src/lib/platform/logging.js';

const log = createLogger({ test: 'chat-message' });

const chunk = (text: string, finishReason?: string) => ({
  candidates: [{ content: { role: 'model', parts: [{ text }] }, ...(finishReason ? { finishReason } : {}) }],
  usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 },
});

/** Gemini's answer: these events; with `onFirstSent`, nothing after the first until the request is aborted. */
async function* sseBody(events: object[], signal: AbortSignal | undefined, onFirstSent?: () => void) {
  for (const [index, event] of events.entries()) {
    yield Buffer.from(`data: ${JSON.stringify(event)}\r\n\r\n`);
    if (index === 0 && onFirstSent) {
      onFirstSent();
      await new Promise((_, reject) => {
        if (signal?.aborted) reject(signal.reason);
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }
  }
}

function fakeDeps(events: object[], options: { onFirstSent?: () => void } = {}) {
  const requests: GeminiStreamRequest[] = [];
  const saved: SaveReplyInput[] = [];
  const deps: ChatDeps = {
    store: {
      claimTurn: async () => ({ kind: 'started', attemptId: `attempt-${saved.length + 1}` }),
      loadProfile: async () => undefined,
      loadHistory: async () => [],
      saveReply: async (input) => void saved.push(input),
    },
    cache: new MemoryLruCache(),
    model: new GeminiChatModel({
      fetch: async (request) => {
        requests.push(request);
        return { status: 200, headers: new Headers(), body: sseBody(events, request.signal, options.onFirstSent) };
      },
    }),
  };
  return { deps, requests, saved };
}

const savedEnv = { ...process.env };
beforeEach(() => {
  process.env.GEMINI_TEXT_MODEL = 'gemini-test-text';
});
afterEach(() => {
  process.env = { ...savedEnv };
});

describe('answerChatMessage', () => {
  it('answers with the whole reply from the configured text model, and stores it complete', async () => {
    const { deps, requests, saved } = fakeDeps([chunk('Hel'), chunk('lo', 'STOP')]);
    const body = { message: 'hi there' };
    const response = await answerChatMessage(deps, {
      uid: 'u1',
      body,
      config: getConfig(),
      text: { model: 'gemini-test-text' },
      log,
      signal: new AbortController().signal,
    });

    expect(response).toMatchObject({ reply: 'Hello', finishReason: 'STOP', cached: false, usage: { totalTokens: 5 } });
    expect(response.conversationId).toBe(saved[0].ids.conversationId);
    expect(response.messageId).toBe(saved[0].ids.assistantMessageId);
    expect(requests.map((request) => request.model)).toEqual(['gemini-test-text']);
    expect(saved.map(({ reply }) => [reply.status, reply.text])).toEqual([['complete', 'Hello']]);
  });

  it('prices the turn: usage.costUsd on the answer and the stored reply, charged to the cost budget', async () => {
    process.env.MODEL_PRICES = JSON.stringify({ 'gemini-test-text': { input: 1, output: 2, cachedInput: 0.1 } });
    const thinking = {
      ...chunk('Hello', 'STOP'),
      usageMetadata: {
        promptTokenCount: 3000,
        cachedContentTokenCount: 2000,
        candidatesTokenCount: 20,
        thoughtsTokenCount: 80,
        totalTokenCount: 3100,
      },
    };
    const { deps, saved } = fakeDeps([thinking]);
    const charged: Array<number | null> = [];
    const response = await answerChatMessage(deps, {
      uid: 'u1',
      body: { message: 'hi there' },
      config: getConfig(),
      text: { model: 'gemini-test-text' },
      log,
      signal: new AbortController().signal,
      budget: { chargeTokens: async () => undefined, chargeCost: async (usd) => void charged.push(usd) },
    });
    // 3000 prompt tokens at $1 (no cache discount shown) + (20 + 80 thinking) output tokens at $2 per million.
    expect(response.usage).toMatchObject({ totalTokens: 3100, costUsd: 0.0032 });
    expect(saved[0].reply.usage).toMatchObject({ costUsd: 0.0032 });
    expect(charged).toEqual([0.0032]);
  });

  it('reports costUsd null, not 0, for a model with no price', async () => {
    const { deps } = fakeDeps([chunk('Hello', 'STOP')]);
    const response = await answerChatMessage(deps, {
      uid: 'u1',
      body: { message: 'hi there' },
      config: getConfig(),
      text: { model: 'gemini-test-text' },
      log,
      signal: new AbortController().signal,
    });
    expect(response.usage).toEqual({ promptTokens: 3, outputTokens: 2, totalTokens: 5, costUsd: null });
  });

  it('answers the same question in the same conversation from the cache without calling Gemini, never in another', async () => {
    const { deps, requests } = fakeDeps([chunk('Hello', 'STOP')]);
    const ask = (conversationId?: string) =>
      answerChatMessage(deps, {
        uid: 'u1',
        body: { message: 'hi', ...(conversationId ? { conversationId } : {}) },
        config: getConfig(),
        text: { model: 'gemini-test-text' },
        log,
        signal: new AbortController().signal,
      });
    await ask('conversation-1');
    expect(await ask('conversation-1')).toMatchObject({ reply: 'Hello', cached: true });
    expect(requests).toHaveLength(1);
    expect(await ask('conversation-2')).toMatchObject({ cached: false });
    expect(await ask()).toMatchObject({ cached: false }); // a new conversation
    expect(requests).toHaveLength(3);
  });

  it('answers 499 client_closed_request when the client leaves mid-reply, keeping the partial reply as interrupted', async () => {
    const client = new AbortController();
    const { deps, saved } = fakeDeps([chunk('Hel'), chunk('lo', 'STOP')], {
      onFirstSent: () => client.abort(new Error('left')),
    });
    const failure = await answerChatMessage(deps, {
      uid: 'u1',
      body: { message: 'hi' },
      config: getConfig(),
      text: { model: 'gemini-test-text' },
      log,
      signal: client.signal,
    }).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(HttpError);
    expect(failure).toMatchObject({ status: 499, code: 'client_closed_request' });
    expect(saved.map(({ reply }) => [reply.status, reply.text])).toEqual([['interrupted', 'Hel']]);
  });
});
