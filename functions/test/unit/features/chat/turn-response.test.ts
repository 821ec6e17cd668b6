// answerChatMessage through the ChatDeps seam: an in-memory store, the in-memory cache and a
// scripted Gemini transport (SSE bodies built here), no services.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerChatMessage, type ChatDeps } from '../../../../src/lib/features/chat/index.js';
import { GeminiChatModel } from '../../../../src/lib/features/chat/backends/gemini-model.js';
import type { HistoryMessage } from '../../../../src/lib/features/chat/prompt.js';
import type { SaveReplyInput } from '../../../../src/lib/features/chat/store.js';
import { MemoryLruCache } from '../../../../src/lib/platform/cache/index.js';
import { testScope } from '../../../support/request-scope.js';
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

/** Monday 7 December 2026, 09:15 in Los Angeles. */
const MONDAY_MORNING_LA = Date.parse('2026-12-07T17:15:00Z');

interface FakeOptions {
  onFirstSent?: () => void;
  profile?: Record<string, unknown>;
  history?: HistoryMessage[];
  clock?: () => number;
}

function fakeDeps(events: object[], options: FakeOptions = {}) {
  const requests: GeminiStreamRequest[] = [];
  const saved: SaveReplyInput[] = [];
  const deps: ChatDeps = {
    store: {
      claimTurn: async () => ({ kind: 'started', attemptId: `attempt-${saved.length + 1}` }),
      loadProfile: async () => options.profile,
      loadHistory: async () => options.history ?? [],
      saveReply: async (input) => void saved.push(input),
    },
    clock: options.clock ?? (() => MONDAY_MORNING_LA),
    cache: new MemoryLruCache(),
    modelName: 'gemini-test-text',
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
      scope: testScope({ log }),
      body,
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
      scope: testScope({
        log,
        budget: { chargeTokens: async () => undefined, chargeCost: async (usd) => void charged.push(usd) },
      }),
      body: { message: 'hi there' },
    });
    // 3000 prompt tokens at $1 (no cache discount shown) + (20 + 80 thinking) output tokens at $2 per million.
    expect(response.usage).toMatchObject({ totalTokens: 3100, costUsd: 0.0032 });
    expect(saved[0].reply.usage).toMatchObject({ costUsd: 0.0032 });
    expect(charged).toEqual([0.0032]);
  });

  it('reports costUsd null, not 0, for a model with no price', async () => {
    const { deps } = fakeDeps([chunk('Hello', 'STOP')]);
    const response = await answerChatMessage(deps, {
      scope: testScope({ log }),
      body: { message: 'hi there' },
    });
    expect(response.usage).toEqual({ promptTokens: 3, outputTokens: 2, totalTokens: 5, costUsd: null });
  });

  it('answers the same question in the same conversation from the cache without calling Gemini, never in another', async () => {
    const { deps, requests } = fakeDeps([chunk('Hello', 'STOP')]);
    const ask = (conversationId?: string) =>
      answerChatMessage(deps, {
        scope: testScope({ log }),
        body: { message: 'hi', ...(conversationId ? { conversationId } : {}) },
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
      scope: testScope({ log, signal: client.signal }),
      body: { message: 'hi' },
    }).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(HttpError);
    expect(failure).toMatchObject({ status: 499, code: 'client_closed_request' });
    expect(saved.map(({ reply }) => [reply.status, reply.text])).toEqual([['interrupted', 'Hel']]);
  });
});

