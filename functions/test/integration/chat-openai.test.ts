// TEXT_BACKEND=openai-compatible end to end: chatStream, chatMessage and matchUsers mounted in-process on
// real HTTP against the local model server's Chat Completions side (no Gemini key set), the shared
// Firestore/Auth emulators. Each server dialect the backend must read is scripted here (vLLM, llama.cpp,
// Ollama, OpenRouter, OpenAI) and the phone gets the same events as on Gemini.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatStreamEvent } from '../../client/index.js';
import type { OpenAiDialect, Scenario, ScenarioPart } from '../../dev/gemini-server/index.js';
import { backfillMatchFields } from '../../src/lib/features/matching/index.js';
import { scopedEnv } from '../support/env.js';
import { loadFunctions } from '../support/functions.js';
import { mountFunctions, type MountedFunctions } from '../support/mount.js';
import {
  collectEvents,
  deltaText,
  eventually,
  messagesOf,
  signUp,
  startChatHarness,
  type ChatHarness,
} from './chat-support.js';
import { localMoment, resolveTimePhrase } from '../../src/lib/platform/time/index.js';
import { clearFirestore, inDays, OAKLAND, SAN_FRANCISCO, writeEvents, writeProfiles } from './matching-support.js';

const MODEL = 'local-llm';
let h: ChatHarness;
let more: MountedFunctions;
beforeAll(async () => {
  h = await startChatHarness({ sharedMatchCache: false });
  Object.assign(process.env, {
    TEXT_BACKEND: 'openai-compatible',
    OPENAI_BASE_URL: h.gemini.openaiBaseUrl,
    OPENAI_MODEL: MODEL,
    OPENAI_API_KEY: h.gemini.apiKey,
  });
  delete process.env.GEMINI_API_KEY; // chat and explanations need none on this backend
  more = await mountFunctions(
    await loadFunctions(['matchUsers', 'generateImage'], { matching: { sharedCache: false } }),
  );
});
afterAll(async () => {
  await more?.close();
  await h?.close();
});
beforeEach(() => h.gemini.reset());

/** Env overrides of one test, undone after it. */
const setEnv = scopedEnv();
const fresh = (label: string) => `${label} ${randomUUID()}`;
const chatRequests = () => h.gemini.requests({ action: 'chatCompletions' });
const ofType = <T extends ChatStreamEvent['type']>(events: ChatStreamEvent[], type: T) =>
  events.filter((event): event is Extract<ChatStreamEvent, { type: T }> => event.type === type);

function reply(dialect: OpenAiDialect, parts: ScenarioPart[], extra: Partial<Scenario> = {}): Scenario {
  return { dialect, reply: { kind: 'content', parts }, chunkDelayMs: 1, ...extra };
}
const words = (...chunks: string[]): ScenarioPart[] => [{ type: 'text', chunks }];

async function storedReply(start: ChatStreamEvent) {
  const { conversationId, messageId } = start as Extract<ChatStreamEvent, { type: 'start' }>;
  return eventually(async () => {
    const message = (await messagesOf(h.db, conversationId)).find((m) => m.id === messageId);
    if (!message || message.status === undefined) throw new Error('not stored yet');
    return message;
  });
}

