// readJsonBody when no framework parsed the body (a bare node:http server): we read the stream ourselves.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Request } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonBody } from '../../../../src/lib/platform/http/request-checks.js';
import { HttpError } from '../../../../src/lib/platform/http/errors.js';

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    readJsonBody(req as unknown as Request, 100).then(
      (body) => res.end(JSON.stringify({ ok: true, body })),
      (err: unknown) => {
        const code = err instanceof HttpError ? err.code : 'unexpected';
        res.end(JSON.stringify({ ok: false, code }));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function post(body: string | Uint8Array, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return (await res.json()) as { ok: boolean; body?: unknown; code?: string };
}

describe('readJsonBody on an unread stream', () => {
  it('parses a JSON body', async () => {
    expect(await post('{"a":[1,2]}')).toEqual({ ok: true, body: { a: [1, 2] } });
  });

  it('strips a UTF-8 BOM', async () => {
    expect(await post('\uFEFF{"a":1}')).toEqual({ ok: true, body: { a: 1 } });
  });

  it('answers invalid_json for malformed JSON', async () => {
    expect(await post('{"a":')).toEqual({ ok: false, code: 'invalid_json' });
  });

  it('rejects by Content-Length before reading', async () => {
    expect(await post(JSON.stringify({ a: 'x'.repeat(200) }))).toEqual({ ok: false, code: 'payload_too_large' });
  });

  it('stops reading a chunked body as soon as it passes the limit', async () => {
    const chunks = [
      new TextEncoder().encode('{"a":"'),
      new TextEncoder().encode('x'.repeat(300)),
      new TextEncoder().encode('"}'),
    ];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const res = await fetch(url, {
      method: 'POST',
      body: stream,
      headers: { 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit);
    expect(await res.json()).toEqual({ ok: false, code: 'payload_too_large' });
  });
});

describe('readJsonBody on what a framework left behind', () => {
  const fakeReq = (fields: Record<string, unknown>) =>
    ({ headers: {}, readableEnded: true, readable: false, ...fields }) as unknown as Request;

  it('returns an already-parsed body, size-checked by rawBody', async () => {
    await expect(readJsonBody(fakeReq({ body: { a: 1 }, rawBody: Buffer.from('{"a":1}') }), 100)).resolves.toEqual({
      a: 1,
    });
    await expect(readJsonBody(fakeReq({ body: { a: 1 }, rawBody: Buffer.alloc(101, 32) }), 100)).rejects.toMatchObject({
      status: 413,
    });
  });

  it('parses a Buffer body (raw parser) and a string body (text parser)', async () => {
    await expect(readJsonBody(fakeReq({ body: Buffer.from('{"b":2}') }), 100)).resolves.toEqual({ b: 2 });
    await expect(readJsonBody(fakeReq({ body: '{"c":3}' }), 100)).resolves.toEqual({ c: 3 });
    await expect(readJsonBody(fakeReq({ body: '{"c":' }), 100)).rejects.toMatchObject({ code: 'invalid_json' });
  });

  it('parses rawBody when the body is missing', async () => {
    await expect(readJsonBody(fakeReq({ rawBody: Buffer.from('[1]') }), 100)).resolves.toEqual([1]);
  });
});