describe('the turn knows when and where the user is', () => {
  const ask = (deps: ChatDeps, body: { message: string; timeZone?: string; conversationId?: string }) =>
    answerChatMessage(deps, {
      scope: testScope({ log }),
      body,
    });
  const instruction = (request: GeminiStreamRequest) => request.request.systemInstruction?.parts[0].text ?? '';

  it('tells the model the local date, weekday and time in the request’s zone, and stores them with the turn', async () => {
    const { deps, requests, saved } = fakeDeps([chunk('Hi', 'STOP')], { profile: { timeZone: 'Europe/London' } });
    const response = await ask(deps, { message: 'hi', timeZone: 'America/Los_Angeles' });
    expect(response).toMatchObject({ timeZone: 'America/Los_Angeles', timeZoneSource: 'request' });
    const text = instruction(requests[0]);
    expect(text).toContain('Current local time: 2026-12-07 09:15 (Monday), time zone America/Los_Angeles (UTC-08:00).');
    expect(text).toContain('Today is Monday 7 December 2026');
    expect(text).toContain('Sat 2026-12-12, Sun 2026-12-13');
    expect(text).not.toContain('UTC, because');
    expect(saved[0].sent).toEqual({ date: '2026-12-07', time: '09:15', timeZone: 'America/Los_Angeles' });
  });

  it('falls back to the profile’s zone, then to UTC, and then says so', async () => {
    const fromProfile = fakeDeps([chunk('Hi', 'STOP')], { profile: { timeZone: 'Asia/Tokyo' } });
    expect(await ask(fromProfile.deps, { message: 'hi' })).toMatchObject({
      timeZone: 'Asia/Tokyo',
      timeZoneSource: 'profile',
    });
    // 17:15 UTC on Monday is already Tuesday 02:15 in Tokyo.
    expect(instruction(fromProfile.requests[0])).toContain('Current local time: 2026-12-08 02:15 (Tuesday)');

    const neither = fakeDeps([chunk('Hi', 'STOP')], { profile: { timeZone: 'Mars/Olympus_Mons' } });
    expect(await ask(neither.deps, { message: 'hi' })).toMatchObject({ timeZone: 'UTC', timeZoneSource: 'default' });
    const text = instruction(neither.requests[0]);
    expect(text).toContain('Current local time: 2026-12-07 17:15 (Monday), time zone UTC (UTC+00:00).');
    expect(text).toContain('When you mention a time, say that it is UTC.');
  });

  it('replays an earlier user message with the local date it was sent', async () => {
    const history: HistoryMessage[] = [
      {
        role: 'user',
        text: 'Anything this Saturday?',
        sent: { date: '2026-12-03', time: '18:40', timeZone: 'America/Los_Angeles' },
      },
      { role: 'assistant', text: 'The hike on Saturday.' },
    ];
    const { deps, requests } = fakeDeps([chunk('Hi', 'STOP')], { history });
    await ask(deps, { message: 'and on Sunday?', timeZone: 'America/Los_Angeles', conversationId: 'c1' });
    const [first, reply, now] = requests[0].request.contents;
    expect(first.parts[0]).toEqual({
      text: '(Sent Thursday 3 December 2026, 18:40, America/Los_Angeles.)\nAnything this Saturday?',
    });
    expect(reply.parts[0]).toEqual({ text: 'The hike on Saturday.' });
    expect(now.parts[0]).toEqual({ text: 'and on Sunday?' });
    expect(instruction(requests[0])).toContain(
      'Earlier user messages start with the local date and time they were sent',
    );
  });

  it('replays a cached reply within the hour it was written, never in another hour or zone', async () => {
    let now = MONDAY_MORNING_LA;
    const { deps, requests } = fakeDeps([chunk('Hello', 'STOP')], { clock: () => now });
    const body = { message: 'hi', timeZone: 'America/Los_Angeles', conversationId: 'c1' };
    expect((await ask(deps, body)).cached).toBe(false);
    now += 35 * 60_000; // 09:50
    expect((await ask(deps, body)).cached).toBe(true);
    expect((await ask(deps, { ...body, timeZone: 'America/Denver' })).cached).toBe(false);
    now += 15 * 60_000; // 10:05
    expect((await ask(deps, body)).cached).toBe(false);
    expect(requests).toHaveLength(3);
  });

  it('keys the cache on the hour the replayed messages were sent in, not their minute', async () => {
    let history: HistoryMessage[] = [];
    const { deps, requests } = fakeDeps([chunk('Hello', 'STOP')]);
    deps.store.loadHistory = async () => history;
    const sentAt = (time: string): HistoryMessage[] => [
      { role: 'user', text: 'hi', sent: { date: '2026-12-07', time, timeZone: 'America/Los_Angeles' } },
      { role: 'assistant', text: 'Hello' },
    ];
    const body = { message: 'hi', timeZone: 'America/Los_Angeles', conversationId: 'c1' };
    history = sentAt('08:59');
    expect((await ask(deps, body)).cached).toBe(false);
    history = sentAt('08:01'); // the same exchange, sent earlier in the same hour
    expect((await ask(deps, body)).cached).toBe(true);
    history = sentAt('07:59');
    expect((await ask(deps, body)).cached).toBe(false);
    // The model itself still reads the minute.
    expect(JSON.stringify(requests[1].request.contents)).toContain('07:59, America/Los_Angeles');
    expect(requests).toHaveLength(2);
  });
});
