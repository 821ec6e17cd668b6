// generateImage and editImage mounted in-process, against the shared loopback services (Auth and
// Firestore emulators, the local Gemini-protocol server) and an s3rver of this file's own whose
// on-disk state is inspected (pending multipart uploads, objects). See images-emulator.test.ts for
// the same functions through the Functions emulator.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { crc32 } from 'node:zlib';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { imageSize } from 'image-size';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GeminiServerControl } from '../../dev/gemini-server/control-client.js';
import type { Scenario } from '../../dev/gemini-server/types.js';
import { getDb } from '../../src/lib/platform/firebase.js';
import { createS3Client } from '../../src/lib/platform/image-pipeline/s3-target.js';
import { loadFunctions } from '../support/functions.js';
import { mountFunctions, type MountedFunctions } from '../support/mount.js';
import { applyServiceEnv, signUp, type SignedUpUser } from '../support/services.js';
import { readSse, startInspectableS3, type InspectableS3 } from './images-support.js';
import { makePng } from '../unit/platform/image-pipeline/fixtures.js';
import { heifWithMetadata, phoneJpeg } from '../unit/features/images/photo-fixtures.js';
import { awayFromMinuteEdge } from '../support/minute-window.js';

const BUCKET = 'images-test';
let s3: InspectableS3;
let functions: MountedFunctions;
let gemini: GeminiServerControl;
let user: SignedUpUser;
const baseEnv: Record<string, string> = {};

beforeAll(async () => {
  const services = applyServiceEnv();
  gemini = new GeminiServerControl(services.gemini.url);
  s3 = await startInspectableS3(BUCKET);
  Object.assign(baseEnv, {
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: BUCKET,
    IMAGE_SOURCE_ALLOW_LOOPBACK: 'true',
    IMAGE_SOURCE_ALLOWED_HOSTS: new URL(s3.endpoint).host, // 127.0.0.1:<port>: entries match the port too
    IMAGE_RATE_LIMIT_PER_MINUTE: '1000',
  });
  functions = await mountFunctions(await loadFunctions(['generateImage', 'editImage']));
});

afterAll(async () => {
  await functions?.close();
  await s3?.stop();
});

beforeEach(async () => {
  Object.assign(process.env, baseEnv);
  delete process.env.IMAGE_MAX_OUTPUT_BYTES;
  await gemini.reset();
  user = await signUp();
});

