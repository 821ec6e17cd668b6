import { GoogleGenAI } from '@google/genai';
import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GoogleGenAIApiAdapter } from '../../../../src/lib/platform/gemini/adapter.js';
import { GeminiApiError, GeminiHttpError } from '../../../../src/lib/platform/gemini/errors.js';
import type { GenerateContentRequestBody } from '../../../../src/lib/platform/gemini/request-body.js';
import { GeminiStreamingClient } from '../../../../src/lib/platform/gemini/streaming-client.js';

const API_KEY = 'secret-test-key-4f7a';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A throwaway server on 127.0.0.1 and a client pointed at it through the SDK's baseUrl. */
async function serve(handler: Handler): Promise<{ client: GeminiStreamingClient; closedConnections: () => number }> {
  let closed = 0;
  const server = createServer(handler);
  server.on('connection', (socket) => socket.on('close', () => closed++));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  const sdk = new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: `http://127.0.0.1:${port}` } });
  return { client: new GeminiStreamingClient(new GoogleGenAIApiAdapter(sdk)), closedConnections: () => closed };
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function bodyText(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const simpleRequest: GenerateContentRequestBody = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };

function googleError(res: ServerResponse, status: number, error: object, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ error }));
}

async function fetchError(client: GeminiStreamingClient): Promise<GeminiHttpError> {
  try {
    await client.fetch({ model: 'gemini-x', request: simpleRequest });
  } catch (error) {
    expect(error).toBeInstanceOf(GeminiHttpError);
    expect(error).toBeInstanceOf(GeminiApiError);
    expect(String((error as Error).message)).not.toContain(API_KEY);
    return error as GeminiHttpError;
  }
  throw new Error('expected the fetch to fail');
}

