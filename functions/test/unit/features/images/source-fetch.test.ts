// The SSRF guard of input-image URLs, against a real HTTP server on 127.0.0.1. DNS answers for the
// *.example.test names are scripted (node:dns mocked) so "an allowed host that resolves to a private
// address" can be tested; every other name resolves for real.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SourceImageError } from '../../../../src/lib/features/images/errors.js';
import {
  assertFetchableUrl,
  fetchSourceImage,
  type SourceFetchPolicy,
} from '../../../../src/lib/features/images/source-fetch.js';

const dnsAnswers = vi.hoisted(() => new Map<string, { address: string; family: number }[]>());
vi.mock('node:dns', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:dns')>();
  type Callback = (error: NodeJS.ErrnoException | null, addresses: { address: string; family: number }[]) => void;
  const lookup = (hostname: string, options: object, callback: Callback): void => {
    const scripted = dnsAnswers.get(hostname);
    if (scripted) queueMicrotask(() => callback(null, scripted));
    else real.lookup(hostname, options as never, callback as never);
  };
  return { ...real, default: { ...real, lookup }, lookup };
});

const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(5000, 7)]);
const jpeg = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), Buffer.alloc(3000, 9)]);
let server: Server;
let port: number;
let connections = 0;
const requestedPaths: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requestedPaths.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    switch (url.pathname) {
      case '/image.png':
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length }).end(png);
        return;
      case '/chunked.png': // no Content-Length: the cap must be enforced while counting
        res.writeHead(200, { 'content-type': 'image/png' });
        for (let i = 0; i < 10; i++) res.write(png);
        res.end();
        return;
      case '/declared-huge.png':
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': 50_000_000 });
        res.write(png); // never completes; the client must not wait for it
        return;
      case '/html-as.png': // an error page served with an image type
        res.writeHead(200, { 'content-type': 'image/png' }).end('<html><body>Access denied</body></html>');
        return;
      case '/jpeg-as.png': // a mislabeled JPEG, its signature split across writes
        res.writeHead(200, { 'content-type': 'image/png' });
        res.write(jpeg.subarray(0, 2));
        setImmediate(() => res.end(jpeg.subarray(2)));
        return;
      case '/page.html':
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
        return;
      case '/gzip.png':
        res.writeHead(200, { 'content-type': 'image/png', 'content-encoding': 'gzip' }).end(png);
        return;
      case '/redirect':
        res.writeHead(302, { location: url.searchParams.get('to') ?? '/image.png' }).end();
        return;
      case '/bad-location': // a Location no URL parser accepts
        res.writeHead(302, { location: 'http://exa mple.test/x.png' }).end();
        return;
      case '/loop':
        res.writeHead(301, { location: '/loop' }).end();
        return;
      default:
        res.writeHead(404).end();
    }
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  dev = { allowedHosts: [`127.0.0.1:${port}`, `localhost:${port}`], allowLoopback: true, maxBytes: 16_000 };
  strict = { ...dev, allowLoopback: false, allowedHosts: [`images.example.test:${port}`, `127.0.0.1:${port}`] };
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  connections = 0;
  requestedPaths.length = 0;
  dnsAnswers.clear();
});

// Allow-list entries name the test server's port: an entry without one means the default port only.
let dev: SourceFetchPolicy;
let strict: SourceFetchPolicy;

async function read(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function failure(promise: Promise<unknown>): Promise<SourceImageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SourceImageError);
  return error as SourceImageError;
}

const fetchUrl = (url: string, policy: SourceFetchPolicy) =>
  fetchSourceImage(new URL(url), policy, 'image', AbortSignal.timeout(5_000));

