// Events whose data passes maxBufferedData are streamed as chunks while the body is being read.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  isBufferedSseEvent,
  isStreamedSseEvent,
  parseSseStream,
  SseIncompleteEventError,
  type SseEvent,
} from '../../../../src/lib/platform/sse/parse.js';
import { bodyOf, deliveries, parseChunks, prng, randomChunks, utf8 } from './support.js';

const SMALL = { maxBufferedData: 8 };

describe('streamed events', () => {
  it('streams data longer than maxBufferedData and buffers data up to it, for every delivery', async () => {
    const input =
      'event: img\nid: 5\nretry: 30\ndata: 0123456789abcdef\n\ndata: 12345678\n\ndata: 1234\ndata: 567\n\ndata: 1234\ndata: 5678\n\n';
    const expected = [
      { data: '0123456789abcdef', streamed: true, event: 'img', id: '5', retry: 30 },
      { data: '12345678', id: '5', retry: 30 },
      { data: '1234\n567', id: '5', retry: 30 },
      { data: '1234\n5678', streamed: true, id: '5', retry: 30 },
    ];
    for (const [label, chunks] of deliveries(utf8(input), 60)) {
      const outcome = await parseChunks(chunks, SMALL);
      expect(outcome.error, label).toBeUndefined();
      expect(outcome.events, label).toEqual(expected);
    }
  });

  it('continues multi-line data and CRLF framing inside the chunk stream', async () => {
    const input = 'data: first line is long\r\n: comment\r\ndata:\r\ndata:  third\r\n\r\ndata: x\r\n\r\n';
    for (const [label, chunks] of deliveries(utf8(input), 60)) {
      const outcome = await parseChunks(chunks, SMALL);
      expect(outcome.events, label).toEqual([{ data: 'first line is long\n\n third', streamed: true }, { data: 'x' }]);
    }
  });

  it('throws SseIncompleteEventError after the delivered chunks when the body ends inside the event', async () => {
    const input = 'data: small\n\ndata: 0123456789abcdef\ndata: more';
    for (const [label, chunks] of deliveries(utf8(input), 40)) {
      const outcome = await parseChunks(chunks, SMALL);
      expect(outcome.error, label).toBe('SSE_INCOMPLETE_EVENT');
      expect(outcome.events, label).toEqual([{ data: 'small' }, { data: '0123456789abcdef\nmore', streamed: true }]);
    }
    const events = parseSseStream(bodyOf(['data: 0123456789abcdef\n']), SMALL);
    const first = (await events.next()).value as SseEvent;
    expect(isStreamedSseEvent(first)).toBe(true);
    const read = async () => {
      if (isStreamedSseEvent(first)) for await (const chunk of first.dataChunks) void chunk;
    };
    await expect(read()).rejects.toBeInstanceOf(SseIncompleteEventError);
  });

  it('discards unread chunks when the next event is pulled, and says so to a late reader', async () => {
    const input = 'data: 0123456789abcdef\n\ndata: next\n\n';
    for (const [label, chunks] of deliveries(utf8(input), 20)) {
      const events = parseSseStream(bodyOf(chunks), SMALL);
      const first = (await events.next()).value as SseEvent;
      const second = (await events.next()).value as SseEvent;
      expect(isBufferedSseEvent(second) && second.data, label).toBe('next');
      expect((await events.next()).done, label).toBe(true);
      if (!isStreamedSseEvent(first)) throw new Error('expected a streamed event');
      await expect(
        (async () => {
          for await (const chunk of first.dataChunks) void chunk;
        })(),
        label,
      ).rejects.toMatchObject({ code: 'SSE_EVENT_ABANDONED' });
    }
  });

  it('lets a consumer stop reading chunks part-way and still get the next event', async () => {
    const events = parseSseStream(bodyOf(['data: 0123', '456789', 'abcdef\n', '\ndata: next\n\n']), SMALL);
    const first = (await events.next()).value as SseEvent;
    if (!isStreamedSseEvent(first)) throw new Error('expected a streamed event');
    for await (const chunk of first.dataChunks) {
      expect(chunk.length).toBeGreaterThan(0);
      break;
    }
    const second = (await events.next()).value as SseEvent;
    expect(second.data).toBe('next');
  });

  it('gives identical events for random chunkings of a mixed stream (many seeds)', async () => {
    const parts: string[] = [];
    const random = prng(42);
    for (let i = 0; i < 40; i++) {
      const size = Math.floor(random() * 20);
      const data = 'é€x'.repeat(size).slice(0, size);
      parts.push(
        random() < 0.3 ? `event: e${i}\r\nid: ${i}\r\ndata: ${data}\r\ndata: ${i}\r\n\r\n` : `data: ${data}\n\n`,
      );
      if (random() < 0.2) parts.push(': keep-alive\r');
    }
    const bytes = utf8(parts.join(''));
    const reference = await parseChunks([bytes], SMALL);
    expect(reference.events.some((e) => e.streamed)).toBe(true);
    expect(reference.events.some((e) => !e.streamed)).toBe(true);
    for (let run = 0; run < 300; run++) {
      const outcome = await parseChunks(randomChunks(bytes, random, 1 + Math.floor(random() * 64)), SMALL);
      expect(outcome, `run ${run}`).toEqual(reference);
    }
  });

  it('holds at most about one body chunk ahead of the consumer while a huge line streams', async () => {
    const chunkSize = 64 * 1024;
    const block = Buffer.alloc(chunkSize, 'QUJD');
    let pulled = 0;
    async function* body(): AsyncGenerator<Uint8Array> {
      yield utf8('data: ');
      for (let i = 0; i < 64; i++) {
        pulled += chunkSize;
        yield block;
      }
      yield utf8('\n\n');
    }
    let consumed = 0;
    let maxAhead = 0;
    let chunks = 0;
    for await (const event of parseSseStream(body())) {
      if (!isStreamedSseEvent(event)) throw new Error('expected a streamed event');
      for await (const chunk of event.dataChunks) {
        consumed += chunk.length;
        chunks++;
        maxAhead = Math.max(maxAhead, pulled - consumed);
      }
    }
    expect(consumed).toBe(64 * chunkSize);
    expect(chunks).toBeGreaterThan(32); // delivered as it arrived, not as one string
    expect(maxAhead).toBeLessThanOrEqual(chunkSize);
  });

  it('rejects over-long event/id/retry values whichever way they are chunked', async () => {
    for (const [label, chunks] of deliveries(utf8('data: a\n\nevent: 0123456789\ndata: b\n\n'), 20)) {
      const outcome = await parseChunks(chunks, SMALL);
      expect(outcome.error, label).toBe('SSE_FIELD_TOO_LONG');
      expect(outcome.events, label).toEqual([{ data: 'a' }]);
    }
    // unknown fields and comments are skipped, not buffered, so they have no limit
    const outcome = await parseChunks(['x-long: 0123456789\n: 0123456789\ndata: b\n\n'], SMALL);
    expect(outcome).toEqual({ events: [{ data: 'b' }] });
  });
});

