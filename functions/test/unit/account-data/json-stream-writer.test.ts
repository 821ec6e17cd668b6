// The export's JSON writer (src/lib/account-data/json-stream-writer.ts): valid JSON whatever is written, a
// write that fills the sink waits for it to drain, and a departed client stops the writing.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { JsonStreamWriter } from '../../../src/lib/account-data/json-stream-writer.js';

async function* items<T>(values: T[]) {
  for (const value of values) yield value;
}

/** A sink that takes one write per `release()` call (a slow reader), with a tiny buffer. */
function slowSink() {
  const written: string[] = [];
  let pending: (() => void)[] = [];
  const sink = new Writable({
    highWaterMark: 8,
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString());
      pending.push(done);
    },
  });
  const release = () => {
    const waiting = pending;
    pending = [];
    for (const done of waiting) done();
  };
  return { sink, written, release, waiting: () => pending.length };
}

describe('JsonStreamWriter', () => {
  it('writes one valid JSON document out of members and streamed arrays', async () => {
    const chunks: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _e, done) => (chunks.push(chunk.toString()), done()) });
    const out = new JsonStreamWriter(sink, new AbortController().signal);
    await out.raw('{');
    await out.member('a', 'x"y', true);
    expect(await out.array('list', items([1, { b: [2] }, 'c\n']))).toBe(3);
    expect(await out.array('empty', items([]))).toBe(0);
    await out.raw('}');
    expect(JSON.parse(chunks.join(''))).toEqual({ a: 'x"y', list: [1, { b: [2] }, 'c\n'], empty: [] });
  });

  it('waits for the reader once the sink is full, instead of buffering everything', async () => {
    const { sink, written, release, waiting } = slowSink();
    const out = new JsonStreamWriter(sink, new AbortController().signal);
    let done = false;
    const writing = out
      .array('big', items(Array.from({ length: 1000 }, (_, i) => `item ${i}`)), true)
      .then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Stalled on the first full buffer: a couple of writes are in, not a thousand.
    expect(done).toBe(false);
    expect(written.length + waiting()).toBeLessThan(5);
    while (!done) {
      release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await writing;
    expect(written.join('')).toContain('"item 999"');
  });

  it('stops when the client goes away', async () => {
    const { sink } = slowSink();
    const client = new AbortController();
    const out = new JsonStreamWriter(sink, client.signal);
    const writing = out.array('big', items(Array.from({ length: 1000 }, (_, i) => i)), true);
    client.abort(new Error('client disconnected'));
    await expect(writing).rejects.toThrow();
  });
});
