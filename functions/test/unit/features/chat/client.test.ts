// The app client against a fake fetch: SSE split at awkward byte boundaries, typed errors, abort.
import { describe, expect, it } from 'vitest';
import { ChatApiError, createChatClient, type ChatStreamEvent, type FetchLike } from '../../../../client/index.js';
import {
  GeminiApiError,
  GeminiBlockedError,
  GeminiNetworkError,
  GeminiTimeoutError,
} from '../../../../src/lib/platform/gemini/errors.js';
import { ChatError, toChatError } from '../../../../src/lib/features/chat/errors.js';

function bodyOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]);
      else controller.close();
    },
  });
}

/** Splits bytes into pieces of `size` (cuts inside CRLF and inside multibyte characters). */
function split(text: string, size: number): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

function fakeFetch(status: number, body: string, headers: Record<string, string> = {}, chunkSize = 3) {
  const calls: Array<{ url: string; init: Parameters<FetchLike>[1] }> = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init });
    const response = new Response(bodyOf(split(body, chunkSize)), { status, headers });
    return response;
  };
  return { fetch, calls };
}

const SSE =
  ': ok\r\n\r\n' +
  'event: start\r\nid: 1\r\ndata: {"conversationId":"c1","messageId":"m1"}\r\n\r\n' +
  'event: delta\r\nid: 2\r\ndata: {"text":"Olá, "}\r\n\r\n' +
  ': ping\r\n\r\n' +
  'event: future-kind\r\ndata: {}\r\n\r\n' +
  'event: delta\r\nid: 3\r\ndata: {"text":"mundo 🌍"}\r\n\r\n' +
  'event: done\r\nid: 4\r\ndata: {"finishReason":"STOP","model":"m","cached":false}\r\n\r\n';

