// chatStream's wire format, client disconnects, and upstream failures (both functions), in-process
// against a scripted Gemini-protocol server whose request log shows what reached "Gemini" and when
// the upstream request was aborted.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { scopedTuning } from '../support/tuning.js';
import { ChatApiError, type ChatStreamEvent } from '../../client/index.js';
import {
  collectEvents,
  deltaText,
  eventually,
  messagesOf,
  signUp,
  startChatHarness,
  textReply,
  type ChatHarness,
} from './chat-support.js';

let h: ChatHarness;
beforeAll(async () => {
  h = await startChatHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => h.gemini.reset());

/** Env overrides of one test, undone after it. */
const tune = scopedTuning(() => h.tuning);

/** A message no earlier test sent (so the response cache cannot answer it). */
const fresh = (label: string): string => `${label} ${randomUUID()}`;

async function streamFailure(promise: Promise<unknown>): Promise<ChatApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChatApiError);
  return error as ChatApiError;
}

describe('SSE wire format', () => {
  it('flushes SSE headers at once; start, one delta per upstream chunk, done; every event has an id', async () => {
    const user = await signUp();
    h.gemini.queue({ ...textReply(['Hel', 'lo ', 'there!'], 5), latencyMs: 500 });
    const response = await fetch(`${h.baseUrl}/chatStream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.idToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: fresh('wire') }),
    });
    const headersAt = performance.timeOrigin + performance.now();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-accel-buffering')).toBe('no');

    const raw = await response.text();
    // The headers were out before the model's first byte (it waited 500 ms).
    const upstream = await h.gemini.waitForRequest({ action: 'streamGenerateContent' });
    expect(headersAt).toBeLessThan(upstream.firstByteAt!);
    const frames = raw.split('\n\n').filter((frame) => frame.startsWith('event:'));
    const parsed = frames.map((frame) => {
      const fields = Object.fromEntries(
        frame.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
      );
      return { event: fields.event, id: fields.id, data: JSON.parse(fields.data) as Record<string, unknown> };
    });
    expect(parsed.map((f) => f.event)).toEqual(['start', 'delta', 'delta', 'delta', 'done']);
    expect(parsed.map((f) => f.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(parsed.slice(1, 4).map((f) => f.data.text)).toEqual(['Hel', 'lo ', 'there!']);
    expect(parsed[4].data).toMatchObject({ finishReason: 'STOP', cached: false });
  });

  it('the client yields typed events and the stored reply equals what was streamed', async () => {
    const user = await signUp();
    h.gemini.queue(textReply(['Meet ', 'at the ', 'park.']));
    const events = await collectEvents(h.clientFor(user).streamMessage({ message: fresh('typed') }));
    const start = events[0] as Extract<ChatStreamEvent, { type: 'start' }>;
    expect(start.type).toBe('start');
    expect(deltaText(events)).toBe('Meet at the park.');
    const assistant = (await messagesOf(h.db, start.conversationId)).find((m) => m.id === start.messageId);
    expect(assistant).toMatchObject({ text: 'Meet at the park.', status: 'complete' });
  });
});

describe('client disconnect', () => {
  it('aborts the upstream Gemini request within 100 ms and stores the partial reply as interrupted', async () => {
    const user = await signUp();
    const chunks = Array.from({ length: 100 }, (_, i) => `w${i} `);
    h.gemini.queue(textReply(chunks, 20));
    const controller = new AbortController();
    const stream = h.clientFor(user).streamMessage({ message: fresh('abort') }, { signal: controller.signal });
    const received: ChatStreamEvent[] = [];
    let abortedAt = 0;
    const reading = (async () => {
      for await (const event of stream) {
        received.push(event);
        if (received.filter((e) => e.type === 'delta').length === 3) {
          abortedAt = Date.now();
          controller.abort();
        }
      }
    })();
    await expect(reading).rejects.toThrow(/abort/i);

    const upstream = await h.gemini.waitForRequest({ action: 'streamGenerateContent' });
    expect(upstream.outcome).toBe('aborted');
    expect(upstream.abortedAt! - abortedAt).toBeLessThan(100);
    expect(upstream.eventsSent).toBeLessThan(100);

    const start = received[0] as Extract<ChatStreamEvent, { type: 'start' }>;
    const stored = await eventually(async () => {
      const message = (await messagesOf(h.db, start.conversationId)).find((m) => m.id === start.messageId);
      expect(message?.status).toBe('interrupted');
      return message as { text: string };
    });
    // At least what the client saw, never more than the model sent.
    expect(stored.text.startsWith(deltaText(received))).toBe(true);
    expect(chunks.join('').startsWith(stored.text)).toBe(true);
  });

  it('chatMessage too: a caller that goes away stops the model call and leaves an interrupted reply', async () => {
    const user = await signUp();
    h.gemini.queue(
      textReply(
        Array.from({ length: 50 }, (_, i) => `x${i} `),
        20,
      ),
    );
    const controller = new AbortController();
    const pending = h.clientFor(user).sendMessage({ message: fresh('abort json') }, { signal: controller.signal });
    const received = await h.gemini.waitForRequest({ action: 'streamGenerateContent' }, { stage: 'received' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const abortedAt = Date.now();
    controller.abort();
    await expect(pending).rejects.toThrow();
    const upstream = await h.gemini.waitForAbort(received.id, 2_000);
    expect(upstream.abortedAt! - abortedAt).toBeLessThan(100);
    const conversations = await h.db.collection('conversations').where('ownerId', '==', user.uid).get();
    await eventually(async () => {
      const assistant = (await messagesOf(h.db, conversations.docs[0].id)).find((m) => m.role === 'assistant');
      expect(assistant).toMatchObject({ status: 'interrupted' });
      expect(String(assistant?.text)).toMatch(/^x0 /);
    });
  });
});

describe('upstream failures', () => {
  it('429 and 503 before the first token are retried with backoff; the reply then streams normally', async () => {
    const user = await signUp();
    h.gemini.queue(
      { reply: { kind: 'http-error', code: 429, retryDelaySeconds: 0 } },
      { reply: { kind: 'http-error', code: 503 } },
      textReply(['third ', 'time']),
    );
    const events = await collectEvents(h.clientFor(user).streamMessage({ message: fresh('retry') }));
    expect(deltaText(events)).toBe('third time');
    const attempts = h.gemini.requests({ action: 'streamGenerateContent' });
    expect(attempts.map((r) => r.status)).toEqual([429, 503, 200]);
    // Backoff: the attempts are not back to back (full jitter can be short, so only order is certain).
    expect(attempts[2].receivedAt).toBeGreaterThan(attempts[1].receivedAt);
  });

  it('attempts are bounded: persistent 429 ends as 503 upstream_unavailable, with no upstream detail', async () => {
    tune({ chat: { retryMaxAttempts: 3 } });
    const user = await signUp();
    h.gemini.queue({
      reply: { kind: 'http-error', code: 429, message: 'quota secret-project-123', retryDelaySeconds: 0 },
      times: 5,
    });
    const error = await streamFailure(h.clientFor(user).sendMessage({ message: fresh('quota') }));
    expect({ status: error.status, code: error.code }).toEqual({ status: 503, code: 'upstream_unavailable' });
    expect(error.message).not.toMatch(/secret|quota|429/i);
    expect(h.gemini.requests({ action: 'streamGenerateContent' })).toHaveLength(3);
  });

  it('total retry time is bounded: a server asking to wait past the budget is not waited for', async () => {
    tune({ chat: { retryBudgetMs: 1000 } });
    const user = await signUp();
    h.gemini.queue({ reply: { kind: 'http-error', code: 429, retryDelaySeconds: 30 }, times: 3 });
    const started = Date.now();
    const error = await streamFailure(h.clientFor(user).sendMessage({ message: fresh('budget') }));
    expect(error.code).toBe('upstream_unavailable');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(h.gemini.requests({ action: 'streamGenerateContent' })).toHaveLength(1);
  });

  it('a failure after the first token is not retried: an error event, then close; the partial reply is stored as error', async () => {
    const user = await signUp();
    h.gemini.queue({
      ...textReply(['partial ', 'text ', 'lost']),
      fault: { type: 'error-event', afterEvents: 2, code: 500, message: 'internal detail' },
    });
    const events = await collectEvents(h.clientFor(user).streamMessage({ message: fresh('midway') }));
    expect(deltaText(events)).toBe('partial text ');
    // The one error event shape of every streaming function: the JSON error's fields plus its status.
    expect(events.at(-1)).toEqual({
      type: 'error',
      code: 'upstream_error',
      status: 502,
      message: expect.not.stringMatching(/internal detail/),
      requestId: expect.any(String),
    });
    expect(h.gemini.requests({ action: 'streamGenerateContent' })).toHaveLength(1);
    const start = events[0] as Extract<ChatStreamEvent, { type: 'start' }>;
    const stored = (await messagesOf(h.db, start.conversationId)).find((m) => m.id === start.messageId);
    expect(stored).toMatchObject({ status: 'error', text: 'partial text ', errorCode: 'upstream_error' });
  });

  it('a dropped connection before the first token is retried', async () => {
    const user = await signUp();
    h.gemini.queue({ ...textReply(['never']), fault: { type: 'drop', afterEvents: 0 } }, textReply(['recovered']));
    const result = await h.clientFor(user).sendMessage({ message: fresh('drop') });
    expect(result.reply).toBe('recovered');
  });

  it('a blocked prompt is 422 blocked (chatMessage) and an error event (chatStream); not retried', async () => {
    const user = await signUp();
    const client = h.clientFor(user);
    h.gemini.queue({ reply: { kind: 'blocked', blockReason: 'SAFETY' }, times: 2 });
    const error = await streamFailure(client.sendMessage({ message: fresh('blocked') }));
    expect({ status: error.status, code: error.code }).toEqual({ status: 422, code: 'blocked' });
    const events = await collectEvents(client.streamMessage({ message: fresh('blocked') }));
    expect(events.map((e) => e.type)).toEqual(['start', 'error']);
    expect(events[1]).toMatchObject({ code: 'blocked' });
    expect(h.gemini.requests({ action: 'streamGenerateContent' })).toHaveLength(2);
  });

  it('a safety stop mid-reply ends with blocked, and the reply is stored as error, not complete', async () => {
    const user = await signUp();
    h.gemini.queue(textReply(['Sure, ', 'here'], 0, { finishReason: 'SAFETY' }));
    const events = await collectEvents(h.clientFor(user).streamMessage({ message: fresh('safety') }));
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'blocked' });
    const start = events[0] as Extract<ChatStreamEvent, { type: 'start' }>;
    const stored = (await messagesOf(h.db, start.conversationId)).find((m) => m.id === start.messageId);
    expect(stored).toMatchObject({ status: 'error', errorCode: 'blocked', finishReason: 'SAFETY' });
  });

  it('a silent upstream times out per attempt and ends as 504 upstream_timeout', async () => {
    tune({ chat: { firstChunkTimeoutMs: 200, retryMaxAttempts: 2 } });
    const user = await signUp();
    h.gemini.queue({ ...textReply(['late']), fault: { type: 'stall', afterEvents: 0 }, times: 2 });
    const started = Date.now();
    const error = await streamFailure(h.clientFor(user).sendMessage({ message: fresh('stall') }));
    expect({ status: error.status, code: error.code }).toEqual({ status: 504, code: 'upstream_timeout' });
    expect(Date.now() - started).toBeLessThan(3_000);
    const attempts = h.gemini.requests({ action: 'streamGenerateContent' });
    expect(attempts.map((r) => r.outcome)).toEqual(['aborted', 'aborted']);
  });
});
