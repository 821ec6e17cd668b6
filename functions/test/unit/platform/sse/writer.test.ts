import { type IncomingMessage, type ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type SseWriter, createSseWriter, formatMessage } from '../../../../src/lib/platform/sse/writer.js';

interface Harness {
  /** The writer for the (single) request the client made. */
  writer: SseWriter;
  response: IncomingMessage;
  /** Everything the client has received so far. */
  received(): string;
  /** Resolves when the received text contains `needle`. */
  waitFor(needle: string, timeoutMs?: number): Promise<void>;
  ended: Promise<void>;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A real server on 127.0.0.1 whose handler creates an SSE writer; a raw http client reads it. */
async function connect(options: { heartbeatMs?: number; clientPaused?: boolean } = {}): Promise<Harness> {
  let onWriter!: (writer: SseWriter) => void;
  const writerReady = new Promise<SseWriter>((resolve) => (onWriter = resolve));
  const server = createServer((_req, res: ServerResponse) =>
    onWriter(createSseWriter(res, { heartbeatMs: options.heartbeatMs ?? 0 })),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  cleanups.push(() => server.closeAllConnections());
  const { port } = server.address() as AddressInfo;

  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/' }, resolve);
    req.on('error', reject);
    req.end();
  });
  let text = '';
  const listeners = new Set<() => void>();
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    text += chunk;
    for (const listener of listeners) listener();
  });
  response.on('error', () => undefined); // a destroyed client socket is expected in some tests
  if (options.clientPaused) response.pause();
  const ended = new Promise<void>((resolve) => response.on('end', resolve));
  const writer = await writerReady;
  return {
    writer,
    response,
    received: () => text,
    ended,
    waitFor(needle, timeoutMs = 2000) {
      if (text.includes(needle)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${JSON.stringify(needle)}`)), timeoutMs);
        const listener = (): void => {
          if (!text.includes(needle)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve();
        };
        listeners.add(listener);
      });
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createSseWriter', () => {
  it('sends SSE headers and an initial comment before any event', async () => {
    const { response, waitFor, writer } = await connect();
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-accel-buffering']).toBe('no');
    expect(response.headers.connection).toBe('keep-alive');
    await waitFor(': ok\n\n');
    writer.close();
  });

  it('frames events, ids and multi-line data (every line-break style)', async () => {
    const { writer, received, ended } = await connect();
    await writer.send({ data: 'plain' });
    await writer.send({ event: 'delta', id: '7', data: '{"text":"hi"}' });
    await writer.send({ data: 'a\nb\r\nc\rd' });
    await writer.send({ data: '' });
    writer.close();
    await ended;
    expect(received()).toBe(
      ': ok\n\n' +
        'data: plain\n\n' +
        'event: delta\nid: 7\ndata: {"text":"hi"}\n\n' +
        'data: a\ndata: b\ndata: c\ndata: d\n\n' +
        'data: \n\n',
    );
  });

  it('refuses event names and ids that could inject fields', async () => {
    expect(() => formatMessage({ event: 'x\ndata: injected', data: 'd' })).toThrow(TypeError);
    expect(() => formatMessage({ id: 'a\rb', data: 'd' })).toThrow(TypeError);
    expect(() => formatMessage({ id: 'a\0b', data: 'd' })).toThrow(TypeError);
    const { writer, received, ended } = await connect();
    await expect(writer.send({ event: 'bad\nname', data: 'x' })).rejects.toThrow(TypeError);
    await writer.send({ data: 'after' });
    writer.close();
    await ended;
    expect(received()).toBe(': ok\n\ndata: after\n\n');
  });

  it('writes comments, one line each', async () => {
    const { writer, received, ended } = await connect();
    await writer.comment('two\nlines');
    writer.close();
    await ended;
    expect(received()).toBe(': ok\n\n: two\n: lines\n\n');
  });

  it('sends heartbeat comments on an interval and stops them on close', async () => {
    const { writer, waitFor, received, ended } = await connect({ heartbeatMs: 20 });
    await waitFor(': ping\n\n', 1000);
    writer.close();
    await ended;
    const length = received().length;
    await sleep(80);
    expect(received().length).toBe(length);
  });

  it('waits for drain when the client reads slowly, and delivers everything in order', async () => {
    const { writer, response, received, ended } = await connect({ clientPaused: true });
    const payload = 'x'.repeat(64 * 1024);
    let sent = 0;
    let stalled = false;
    // Bounded: stop at 64 MB even if the socket never pushes back.
    while (sent < 1024) {
      const send = writer.send({ id: String(sent), data: payload });
      sent++;
      const outcome = await Promise.race([send.then(() => 'sent'), sleep(200).then(() => 'stalled')]);
      if (outcome === 'stalled') {
        stalled = true;
        response.resume(); // the reader catches up; the pending send must then complete
        await send;
        break;
      }
    }
    expect(stalled).toBe(true);
    expect(sent * payload.length).toBeLessThan(48 * 1024 * 1024);
    writer.close();
    await ended;
    const ids = [...received().matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]));
    expect(ids).toEqual([...Array(sent).keys()]);
  });

  it('turns sends into no-ops once the client disconnects, waking a send stuck on drain', async () => {
    const { writer, response } = await connect({ clientPaused: true });
    const closed = new Promise<void>((resolve) => writer.onClose(resolve));
    const payload = 'y'.repeat(256 * 1024);
    let pending: Promise<void> | undefined;
    for (let i = 0; i < 256 && !pending; i++) {
      const send = writer.send({ data: payload });
      const outcome = await Promise.race([send.then(() => 'sent'), sleep(100).then(() => 'stalled')]);
      if (outcome === 'stalled') pending = send;
    }
    expect(pending).toBeDefined();
    response.destroy(); // the client goes away mid-stream
    await closed;
    await expect(pending).resolves.toBeUndefined();
    expect(writer.closed).toBe(true);
    await expect(writer.send({ data: 'late' })).resolves.toBeUndefined();
    await expect(writer.comment('late')).resolves.toBeUndefined();
    writer.close(); // idempotent, no write after the end
    let lateCallback = false;
    writer.onClose(() => (lateCallback = true));
    await sleep(0);
    expect(lateCallback).toBe(true);
  });

  it('flushes queued frames before ending, and ignores sends after close()', async () => {
    const { writer, received, ended } = await connect();
    void writer.send({ data: 'one' });
    void writer.send({ data: 'two' });
    writer.close();
    expect(writer.closed).toBe(true);
    await writer.send({ data: 'three' });
    await ended;
    expect(received()).toBe(': ok\n\ndata: one\n\ndata: two\n\n');
  });
});