describe('chat client', () => {
  it('streams typed events from bytes split anywhere; sends token, JSON and a clientMessageId', async () => {
    const { fetch, calls } = fakeFetch(200, SSE, { 'content-type': 'text/event-stream' });
    const client = createChatClient({ baseUrl: 'http://fn.test/base/', getIdToken: () => 'tok', fetch });
    const stream = client.streamMessage({ message: 'hi' });
    const events: ChatStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events).toEqual([
      { type: 'start', conversationId: 'c1', messageId: 'm1' },
      { type: 'delta', text: 'Olá, ' },
      { type: 'delta', text: 'mundo 🌍' },
      { type: 'done', finishReason: 'STOP', model: 'm', cached: false },
    ]);
    expect(calls[0].url).toBe('http://fn.test/base/chatStream');
    expect(calls[0].init.headers.authorization).toBe('Bearer tok');
    expect(JSON.parse(calls[0].init.body)).toEqual({ message: 'hi', clientMessageId: stream.clientMessageId });
    expect(stream.clientMessageId).toMatch(/^[0-9a-f-]{32,36}$/);
  });

  it('a stream that stops before done/error throws stream_interrupted', async () => {
    const cut = SSE.slice(0, SSE.indexOf('event: done'));
    const client = createChatClient({ baseUrl: 'http://x', getIdToken: () => 't', fetch: fakeFetch(200, cut).fetch });
    const events: ChatStreamEvent[] = [];
    const reading = (async () => {
      for await (const event of client.streamMessage({ message: 'hi' })) events.push(event);
    })();
    await expect(reading).rejects.toMatchObject({ name: 'ChatApiError', code: 'stream_interrupted' });
    expect(events.map((e) => e.type)).toEqual(['start', 'delta', 'delta']);
  });

  it('an error event ends the iteration as an event', async () => {
    const body =
      'event: start\ndata: {"conversationId":"c","messageId":"m"}\n\nevent: error\ndata: {"code":"blocked","message":"no"}\n\n';
    const client = createChatClient({ baseUrl: 'http://x', getIdToken: () => 't', fetch: fakeFetch(200, body).fetch });
    const events: ChatStreamEvent[] = [];
    for await (const event of client.streamMessage({ message: 'hi' })) events.push(event);
    expect(events.at(-1)).toEqual({ type: 'error', code: 'blocked', message: 'no' });
  });

  it('non-2xx answers become ChatApiError with code, request id and Retry-After', async () => {
    const body = JSON.stringify({ error: { code: 'rate_limited', message: 'Too many', requestId: 'r-1' } });
    const { fetch } = fakeFetch(429, body, { 'retry-after': '7', 'content-type': 'application/json' });
    const client = createChatClient({ urls: { chatMessage: 'http://x/cm' }, getIdToken: async () => 't', fetch });
    const error = await client.sendMessage({ message: 'hi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatApiError);
    expect(error).toMatchObject({
      status: 429,
      code: 'rate_limited',
      message: 'Too many',
      requestId: 'r-1',
      retryAfterSeconds: 7,
    });

    const html = createChatClient({
      baseUrl: 'http://x',
      getIdToken: () => 't',
      fetch: fakeFetch(502, '<html>').fetch,
    });
    await expect(html.sendMessage({ message: 'hi' })).rejects.toMatchObject({ status: 502, code: 'http_error' });
  });

  it('an aborted signal stops the stream with an AbortError', async () => {
    const controller = new AbortController();
    const fetch: FetchLike = async (_url, init) =>
      new Response(
        new ReadableStream({
          start(streamController) {
            streamController.enqueue(
              new TextEncoder().encode('event: start\ndata: {"conversationId":"c","messageId":"m"}\n\n'),
            );
            init.signal?.addEventListener('abort', () => streamController.error(init.signal?.reason));
          },
        }),
        { status: 200 },
      );
    const client = createChatClient({ baseUrl: 'http://x', getIdToken: () => 't', fetch });
    const reading = (async () => {
      for await (const event of client.streamMessage({ message: 'hi' }, { signal: controller.signal })) {
        if (event.type === 'start') controller.abort();
      }
    })();
    await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('toChatError (what callers are told)', () => {
  it('maps upstream failures to the documented codes without upstream text', () => {
    const cases: Array<[unknown, number, string]> = [
      [new GeminiBlockedError('SAFETY'), 422, 'blocked'],
      [new GeminiApiError({ status: 429, message: 'quota of project p-123' }), 503, 'upstream_unavailable'],
      [new GeminiApiError({ status: 503 }), 503, 'upstream_unavailable'],
      [new GeminiApiError({ status: 504 }), 504, 'upstream_timeout'],
      [new GeminiTimeoutError('idle', 20_000), 504, 'upstream_timeout'],
      [GeminiBlockedError.forFinishReason('SAFETY'), 422, 'blocked'],
      [new GeminiApiError({ status: 400, message: 'API key not valid' }), 502, 'upstream_error'],
      [new GeminiNetworkError('ECONNRESET', { cause: new TypeError('fetch failed') }), 502, 'upstream_error'],
      [new TypeError('fetch failed'), 502, 'upstream_error'],
    ];
    for (const [error, status, code] of cases) {
      const mapped = toChatError(error);
      expect({ status: mapped.status, code: mapped.code }).toEqual({ status, code });
      expect(mapped.message).not.toMatch(/quota|p-123|API key|fetch/);
    }
  });

  it('uses the chat sentences, keeps chat errors as they are and does not echo a block reason', () => {
    expect(toChatError(new GeminiApiError({ status: 503 })).message).toBe(
      'The assistant is busy right now. Please try again shortly.',
    );
    const blocked = toChatError(new GeminiBlockedError('SAFETY'));
    expect([blocked.message, blocked.details]).toEqual([
      'The assistant cannot answer this message. Please rephrase it.',
      undefined,
    ]);
    const conversation = new ChatError(404, 'conversation_not_found', 'Conversation not found.');
    expect(toChatError(conversation)).toBe(conversation);
    // The turn maps, then the stream handler maps again: the second pass must keep the first answer.
    expect(toChatError(blocked)).toBe(blocked);
  });
});