describe('parseSseStream bodies and lifecycle', () => {
  it('reads a web ReadableStream and a Node Readable', async () => {
    const chunks = [utf8('data: a\r'), utf8('\n\r\ndata: b\n\n')];
    const web = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    });
    const seen: string[] = [];
    for await (const event of parseSseStream(web as unknown as AsyncIterable<Uint8Array>)) seen.push(event.data ?? '');
    for await (const event of parseSseStream(Readable.from(chunks.map((c) => Buffer.from(c)))))
      seen.push(event.data ?? '');
    expect(seen).toEqual(['a', 'b', 'a', 'b']);
  });

  it('passes body errors through to the consumer', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield utf8('data: a\n\ndata: 0123456789');
      throw new Error('socket reset');
    }
    const seen: string[] = [];
    const consume = async () => {
      for await (const event of parseSseStream(failing(), SMALL)) {
        if (isStreamedSseEvent(event)) for await (const chunk of event.dataChunks) seen.push(chunk);
        else seen.push(event.data);
      }
    };
    await expect(consume()).rejects.toThrow('socket reset');
    expect(seen.join('|')).toBe('a|0123456789');
  });

  it('releases the body when the consumer stops early', async () => {
    let released = false;
    async function* body(): AsyncGenerator<Uint8Array> {
      try {
        yield utf8('data: a\n\n');
        yield utf8('data: b\n\n');
      } finally {
        released = true;
      }
    }
    for await (const event of parseSseStream(body())) {
      expect(event.data).toBe('a');
      break;
    }
    expect(released).toBe(true);
  });
});