describe('assertFetchableUrl', () => {
  // Every host is on the allow-list here, so only the address policy can refuse.
  const everyHost = (url: URL): SourceFetchPolicy => ({ allowedHosts: [url.host], allowLoopback: false, maxBytes: 1 });
  it.each([
    'https://0x7f.1/a.png', // 127.0.0.1 in shorthand hex
    'https://2130706433/a.png', // 127.0.0.1 as one number
    'https://0251.0376.0251.0376/a.png', // 169.254.169.254 in octal
    'https://[::FFFF:127.0.0.1]/a.png', // IPv4-mapped, upper case
    'https://[::ffff:0:127.0.0.1]/a.png', // IPv4-translated
    'https://[::ffff:0:a9fe:a9fe]/a.png', // IPv4-translated metadata, hex
    'https://[::169.254.169.254]/a.png', // IPv4-compatible
    'https://[64:ff9b::10.0.0.1]/a.png', // NAT64
    'https://[64:ff9b:1::808:808]/a.png', // local-use NAT64
    'https://[2002:a9fe:a9fe::]/a.png', // 6to4
    'https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/a.png', // Teredo
  ])('refuses %s, judged as the address it names, even on the allow-list', (text) => {
    const url = new URL(text);
    let error: unknown;
    try {
      assertFetchableUrl(url, everyHost(url), 'image');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SourceImageError);
    expect(error).toMatchObject({ status: 400, code: 'source_not_allowed' });
  });

  it('lets a public IPv4 literal through when it is allowed', () => {
    const url = new URL('https://[::ffff:8.8.8.8]/a.png');
    expect(() => assertFetchableUrl(url, everyHost(url), 'image')).not.toThrow();
  });
});

