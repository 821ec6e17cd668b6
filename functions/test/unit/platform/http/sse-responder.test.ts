// The one SSE responder: ids, heartbeat after silence, the unified error event, one close, abort on
// disconnect, and a plain error (no stream) when the work fails before its first event.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';

import { HttpError } from '../../../../src/lib/platform/http/errors.js';
import { respondWithSse, type SseStream } from '../../../../src/lib/platform/http/sse-responder.js';
import { createLogger } from '../../../../src/lib/platform/logging.js';

type Work = (stream: SseStream) => Promise<void>;

interface Outcome {
  /** What respondWithSse resolved to, or the error it threw. */
  settled: Promise<{ threw?: unknown }>;
  response: IncomingMessage;
  body: Promise<string>;
  /** How many times the server response's end() was called. */
  ends: () => number;
  destroyClient: () => void;
}

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(work: Work, heartbeatMs = 0): Promise<Outcome> {
  let endCalls = 0;
  let settle!: (value: { threw?: unknown }) => void;
  const settled = new Promise<{ threw?: unknown }>((resolve) => (settle = resolve));
  const server = createServer((_req, res: ServerResponse) => {
    const end = res.end.bind(res);
    res.end = ((...args: Parameters<typeof end>) => {
      endCalls++;
      return end(...args);
    }) as typeof res.end;
    respondWithSse({ res, requestId: 'req-1', scope: { log: createLogger() } }, work, { heartbeatMs }).then(
      () => settle({}),
      (error: unknown) => {
        settle({ threw: error });
        res.statusCode = 599; // what a request layer would do: answer with JSON instead
        res.end('{"plain":true}');
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  cleanups.push(() => server.closeAllConnections());
  const { port } = server.address() as AddressInfo;
  const clientRequest = request({ host: '127.0.0.1', port, path: '/' });
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    clientRequest.on('response', resolve);
    clientRequest.on('error', reject);
    clientRequest.end();
  });
  response.setEncoding('utf8');
  response.on('error', () => undefined);
  let text = '';
  const body = new Promise<string>((resolve) => {
    response.on('data', (chunk: string) => (text += chunk));
    response.on('end', () => resolve(text));
    response.on('close', () => resolve(text));
  });
  return { settled, response, body, ends: () => endCalls, destroyClient: () => clientRequest.destroy() };
}

interface Frame {
  event?: string;
  id?: string;
  data?: unknown;
  comment?: string;
}

function frames(body: string): Frame[] {
  return body
    .split('\n\n')
    .filter((block) => block.length > 0)
    .map((block) => {
      const frame: Frame = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) frame.comment = line.slice(1).trim();
        else if (line.startsWith('event: ')) frame.event = line.slice(7);
        else if (line.startsWith('id: ')) frame.id = line.slice(4);
        else if (line.startsWith('data: ')) frame.data = JSON.parse(line.slice(6));
      }
      return frame;
    });
}

describe('respondWithSse', () => {
  it('numbers every event 1..n in the order sent and opens with an ok comment', async () => {
    const outcome = await serve(async (stream) => {
      await stream.send('start', { a: 1 });
      await stream.send('delta', { text: 'hi' });
      await stream.send('done', {});
    });
    const body = await outcome.body;
    expect(outcome.response.statusCode).toBe(200);
    expect(outcome.response.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(outcome.response.headers['x-content-type-options']).toBe('nosniff');
    const parsed = frames(body);
    expect(parsed[0]).toEqual({ comment: 'ok' });
    expect(parsed.slice(1)).toEqual([
      { event: 'start', id: '1', data: { a: 1 } },
      { event: 'delta', id: '2', data: { text: 'hi' } },
      { event: 'done', id: '3', data: {} },
    ]);
    expect(await outcome.settled).toEqual({});
    expect(outcome.ends()).toBe(1);
  });

  it('turns a failure after the first event into one error event with the next id, then closes once', async () => {
    const outcome = await serve(async (stream) => {
      await stream.send('start', {});
      throw new HttpError(422, 'blocked', 'The reply was blocked.', { details: { reason: 'SAFETY' } });
    });
    const parsed = frames(await outcome.body).filter((frame) => frame.event);
    expect(parsed).toEqual([
      { event: 'start', id: '1', data: {} },
      {
        event: 'error',
        id: '2',
        data: {
          code: 'blocked',
          message: 'The reply was blocked.',
          status: 422,
          details: { reason: 'SAFETY' },
          requestId: 'req-1',
        },
      },
    ]);
    expect(await outcome.settled).toEqual({});
    expect(outcome.ends()).toBe(1);
  });

  it('masks an unexpected failure as internal, without its message', async () => {
    const outcome = await serve(async (stream) => {
      await stream.send('start', {});
      throw new Error('secret upstream detail key=abc');
    });
    const body = await outcome.body;
    expect(body).not.toContain('secret upstream detail');
    const error = frames(body).find((frame) => frame.event === 'error');
    expect(error?.data).toMatchObject({ code: 'internal', status: 500, requestId: 'req-1' });
  });

  it('rethrows a failure before the first event, so the request layer answers with JSON, and writes nothing', async () => {
    const failure = new HttpError(400, 'invalid_argument', 'bad');
    const outcome = await serve(async () => {
      throw failure;
    });
    expect((await outcome.settled).threw).toBe(failure);
    expect(await outcome.body).toBe('{"plain":true}');
    expect(outcome.response.statusCode).toBe(599);
  });

  it('sends a ping only after the stream has been silent for the heartbeat', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const outcome = await serve(async (stream) => {
      await stream.send('start', {});
      await gate;
      await stream.send('done', {});
    }, 40);
    await new Promise((resolve) => setTimeout(resolve, 130));
    release();
    const parsed = frames(await outcome.body);
    const pings = parsed.filter((frame) => frame.comment === 'ping').length;
    expect(pings).toBeGreaterThanOrEqual(1);
    expect(pings).toBeLessThanOrEqual(4);
    expect(parsed.at(-1)).toEqual({ event: 'done', id: '2', data: {} });
  });

  it('sends no ping while events keep flowing', async () => {
    const outcome = await serve(async (stream) => {
      for (let i = 0; i < 20; i++) {
        await stream.send('delta', { i });
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }, 1000);
    const parsed = frames(await outcome.body);
    expect(parsed.filter((frame) => frame.comment === 'ping')).toHaveLength(0);
    expect(parsed.filter((frame) => frame.event === 'delta')).toHaveLength(20);
  });

  it('aborts the work when the client disconnects and writes no error event', async () => {
    let aborted!: (reason: unknown) => void;
    const sawAbort = new Promise<unknown>((resolve) => (aborted = resolve));
    const outcome = await serve(async (stream) => {
      await stream.send('start', {});
      stream.signal.addEventListener('abort', () => aborted(stream.signal.reason));
      await new Promise<void>((_resolve, reject) =>
        stream.signal.addEventListener('abort', () => reject(new Error('work stopped'))),
      );
    });
    await new Promise((resolve) => outcome.response.once('data', resolve));
    outcome.destroyClient();
    expect(await sawAbort).toBeInstanceOf(Error);
    expect(await outcome.settled).toEqual({});
  });

  it('drops sends after the work has finished', async () => {
    let late!: SseStream;
    const outcome = await serve(async (stream) => {
      late = stream;
      await stream.send('done', {});
    });
    const body = await outcome.body;
    await late.send('delta', { after: true });
    expect(frames(body).filter((frame) => frame.event)).toEqual([{ event: 'done', id: '1', data: {} }]);
  });
});
