// Network faults are classified once, at the transport boundary: the rule on its own, then the real
// GeminiStreamingClient against servers on 127.0.0.1 that refuse, reset and stall.
import { GoogleGenAI } from '@google/genai';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GoogleGenAIApiAdapter } from '../../../../src/lib/platform/gemini/adapter.js';
import { GeminiHttpError, GeminiNetworkError, GeminiTimeoutError } from '../../../../src/lib/platform/gemini/errors.js';
import { classifyNetworkFault } from '../../../../src/lib/platform/gemini/errors.js';
import { GeminiStreamingClient } from '../../../../src/lib/platform/gemini/streaming-client.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function clientFor(port: number): GeminiStreamingClient {
  const sdk = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: `http://127.0.0.1:${port}` } });
  return new GeminiStreamingClient(new GoogleGenAIApiAdapter(sdk));
}

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<GeminiStreamingClient> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return clientFor((server.address() as AddressInfo).port);
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const request = { model: 'gemini-x', request: { contents: [{ parts: [{ text: 'hi' }] }] } };

async function readBody(body: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const chunk of body) void chunk;
}

describe('classifyNetworkFault', () => {
  it("wraps undici's TypeErrors with the socket code found along the cause chain", () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const fault = classifyNetworkFault(new TypeError('fetch failed', { cause: refused }));
    expect(fault).toBeInstanceOf(GeminiNetworkError);
    expect(fault).toMatchObject({ code: 'ECONNREFUSED', isRetryable: true });
    expect((fault as Error).cause).toBeInstanceOf(TypeError);

    const socket = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    expect(classifyNetworkFault(new TypeError('terminated', { cause: socket }))).toMatchObject({
      code: 'UND_ERR_SOCKET',
    });
    expect(classifyNetworkFault(new TypeError('fetch failed'))).toMatchObject({
      code: 'NETWORK_ERROR',
      isRetryable: true,
    });
  });

  it('wraps a bare system error (ECONNRESET) and an AbortSignal.timeout', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(classifyNetworkFault(reset)).toMatchObject({
      name: 'GeminiNetworkError',
      code: 'ECONNRESET',
      isRetryable: true,
    });
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const signal = AbortSignal.abort(timeout);
    expect(classifyNetworkFault(timeout, signal)).toMatchObject({
      name: 'GeminiNetworkError',
      code: 'NETWORK_TIMEOUT',
      isRetryable: true,
    });
  });

  it("passes through the caller's own abort, typed errors, and anything that is no network fault", () => {
    const reason = new GeminiTimeoutError('idle', 10);
    expect(classifyNetworkFault(reason, AbortSignal.abort(reason))).toBe(reason);
    const left = new Error('client left');
    expect(classifyNetworkFault(left, AbortSignal.abort(left))).toBe(left);
    // Even a TypeError, once the caller has aborted: the caller knows why.
    const cut = new TypeError('terminated');
    expect(classifyNetworkFault(cut, AbortSignal.abort(new Error('x')))).toBe(cut);
    const http = new GeminiHttpError({ status: 503 });
    expect(classifyNetworkFault(http)).toBe(http);
    const bug = new RangeError('not a network fault');
    expect(classifyNetworkFault(bug)).toBe(bug);
    const coded = Object.assign(new Error('no'), { code: 'PROMPT_BLOCKED' });
    expect(classifyNetworkFault(coded)).toBe(coded);
  });
});

describe('GeminiStreamingClient at the transport boundary', () => {
  it('a refused connection rejects fetch with a retryable GeminiNetworkError', async () => {
    const client = clientFor(await closedPort());
    const error = await client.fetch(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GeminiNetworkError);
    expect(error).toMatchObject({ code: 'ECONNREFUSED', isRetryable: true });
  });

  it('a connection reset mid-body rejects the body read with a retryable GeminiNetworkError', async () => {
    const client = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"candidates":[]}\r\n\r\n', () => setTimeout(() => res.socket?.destroy(), 10));
    });
    const response = await client.fetch(request);
    const error = await readBody(response.body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GeminiNetworkError);
    expect((error as GeminiNetworkError).isRetryable).toBe(true);
  });

  it("the caller's abort reason comes back as is, from fetch and from the body", async () => {
    const client = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': ok\r\n\r\n'); // then stalls
    });
    const controller = new AbortController();
    const response = await client.fetch({ ...request, signal: controller.signal });
    const reason = new GeminiTimeoutError('idle', 5);
    const reading = readBody(response.body).catch((e: unknown) => e);
    controller.abort(reason);
    expect(await reading).toBe(reason);

    const before = new Error('caller left');
    expect(await client.fetch({ ...request, signal: AbortSignal.abort(before) }).catch((e: unknown) => e)).toBe(before);
  });

  it('an AbortSignal.timeout on a silent server is a network timeout', async () => {
    const client = await serve(() => undefined); // never answers
    const error = await client.fetch({ ...request, signal: AbortSignal.timeout(50) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GeminiNetworkError);
    expect(error).toMatchObject({ code: 'NETWORK_TIMEOUT', isRetryable: true });
  });
});
