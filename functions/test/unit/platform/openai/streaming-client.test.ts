// OpenAiStreamingClient against a real loopback server: the request it sends, and the errors it
// makes of what comes back before the stream (each with its retry facts), as OpenAI, Ollama, llama.cpp
// and OpenRouter answer them.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAiApiError, OpenAiNetworkError } from '../../../../src/lib/platform/openai/errors.js';
import { OpenAiStreamingClient } from '../../../../src/lib/platform/openai/streaming-client.js';
import type { ChatCompletionRequest } from '../../../../src/lib/platform/openai/request-body.js';

type Reply = (req: IncomingMessage, res: ServerResponse) => void;
let next: Reply = (_req, res) => res.end();
const seen: Array<{ path: string; headers: IncomingMessage['headers']; body: string }> = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      next(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const request: ChatCompletionRequest = {
  model: 'm',
  messages: [{ role: 'user', content: 'hi' }],
  stream: true,
  stream_options: { include_usage: true },
};

async function failure(client: OpenAiStreamingClient): Promise<unknown> {
  return client.fetch({ request }).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('OpenAiStreamingClient', () => {
  it('POSTs {base}/chat/completions with the JSON body; a key only as a Bearer header', async () => {
    next = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: [DONE]\n\n');
    };
    const withKey = new OpenAiStreamingClient({ baseUrl: `${base}/`, apiKey: 'sk-test-1' });
    const response = await withKey.fetch({ request });
    let text = '';
    for await (const piece of response.body) text += Buffer.from(piece).toString();
    expect(text).toBe('data: [DONE]\n\n');
    const sent = seen.at(-1)!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe('Bearer sk-test-1');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent.body)).toEqual(request);
    await new OpenAiStreamingClient({ baseUrl: base }).fetch({ request });
    expect(seen.at(-1)!.headers).not.toHaveProperty('authorization');
  });

  it('OpenAI 429 with Retry-After: retryable, with the delay the server asked for', async () => {
    next = (_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
      res.end(
        JSON.stringify({ error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }),
      );
    };
    const error = await failure(new OpenAiStreamingClient({ baseUrl: base }));
    expect(error).toBeInstanceOf(OpenAiApiError);
    expect(error).toMatchObject({ status: 429, isRetryable: true, retryAfterMs: 3000, code: 'requests' });
  });

  it('5xx is retryable whatever the body (HTML from a proxy); 400 (llama.cpp shape) is final', async () => {
    next = (_req, res) => {
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<html>Service Unavailable</html>');
    };
    expect(await failure(new OpenAiStreamingClient({ baseUrl: base }))).toMatchObject({
      status: 503,
      isRetryable: true,
    });
    next = (_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: {
            code: 400,
            message: 'the request exceeds the available context size',
            type: 'exceed_context_size_error',
          },
        }),
      );
    };
    const refused = await failure(new OpenAiStreamingClient({ baseUrl: base, apiKey: 'sk-test-2' }));
    expect(refused).toMatchObject({ status: 400, isRetryable: false, type: 'exceed_context_size_error' });
    expect((refused as Error).message).toContain('context size');
    expect((refused as Error).message).not.toContain('sk-test-2');
  });

  it('a refused connection is a network error, retryable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(new OpenAiStreamingClient({ baseUrl: `http://127.0.0.1:${port}/v1` }));
    expect(error).toBeInstanceOf(OpenAiNetworkError);
    expect(error).toMatchObject({ isRetryable: true });
  });
});