function post(
  name: string,
  body: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(functions.url(name), {
    method: 'POST',
    headers: { authorization: `Bearer ${user.idToken}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: signal ?? AbortSignal.timeout(60_000),
  });
}

const imageReply = (image: Record<string, unknown>, extra: Partial<Scenario> = {}): Scenario => ({
  reply: {
    kind: 'content',
    parts: [
      { type: 'text', text: 'Here is your picture.' },
      { type: 'image', ...image },
    ],
  },
  ...extra,
});

async function recordsOf(uid: string) {
  const snapshot = await getDb().collection('images').where('owner', '==', uid).get();
  return snapshot.docs.map((doc) => ({ id: doc.id, ...doc.data() }));
}

interface ImageJson {
  image: {
    id: string;
    url: string;
    width: number;
    height: number;
    format: string;
    contentType: string;
    contentLength: number;
  };
  text?: string;
  model: string;
  finishReason: string;
  usage: { promptTokens: number; outputTokens: number; totalTokens: number };
  costUsd: number | null;
}

describe('generateImage', () => {
  it('streams the image into S3, records it, and answers JSON', async () => {
    await gemini.queue(imageReply({ width: 320, height: 180 }));
    const response = await post('generateImage', {
      prompt: 'a lighthouse at dusk',
      aspectRatio: '16:9',
      imageSize: '2K',
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as ImageJson;
    expect(body).toMatchObject({
      image: { width: 320, height: 180, format: 'png', contentType: 'image/png' },
      text: 'Here is your picture.',
      finishReason: 'STOP',
    });

    const stored = Buffer.from(await (await fetch(body.image.url)).arrayBuffer()); // the public URL serves it
    expect(stored.length).toBe(body.image.contentLength);
    expect(imageSize(stored)).toMatchObject({ width: 320, height: 180 });
    expect(body.image.url).toBe(`${s3.endpoint}/${BUCKET}/${s3.objectKeys('generated-images/')[0]}`);

    const [record] = await recordsOf(user.uid);
    expect(record).toMatchObject({
      id: body.image.id,
      owner: user.uid,
      kind: 'generate',
      prompt: 'a lighthouse at dusk',
      model: body.model,
      url: body.image.url,
      width: 320,
      height: 180,
      finishReason: 'STOP',
      usage: body.usage,
      costUsd: body.costUsd,
    });
    // One shape for usage everywhere (as chat's), and the model that answered: the stand-in marks itself.
    expect(Object.keys(body.usage).sort()).toEqual(['outputTokens', 'promptTokens', 'totalTokens']);
    expect(body.usage.totalTokens).toBeGreaterThan(0);
    expect(body.model).toMatch(/-offline$/);
    expect(record).toHaveProperty('createdAt');
    // gemini-3.1-flash-image's 2K image ($0.101) plus the prompt and text at its list prices.
    expect(body.costUsd).toBeGreaterThanOrEqual(0.101);
    expect(body.costUsd).toBeLessThan(0.11);

    const [request] = await gemini.requests({ action: 'streamGenerateContent' });
    expect(request.body?.generationConfig).toMatchObject({ imageConfig: { aspectRatio: '16:9', imageSize: '2K' } });
    expect(request.body?.contents[0].texts).toContain('a lighthouse at dusk');
  });

  it('stores a JPEG whose size comes after 300 KB of metadata (content credentials), with that size', async () => {
    await gemini.queue(
      imageReply({ mimeType: 'image/jpeg', width: 640, height: 480, metadataBytes: 300_000, delivery: 'fragmented' }),
    );
    const response = await post('generateImage', { prompt: 'a harbour at noon', aspectRatio: '4:3' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as ImageJson;
    expect(body.image).toMatchObject({ width: 640, height: 480, format: 'jpg', contentType: 'image/jpeg' });
    expect(body.image.contentLength).toBeGreaterThan(300_000);
    const stored = Buffer.from(await (await fetch(body.image.url)).arrayBuffer());
    expect(stored.length).toBe(body.image.contentLength);
    expect(await sharp(stored).metadata()).toMatchObject({ width: 640, height: 480, format: 'jpeg' });
    const [record] = await recordsOf(user.uid);
    expect(record).toMatchObject({ id: body.image.id, width: 640, height: 480 });
  });

  it('streams progress events with Accept: text/event-stream', async () => {
    await gemini.queue(imageReply({ imageBytes: 6_000_000, delivery: 'cumulative', fragments: 5 }));
    const response = await post(
      'generateImage',
      { prompt: 'noise', aspectRatio: '1:1' },
      { accept: 'text/event-stream' },
    );
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await readSse(response);
    const names = events.map((event) => event.event);
    expect(names[0]).toBe('start');
    expect(names).toContain('text');
    expect(names.slice(-2)).toEqual(['image', 'done']);
    const progress = events
      .filter((event) => event.event === 'progress')
      .map((event) => (event.data as { bytes: number }).bytes);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const done = events.at(-1)?.data as ImageJson;
    expect(events.at(-2)?.data).toEqual(done.image);
    expect(done.image.contentLength).toBe(6_000_000);
    expect(Math.max(...progress)).toBeLessThanOrEqual(6_000_000);
    expect(s3.pendingMultipartUploads()).toEqual([]);
    // Every event carries an id, 1, 2, 3... in order (the same responder as chatStream).
    expect(events.map((event) => event.id)).toEqual(events.map((_, i) => String(i + 1)));
  });

  it('ends a stream that fails after it started with the one error event shape chatStream uses', async () => {
    await gemini.queue({
      reply: { kind: 'content', parts: [{ type: 'image', imageBytes: 100_000 }], finishReason: 'IMAGE_SAFETY' },
    });
    const response = await post('generateImage', { prompt: 'x', aspectRatio: '1:1' }, { accept: 'text/event-stream' });
    const events = await readSse(response);
    expect(events[0].event).toBe('start');
    expect(events.at(-1)).toEqual({
      event: 'error',
      id: String(events.length),
      data: {
        code: 'blocked',
        status: 422,
        message: expect.any(String),
        details: { reason: 'IMAGE_SAFETY' },
        requestId: response.headers.get('x-request-id'),
      },
    });
  });

  it('refuses an aspect ratio or size the model does not take, before calling Gemini', async () => {
    const response = await post('generateImage', { prompt: 'x', aspectRatio: '8:1', imageSize: '4K' }, {});
    // The default model (gemini-3.1-flash-image) takes both: switch to one that takes neither.
    expect(response.status).toBe(200);
    process.env.GEMINI_IMAGE_MODEL = 'gemini-2.5-flash-image';
    try {
      const refused = await post('generateImage', { prompt: 'x', aspectRatio: '8:1', imageSize: '4K' });
      expect(refused.status).toBe(400);
      const { error } = (await refused.json()) as {
        error: { code: string; details: { issues: { path: string[] }[] } };
      };
      expect(error.code).toBe('invalid_request');
      expect(error.details.issues.map((issue) => issue.path[0])).toEqual(['aspectRatio', 'imageSize']);
    } finally {
      delete process.env.GEMINI_IMAGE_MODEL;
    }
    expect(await gemini.requests({ action: 'streamGenerateContent' })).toHaveLength(1);
  });

  it('answers 502 no_image with the finishReason', async () => {
    await gemini.queue({
      reply: { kind: 'content', parts: [{ type: 'text', text: 'No.' }], finishReason: 'NO_IMAGE' },
    });
    const response = await post('generateImage', { prompt: 'x', aspectRatio: '1:1' });
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({
      code: 'no_image',
      details: { finishReason: 'NO_IMAGE' },
    });
  });

  it('answers 422 blocked for a blocked prompt and for an IMAGE_SAFETY stop, leaving nothing behind', async () => {
    const objectsBefore = s3.objectKeys();
    await gemini.queue(
      { reply: { kind: 'blocked', blockReason: 'PROHIBITED_CONTENT' } },
      { reply: { kind: 'content', parts: [{ type: 'image', imageBytes: 7_000_000 }], finishReason: 'IMAGE_SAFETY' } },
    );
    for (const reason of ['PROHIBITED_CONTENT', 'IMAGE_SAFETY']) {
      const response = await post('generateImage', { prompt: 'x', aspectRatio: '1:1' });
      expect(response.status).toBe(422);
      expect(((await response.json()) as { error: unknown }).error).toMatchObject({
        code: 'blocked',
        details: { reason },
      });
    }
    expect(s3.objectKeys()).toEqual(objectsBefore);
    expect(s3.pendingMultipartUploads()).toEqual([]);
    expect(await recordsOf(user.uid)).toEqual([]);
  });

  it('retries a 429 before any output, and maps a 400 to 502 upstream_error', async () => {
    await gemini.queue({ reply: { kind: 'http-error', code: 429, retryDelaySeconds: 0 } }, imageReply({}));
    expect((await post('generateImage', { prompt: 'x', aspectRatio: '1:1' })).status).toBe(200);
    expect(await gemini.requests({ action: 'streamGenerateContent' })).toHaveLength(2);

    await gemini.queue({ reply: { kind: 'http-error', code: 400, message: 'bad' } });
    const response = await post('generateImage', { prompt: 'x', aspectRatio: '1:1' });
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('upstream_error');
  });

  it('caps output bytes: 502 output_too_large, no object, no pending parts', async () => {
    const objectsBefore = s3.objectKeys();
    process.env.IMAGE_MAX_OUTPUT_BYTES = String(6 * 1024 * 1024);
    await gemini.queue(imageReply({ imageBytes: 12_000_000 }));
    const response = await post('generateImage', { prompt: 'x', aspectRatio: '1:1' });
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('output_too_large');
    expect(s3.objectKeys()).toEqual(objectsBefore);
    expect(s3.pendingMultipartUploads()).toEqual([]);
  });

  it('a client disconnect aborts the Gemini request and the upload: no parts, no object, no record', async () => {
    const objectsBefore = s3.objectKeys();
    // ~30 MB delivered slowly in 40 fragments, so the disconnect lands mid-upload.
    await gemini.queue(
      imageReply({ imageBytes: 30_000_000, delivery: 'fragmented', fragments: 40 }, { chunkDelayMs: 60 }),
    );
    const controller = new AbortController();
    const response = await post(
      'generateImage',
      { prompt: 'x', aspectRatio: '1:1' },
      { accept: 'text/event-stream' },
      controller.signal,
    );
    let sawMultipart = false;
    await readSse(response, (event) => {
      if (event.event !== 'progress' || (event.data as { bytes: number }).bytes < 12 * 1024 * 1024) return false;
      sawMultipart = s3.pendingMultipartUploads().length === 1; // parts are being uploaded right now
      return true;
    });
    controller.abort();
    expect(sawMultipart).toBe(true);

    const [request] = await gemini.requests({ action: 'streamGenerateContent' });
    const settled = await gemini.waitForAbort(request.id, 10_000);
    expect(settled.outcome).toBe('aborted');
    await expect.poll(() => s3.pendingMultipartUploads(), { timeout: 10_000 }).toEqual([]);
    expect(s3.objectKeys()).toEqual(objectsBefore);
    await new Promise((resolve) => setTimeout(resolve, 200)); // a late record would show up by now
    expect(await recordsOf(user.uid)).toEqual([]);
  });

  it('is rate limited per user (IMAGE_RATE_LIMIT_PER_MINUTE)', async () => {
    process.env.IMAGE_RATE_LIMIT_PER_MINUTE = '2';
    await gemini.queue(imageReply({}, { times: 2 }));
    await awayFromMinuteEdge();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await post('generateImage', { prompt: 'x', aspectRatio: '1:1' })).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe('editImage', () => {
  const source = makePng(64, 48, { noise: true });

  it('edits a data-URI phone photo: Gemini gets it upright, downscaled to 1536 px, without metadata', async () => {
    await gemini.queue(imageReply({ width: 64, height: 48 }));
    const photo = await phoneJpeg(2400, 1600, { orientation: 6, gps: true }); // shown 1600 x 2400
    const image = `data:image/jpeg;base64,${photo.toString('base64')}`;
    const response = await post('editImage', { image, editPrompt: 'make it blue' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as ImageJson;
    expect(s3.objectKeys('edited-images/')).toHaveLength(1);
    expect((await recordsOf(user.uid))[0]).toMatchObject({ id: body.image.id, kind: 'edit', prompt: 'make it blue' });

    const [request] = await gemini.requests({ action: 'streamGenerateContent' });
    const [sent] = request.body?.contents[0].inlineData ?? [];
    expect(sent).toMatchObject({ mimeType: 'image/jpeg', width: 1024, height: 1536, hasMetadata: false });
    expect(sent.bytes).toBeLessThan(photo.length);
    expect(request.body?.contents[0].texts).toEqual(['make it blue']);
  });

  it('edits a 12 MP photo fetched from the project bucket by URL, sent as 1536 x 1152', async () => {
    const photo = await phoneJpeg(4000, 3000, { gps: true }, 85);
    const client = createS3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'uploads/photo.jpg', Body: photo, ContentType: 'image/jpeg' }),
    );
    client.destroy();
    await gemini.queue(imageReply({}));
    const response = await post('editImage', {
      image: `${s3.endpoint}/${BUCKET}/uploads/photo.jpg`,
      editPrompt: 'sepia',
    });
    expect(response.status).toBe(200);
    const [request] = await gemini.requests({ action: 'streamGenerateContent' });
    expect(request.body?.contents[0].inlineData[0]).toMatchObject({
      mimeType: 'image/jpeg',
      width: 1536,
      height: 1152,
      hasMetadata: false,
    });
  });

  it('sends a HEIF as it is with its metadata blanked, and refuses a pixel bomb with 413 before calling Gemini', async () => {
    await gemini.queue(imageReply({}));
    const heif = await heifWithMetadata();
    const sent = await post('editImage', {
      image: `data:image/heif;base64,${heif.toString('base64')}`,
      editPrompt: 'x',
    });
    expect(sent.status).toBe(200);
    const [request] = await gemini.requests({ action: 'streamGenerateContent' });
    expect(request.body?.contents[0].inlineData[0]).toMatchObject({
      mimeType: 'image/heif',
      bytes: heif.length,
      hasMetadata: false,
    });

    await gemini.reset();
    const bomb = makePng(8, 8);
    bomb.writeUInt32BE(20_000, 16);
    bomb.writeUInt32BE(20_000, 20);
    bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)), 29);
    const refused = await post('editImage', {
      image: `data:image/png;base64,${bomb.toString('base64')}`,
      editPrompt: 'x',
    });
    expect(refused.status).toBe(413);
    expect(((await refused.json()) as { error: { code: string; details: unknown } }).error).toMatchObject({
      code: 'image_too_large',
      details: { field: 'image', maxPixels: 100_000_000, width: 20_000, height: 20_000 },
    });
    expect(await gemini.requests({ action: 'streamGenerateContent' })).toEqual([]);
  });

  it('refuses URLs off the allow-list, and loopback without the dev flag, before calling Gemini', async () => {
    const url = `${s3.endpoint.replace('127.0.0.1', 'localhost')}/${BUCKET}/uploads/source.png`;
    const offList = await post('editImage', { image: url, editPrompt: 'x' });
    expect(offList.status).toBe(400);
    expect(((await offList.json()) as { error: { code: string } }).error.code).toBe('source_not_allowed');

    process.env.IMAGE_SOURCE_ALLOW_LOOPBACK = 'false';
    const loopback = await post('editImage', { image: `${s3.endpoint}/${BUCKET}/uploads/source.png`, editPrompt: 'x' });
    expect(loopback.status).toBe(400);
    expect(await gemini.requests({ action: 'streamGenerateContent' })).toEqual([]);
  });

  it('answers 422 for a redirect to an unparseable Location and 400 for an allowed host on another port, before calling Gemini', async () => {
    const redirector = createServer((_req, res) =>
      res.writeHead(302, { location: 'http://exa mple.test/x.png' }).end(),
    );
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    const redirectorHost = `127.0.0.1:${(redirector.address() as AddressInfo).port}`;
    try {
      process.env.IMAGE_SOURCE_ALLOWED_HOSTS = `${new URL(s3.endpoint).host},${redirectorHost}`;
      const redirected = await post('editImage', { image: `http://${redirectorHost}/photo.png`, editPrompt: 'x' });
      expect(redirected.status).toBe(422);
      expect(((await redirected.json()) as { error: { code: string } }).error.code).toBe('source_unavailable');

      process.env.IMAGE_SOURCE_ALLOWED_HOSTS = '127.0.0.1'; // no port: port 80 only
      const otherPort = await post('editImage', {
        image: `${s3.endpoint}/${BUCKET}/uploads/source.png`,
        editPrompt: 'x',
      });
      expect(otherPort.status).toBe(400);
      expect(((await otherPort.json()) as { error: { code: string } }).error.code).toBe('source_not_allowed');
    } finally {
      redirector.closeAllConnections();
      await new Promise((resolve) => redirector.close(resolve));
    }
    expect(await gemini.requests({ action: 'streamGenerateContent' })).toEqual([]);
  });

  it('refuses bytes that are no image (data URI or URL) with 400 invalid_image, before calling Gemini', async () => {
    const client = createS3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'uploads/page.png',
        Body: '<html>denied</html>',
        ContentType: 'image/png',
      }),
    );
    client.destroy();
    const garbage = Buffer.from('<html>denied</html>').toString('base64');
    for (const image of [`data:image/png;base64,${garbage}`, `${s3.endpoint}/${BUCKET}/uploads/page.png`]) {
      const response = await post('editImage', { image, editPrompt: 'x' });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_image');
    }
    expect(await gemini.requests({ action: 'streamGenerateContent' })).toEqual([]);
  });

  it('answers 415 for a source that is not an image and 413 for an oversized data URI', async () => {
    const notImage = await post('editImage', { image: 'data:text/plain;base64,AAAA', editPrompt: 'x' });
    expect(notImage.status).toBe(415);
    process.env.IMAGE_SOURCE_MAX_BYTES = '1000';
    try {
      const tooBig = await post('editImage', {
        image: `data:image/png;base64,${source.toString('base64')}`,
        editPrompt: 'x',
      });
      expect(tooBig.status).toBe(413);
    } finally {
      delete process.env.IMAGE_SOURCE_MAX_BYTES;
    }
  });
});