describe('fetchSourceImage', () => {
  it('streams an allowed image with its bytes intact (dev mode: http + loopback)', async () => {
    const image = await fetchUrl(`http://127.0.0.1:${port}/image.png`, dev);
    expect(image.mimeType).toBe('image/png');
    expect((await read(image.body)).equals(png)).toBe(true);
  });

  it('connects through the vetted lookup for host names', async () => {
    const image = await fetchUrl(`http://localhost:${port}/image.png`, dev);
    expect((await read(image.body)).equals(png)).toBe(true);
  });

  it('refuses http and loopback outside the dev mode, before connecting', async () => {
    const http = await failure(fetchUrl(`http://127.0.0.1:${port}/image.png`, strict));
    expect([http.status, http.code]).toEqual([400, 'source_not_allowed']);
    const literal = await failure(fetchUrl(`https://127.0.0.1:${port}/image.png`, strict));
    expect(literal.message).toMatch(/non-public address/);
    expect(connections).toBe(0);
  });

  it('refuses hosts that are not on the allow-list, before connecting', async () => {
    const error = await failure(
      fetchUrl(`http://localhost:${port}/image.png`, { ...dev, allowedHosts: [`127.0.0.1:${port}`] }),
    );
    expect(error.code).toBe('source_not_allowed');
    expect(connections).toBe(0);
  });

  it('refuses an allowed host whose DNS answer holds any private address', async () => {
    for (const answer of [
      [{ address: '127.0.0.1', family: 4 }],
      [{ address: '169.254.169.254', family: 4 }],
      [
        { address: '8.8.8.8', family: 4 },
        { address: '10.0.0.5', family: 4 },
      ],
      [{ address: '::ffff:192.168.0.1', family: 6 }],
    ]) {
      dnsAnswers.set('images.example.test', answer);
      const error = await failure(fetchUrl(`https://images.example.test:${port}/image.png`, strict));
      expect(error.message).toMatch(/resolves to a non-public address/);
    }
    expect(connections).toBe(0);
  });

  it('refuses credentials in the URL', async () => {
    const error = await failure(fetchUrl(`http://user:pw@127.0.0.1:${port}/image.png`, dev));
    expect(error.code).toBe('source_not_allowed');
  });

  it('follows redirects on allowed hosts and re-checks each hop', async () => {
    const image = await fetchUrl(`http://127.0.0.1:${port}/redirect?to=/image.png`, dev);
    expect((await read(image.body)).equals(png)).toBe(true);

    const away = encodeURIComponent('http://evil.example.test/x.png');
    const error = await failure(fetchUrl(`http://127.0.0.1:${port}/redirect?to=${away}`, dev));
    expect(error.code).toBe('source_not_allowed');
  });

  it('answers 422 source_unavailable for a redirect whose Location is not a URL', async () => {
    const error = await failure(fetchUrl(`http://127.0.0.1:${port}/bad-location`, dev));
    expect([error.status, error.code]).toEqual([422, 'source_unavailable']);
    expect(error.message).toMatch(/redirected to an invalid URL/);
    expect(requestedPaths).toEqual(['/bad-location']);
  });

  it('refuses an allowed host on a port its entry does not name, before connecting', async () => {
    const noPort = { ...dev, allowedHosts: ['127.0.0.1'] }; // the scheme's default port only
    const error = await failure(fetchUrl(`http://127.0.0.1:${port}/image.png`, noPort));
    expect([error.status, error.code]).toEqual([400, 'source_not_allowed']);
    const otherPort = { ...dev, allowedHosts: [`127.0.0.1:${port + 1}`] };
    expect((await failure(fetchUrl(`http://127.0.0.1:${port}/image.png`, otherPort))).code).toBe('source_not_allowed');
    expect(connections).toBe(0);
  });

  it('re-checks the port on every redirect hop', async () => {
    const elsewhere = encodeURIComponent(`http://127.0.0.1:${port + 1}/image.png`);
    const error = await failure(
      fetchUrl(`http://127.0.0.1:${port}/redirect?to=${elsewhere}`, { ...dev, allowedHosts: [`127.0.0.1:${port}`] }),
    );
    expect(error.code).toBe('source_not_allowed');
    expect(requestedPaths).toHaveLength(1);
  });

  it('gives up after 3 redirects', async () => {
    const error = await failure(fetchUrl(`http://127.0.0.1:${port}/loop`, dev));
    expect([error.status, error.code]).toEqual([422, 'source_unavailable']);
    expect(requestedPaths).toHaveLength(4);
  });

  it('refuses non-image content types, encoded bodies and error statuses', async () => {
    const html = await failure(fetchUrl(`http://127.0.0.1:${port}/page.html`, dev));
    expect([html.status, html.code]).toEqual([415, 'unsupported_image_type']);
    expect((await failure(fetchUrl(`http://127.0.0.1:${port}/gzip.png`, dev))).code).toBe('source_unavailable');
    const missing = await failure(fetchUrl(`http://127.0.0.1:${port}/missing.png`, dev));
    expect(missing.details).toMatchObject({ status: 404 });
  });

  it('refuses a body that is no image by its first bytes, before handing it on', async () => {
    const error = await failure(fetchUrl(`http://127.0.0.1:${port}/html-as.png`, dev));
    expect([error.status, error.code]).toEqual([400, 'invalid_image']);
    expect(error.details).toEqual({ field: 'image', declaredMimeType: 'image/png' });
  });

  it('passes a mislabeled image on with the type its bytes have and every byte intact', async () => {
    const image = await fetchUrl(`http://127.0.0.1:${port}/jpeg-as.png`, dev);
    expect(image.mimeType).toBe('image/jpeg');
    expect((await read(image.body)).equals(jpeg)).toBe(true);
  });

  it('refuses a declared Content-Length over the cap without reading the body', async () => {
    const error = await failure(fetchUrl(`http://127.0.0.1:${port}/declared-huge.png`, dev));
    expect([error.status, error.code]).toEqual([413, 'image_too_large']);
  });

  it('stops a body without Content-Length as soon as it passes the cap', async () => {
    let received = 0;
    // Refused while the first bytes are checked (one large first chunk) or later, while reading.
    const error = await failure(
      (async () => {
        const image = await fetchUrl(`http://127.0.0.1:${port}/chunked.png`, dev);
        for await (const chunk of image.body) received += chunk.length;
      })(),
    );
    expect(error.code).toBe('image_too_large');
    expect(received).toBeLessThanOrEqual(dev.maxBytes);
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    controller.abort(new Error('client gone'));
    await expect(
      fetchSourceImage(new URL(`http://127.0.0.1:${port}/image.png`), dev, 'image', controller.signal),
    ).rejects.toThrow('client gone');
  });
});