describe('chat with the tools on an OpenAI-compatible server, no Gemini key', () => {
  it('streams tool-call, tool-result, deltas and done; the follow-up carries tool_calls and tool messages; the next turn replays them', async () => {
    await clearFirestore();
    const user = await signUp();
    const tag = randomUUID().slice(0, 8);
    await writeProfiles(h.db, {
      [user.uid]: { displayName: 'Caller', interests: [`jazz${tag}`], purposes: ['friends'], location: OAKLAND },
    });
    await backfillMatchFields(h.db);
    await writeEvents(h.db, {
      [`ev-${tag}`]: { title: `Jazz night ${tag}`, tags: [`jazz${tag}`], location: OAKLAND, startsAt: inDays(2) },
    });
    const events = await collectEvents(h.clientFor(user).streamMessage({ message: `Any events for me? ${tag}` }));
    const [call] = ofType(events, 'tool-call');
    const [result] = ofType(events, 'tool-result');
    expect(call).toMatchObject({ name: 'find_events', args: { limit: 3 }, id: expect.stringMatching(/^call_/) });
    expect(result.id).toBe(call.id);
    expect(deltaText(events)).toContain(`Jazz night ${tag}`);
    expect(events.map((e) => e.type).at(-1)).toBe('done');
    expect(ofType(events, 'done')[0]).toMatchObject({
      model: `${MODEL}-offline`,
      finishReason: 'STOP',
      usage: { totalTokens: expect.any(Number) },
    });

    const [first, second] = chatRequests();
    expect(first.auth).toBe('api-key'); // OPENAI_API_KEY went as a Bearer
    expect(first.openai).toMatchObject({
      model: MODEL,
      stream: true,
      includeUsage: true,
      tools: ['find_events', 'suggest_people', 'get_event'],
    });
    expect(second.openai!.messages.slice(-2)).toEqual([
      { role: 'assistant', toolCalls: [{ id: call.id, name: 'find_events', arguments: '{"limit":3}' }] },
      { role: 'tool', toolCallId: call.id, text: JSON.stringify({ result: result.result }) },
    ]);
    const stored = await storedReply(events[0]);
    expect(stored).toMatchObject({
      status: 'complete',
      exchangeFormat: 'openai-compatible',
      model: `${MODEL}-offline`,
    });

    // The next turn replays the exchange in the OpenAI shape (the server checks every call is answered).
    const { conversationId } = events[0] as Extract<ChatStreamEvent, { type: 'start' }>;
    h.gemini.queue(reply('openai', words('You are welcome.')));
    await h.clientFor(user).sendMessage({ message: 'thanks', conversationId });
    const third = chatRequests().at(-1)!;
    expect(third.status).toBe(200);
    expect(third.openai!.messages.map((m) => m.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'assistant',
      'user',
    ]);
  });

  it('"this weekend" on this backend: the system message carries the caller’s local date and zone, and the model fills from/until', async () => {
    const user = await signUp();
    const zone = 'America/Los_Angeles';
    const now = Date.now();
    const events = await collectEvents(
      h.clientFor(user).streamMessage({ message: fresh('Any events for me this weekend?'), timeZone: zone }),
    );
    expect(ofType(events, 'start')[0]).toMatchObject({ timeZone: zone, timeZoneSource: 'request' });
    const system = chatRequests()[0].openai!.messages[0];
    expect(system.role).toBe('system');
    expect(system.text).toMatch(
      new RegExp(`Current local time: \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} \\(\\w+\\), time zone ${zone}`),
    );
    const window = resolveTimePhrase('this weekend', localMoment(now, zone).date)!;
    expect(ofType(events, 'tool-call')[0].args).toEqual({ from: window.from, until: window.until, limit: 3 });
    expect(events.map((e) => e.type).at(-1)).toBe('done');
  });

  it('a conversation whose earlier turn came from Gemini continues here: that exchange is replayed as text', async () => {
    const user = await signUp();
    const first = await h.clientFor(user).sendMessage({ message: fresh('hello') });
    // As a Gemini turn with tools would have left it.
    const assistant = (await messagesOf(h.db, first.conversationId)).find((m) => m.id === first.messageId)!;
    await h.db
      .collection('conversations')
      .doc(first.conversationId)
      .collection('messages')
      .doc(assistant.id)
      .update({
        exchangeJson: JSON.stringify([
          { role: 'model', parts: [{ functionCall: { name: 'find_events', args: {} }, thoughtSignature: 'S' }] },
        ]),
        exchangeFormat: 'gemini',
      });
    await h.clientFor(user).sendMessage({ message: 'and then?', conversationId: first.conversationId });
    const sent = chatRequests().at(-1)!.openai!.messages;
    expect(sent.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(sent[2].text).toBe(first.reply);
  });

  it('images stay on Gemini: without its key generateImage answers 503 naming GEMINI_API_KEY', async () => {
    const user = await signUp();
    const res = await fetch(more.url('generateImage'), {
      method: 'POST',
      headers: { authorization: `Bearer ${user.idToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a lighthouse at dawn', aspectRatio: '1:1' }),
    });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: unknown }).error).toMatchObject({
      code: 'not_configured',
      details: { missing: ['GEMINI_API_KEY'] },
    });
  });
});

describe('dialects', () => {
  it('vLLM: an error object after the first token ends the stream with an error event and an error-stored partial reply', async () => {
    const user = await signUp();
    h.gemini.queue(
      reply('vllm', words('Part ', 'one ', 'two'), { fault: { type: 'error-event', afterEvents: 2, code: 500 } }),
    );
    const events = await collectEvents(h.clientFor(user).streamMessage({ message: fresh('vllm') }));
    expect(deltaText(events)).toBe('Part ');
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'upstream_error', status: 502 });
    expect(chatRequests()).toHaveLength(1); // never retried after a token
    expect(await storedReply(events[0])).toMatchObject({ status: 'error', text: 'Part ', errorCode: 'upstream_error' });
  });

  it('vLLM (legacy error object) before any token is retried, then the reply streams', async () => {
    const user = await signUp();
    h.gemini.queue(
      reply('vllm-legacy', words('never'), { fault: { type: 'error-event', afterEvents: 0, code: 503 } }),
      reply('vllm', words('Back ', 'again.')),
    );
    const events = await collectEvents(h.clientFor(user).streamMessage({ message: fresh('vllm retry') }));
    expect(deltaText(events)).toBe('Back again.');
    expect(chatRequests().map((r) => r.outcome)).toEqual(['stream-error', 'completed']);
  });

  it('llama.cpp: keep-alive comments are skipped and its usage (with timings) reaches done', async () => {
    const user = await signUp();
    h.gemini.queue({
      ...reply('llama.cpp', words('Kept ', 'alive.')),
      reply: {
        kind: 'content',
        parts: words('Kept ', 'alive.'),
        usage: { promptTokenCount: 40, candidatesTokenCount: 2, totalTokenCount: 42 },
      },
      latencyMs: 30,
    });
    const events = await collectEvents(h.clientFor(user).streamMessage({ message: fresh('llama') }));
    expect(deltaText(events)).toBe('Kept alive.');
    // The local server's model has no price: the cost is unknown (null), never 0.
    expect(ofType(events, 'done')[0].usage).toEqual({
      promptTokens: 40,
      outputTokens: 2,
      totalTokens: 42,
      costUsd: null,
    });
  });

  it('Ollama: two whole calls in one chunk on index 0 become two tool calls with their own ids and results', async () => {
    await clearFirestore();
    const user = await signUp();
    await writeProfiles(h.db, {
      [user.uid]: { displayName: 'Caller', interests: ['chess'], purposes: ['friends'], location: OAKLAND },
      [`u-${randomUUID().slice(0, 6)}`]: {
        displayName: 'Other',
        interests: ['chess'],
        purposes: ['friends'],
        location: SAN_FRANCISCO,
      },
    });
    await backfillMatchFields(h.db);
    h.gemini.queue(
      reply('ollama', [
        { type: 'functionCall', name: 'find_events', args: { limit: 2 } },
        { type: 'functionCall', name: 'suggest_people', args: { limit: 2 } },
      ]),
      reply('ollama', words('Here you go.')),
    );
    const events = await collectEvents(h.clientFor(user).streamMessage({ message: fresh('both') }));
    const calls = ofType(events, 'tool-call');
    expect(calls.map((c) => c.name)).toEqual(['find_events', 'suggest_people']);
    expect(new Set(calls.map((c) => c.id)).size).toBe(2);
    expect(
      ofType(events, 'tool-result')
        .map((r) => r.id)
        .sort(),
    ).toEqual(calls.map((c) => c.id).sort());
    const toolMessages = chatRequests()[1].openai!.messages.filter((m) => m.role === 'tool');
    expect(toolMessages.map((m) => m.toolCallId)).toEqual(calls.map((c) => c.id));
  });

  it('OpenRouter: PROCESSING comments, an error event after the 200 and before any token is retried', async () => {
    const user = await signUp();
    h.gemini.queue(
      reply('openrouter', words('never'), { fault: { type: 'error-event', afterEvents: 0, code: 502 }, latencyMs: 20 }),
      reply('openrouter', words('Routed.')),
    );
    const result = await h.clientFor(user).sendMessage({ message: fresh('router') });
    expect(result.reply).toBe('Routed.');
    expect(chatRequests()).toHaveLength(2);
  });

  it('OpenAI: a 429 with Retry-After before the stream is retried; a 400 is not (502 upstream_error)', async () => {
    const user = await signUp();
    h.gemini.queue(
      { reply: { kind: 'http-error', code: 429, retryDelaySeconds: 1 } },
      reply('openai', words('After the wait.')),
    );
    const started = Date.now();
    expect((await h.clientFor(user).sendMessage({ message: fresh('limited') })).reply).toBe('After the wait.');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // the server's Retry-After was honoured
    h.gemini.reset();
    h.gemini.queue({ reply: { kind: 'http-error', code: 400, message: 'bad request' } });
    const refused = await fetch(h.mounted.url('chatMessage'), {
      method: 'POST',
      headers: { authorization: `Bearer ${user.idToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: fresh('refused') }),
    });
    expect(refused.status).toBe(502);
    expect(chatRequests()).toHaveLength(1);
  });
});

describe('the rest, as with Gemini', () => {
  it('a stalled server is cut at the first-chunk deadline and asked again; the same question in the same context is cached', async () => {
    setEnv({ CHAT_HISTORY_LENGTH: '2' });
    const user = await signUp();
    const client = h.clientFor(user);
    const message = fresh('cache me');
    h.gemini.queue(
      reply('openai', words('never'), { fault: { type: 'stall', afterEvents: 0 } }),
      reply('openai', words('Cached ', 'words.')),
      reply('openai', words('Cached ', 'words.')),
    );
    const first = await client.sendMessage({ message });
    expect(first).toMatchObject({ reply: 'Cached words.', cached: false });
    expect(chatRequests().map((r) => r.outcome)).toEqual(['aborted', 'completed']);
    await client.sendMessage({ message, conversationId: first.conversationId }); // history [] -> [q, a]
    const third = await client.sendMessage({ message, conversationId: first.conversationId });
    expect(third).toMatchObject({ reply: 'Cached words.', cached: true });
    expect(chatRequests()).toHaveLength(3);
  });

  it('a client disconnect aborts the upstream request and stores the partial reply as interrupted', async () => {
    const user = await signUp();
    h.gemini.queue(reply('openai', words(...Array.from({ length: 100 }, (_, i) => `w${i} `)), { chunkDelayMs: 20 }));
    const controller = new AbortController();
    const received: ChatStreamEvent[] = [];
    const reading = (async () => {
      for await (const event of h
        .clientFor(user)
        .streamMessage({ message: fresh('abort') }, { signal: controller.signal })) {
        received.push(event);
        if (ofType(received, 'delta').length === 3) controller.abort();
      }
    })();
    await expect(reading).rejects.toThrow(/abort/i);
    const upstream = await h.gemini.waitForRequest({ action: 'chatCompletions' });
    expect(upstream.outcome).toBe('aborted');
    expect(upstream.eventsSent).toBeLessThan(100);
    expect(await storedReply(received[0])).toMatchObject({ status: 'interrupted' });
  });

  it('match explanations come from the server, asked with response_format json_schema', async () => {
    await clearFirestore();
    const user = await signUp();
    await writeProfiles(h.db, {
      [user.uid]: { displayName: 'Caller', interests: ['climbing'], purposes: ['friends'], location: OAKLAND },
      [`u-${randomUUID().slice(0, 6)}`]: {
        displayName: 'Match',
        interests: ['climbing'],
        purposes: ['friends'],
        location: SAN_FRANCISCO,
      },
    });
    await backfillMatchFields(h.db);
    const res = await fetch(more.url('matchUsers'), {
      method: 'POST',
      headers: { authorization: `Bearer ${user.idToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ limit: 5 }),
    });
    const { matches } = (await res.json()) as { matches: Array<{ explanationSource: string; explanation: string }> };
    expect(matches.length).toBeGreaterThan(0);
    expect(matches.every((m) => m.explanationSource === 'model')).toBe(true);
    const [explain] = chatRequests();
    expect(explain.openai).toMatchObject({ model: MODEL, responseFormat: 'json_schema' });
  });
});