describe('GeminiStreamingClient', () => {
  it('streams the request body intact and returns the response body as it arrives', async () => {
    const image = randomBytes(3 * 1024 * 1024);
    let seen: { url?: string; headers?: IncomingMessage['headers']; body?: Buffer } = {};
    const { client } = await serve(async (req, res) => {
      seen = { url: req.url, headers: req.headers, body: await readAll(req) };
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"candidates":[]}\r\n\r\n');
      setTimeout(() => res.end('data: {"done":true}\r\n\r\n'), 20);
    });
    const request: GenerateContentRequestBody = {
      contents: [
        { role: 'user', parts: [{ text: 'edit this' }, { inlineData: { mimeType: 'image/png', data: image } }] },
      ],
      generationConfig: { responseModalities: ['IMAGE'] },
    };
    const response = await client.fetch({ model: 'gemini-x', request });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(await bodyText(response.body)).toBe('data: {"candidates":[]}\r\n\r\ndata: {"done":true}\r\n\r\n');
    expect(seen.url).toBe('/v1beta/models/gemini-x:streamGenerateContent?alt=sse');
    expect(seen.headers?.['x-goog-api-key']).toBe(API_KEY);
    expect(seen.headers?.['content-type']).toBe('application/json');
    expect(seen.headers?.['transfer-encoding']).toBe('chunked'); // streamed, not buffered to a length
    const received = JSON.parse(seen.body!.toString('utf8'));
    expect(received.contents[0].parts[1].inlineData.data).toBe(image.toString('base64'));
    expect(received.generationConfig).toEqual({ responseModalities: ['IMAGE'] });
  });

  it('maps 429 with a RetryInfo detail to a retryable error with the delay', async () => {
    const { client } = await serve((_req, res) =>
      googleError(res, 429, {
        code: 429,
        message: 'Resource has been exhausted (e.g. check quota).',
        status: 'RESOURCE_EXHAUSTED',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [] },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '21.5s' },
        ],
      }),
    );
    const error = await fetchError(client);
    expect(error.status).toBe(429);
    expect(error.code).toBe('RESOURCE_EXHAUSTED');
    expect(error.googleStatus).toBe('RESOURCE_EXHAUSTED');
    expect(error.isRetryable).toBe(true);
    expect(error.retryAfterMs).toBe(21_500);
    expect(error.message).toContain('Resource has been exhausted');
  });

  it('maps 500 and 503 (with Retry-After) as retryable, 400 as not', async () => {
    let status = 500;
    const { client } = await serve((_req, res) => {
      if (status === 500)
        googleError(res, 500, { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' });
      else if (status === 503)
        googleError(
          res,
          503,
          { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' },
          { 'retry-after': '7' },
        );
      else googleError(res, 400, { code: 400, message: 'Invalid JSON payload received.', status: 'INVALID_ARGUMENT' });
    });
    const internal = await fetchError(client);
    expect([internal.status, internal.code, internal.isRetryable, internal.retryAfterMs]).toEqual([
      500,
      'INTERNAL',
      true,
      undefined,
    ]);

    status = 503;
    const unavailable = await fetchError(client);
    expect([unavailable.status, unavailable.code, unavailable.isRetryable, unavailable.retryAfterMs]).toEqual([
      503,
      'UNAVAILABLE',
      true,
      7000,
    ]);

    status = 400;
    const invalid = await fetchError(client);
    expect([invalid.status, invalid.code, invalid.isRetryable]).toEqual([400, 'INVALID_ARGUMENT', false]);
    expect(invalid.message).toContain('Invalid JSON payload received.');
  });

  it('reads only a few KB of an error body, and copes with one that is not JSON', async () => {
    let written = 0;
    const { client } = await serve((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      const page = Buffer.alloc(64 * 1024, 'x');
      const pump = (): void => {
        while (written < 64 * 1024 * 1024) {
          written += page.length;
          if (!res.write(page)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    });
    const error = await fetchError(client);
    expect([error.status, error.code, error.isRetryable]).toEqual([502, 'HTTP_502', true]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(written).toBeLessThan(16 * 1024 * 1024); // the client hung up instead of reading 64 MB
  });

  it('aborts mid-response: the body iteration rejects and the connection closes', async () => {
    const { client, closedConnections } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"first":true}\r\n\r\n'); // then stalls
    });
    const controller = new AbortController();
    const response = await client.fetch({ model: 'gemini-x', request: simpleRequest, signal: controller.signal });
    const iterator = response.body[Symbol.asyncIterator]();
    expect(Buffer.from((await iterator.next()).value as Uint8Array).toString()).toContain('first');
    const next = iterator.next();
    controller.abort();
    await expect(next).rejects.toThrow(/abort/i);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closedConnections()).toBe(1);
  });

  it('aborts while the request body is still uploading', async () => {
    let bodyStarted!: () => void;
    const started = new Promise<void>((resolve) => (bodyStarted = resolve));
    const { client } = await serve((req) => {
      req.once('data', () => bodyStarted()); // reads, but never answers
    });
    async function* endlessImage(): AsyncGenerator<Uint8Array> {
      for (;;) {
        yield randomBytes(48 * 1024);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    const controller = new AbortController();
    const request: GenerateContentRequestBody = {
      contents: [{ parts: [{ inlineData: { mimeType: 'image/png', data: endlessImage() } }] }],
    };
    const fetching = client.fetch({ model: 'gemini-x', request, signal: controller.signal });
    await started;
    const abortedAt = Date.now();
    controller.abort();
    await expect(fetching).rejects.toThrow(/abort/i);
    expect(Date.now() - abortedAt).toBeLessThan(1000);
  });

  it('does not send anything when the signal is already aborted', async () => {
    let requests = 0;
    const { client } = await serve((_req, res) => {
      requests++;
      res.end();
    });
    await expect(
      client.fetch({ model: 'gemini-x', request: simpleRequest, signal: AbortSignal.abort() }),
    ).rejects.toThrow();
    expect(requests).toBe(0);
  });
});
