// uploadImageChunks + createS3UploadTarget against a real S3-compatible server (dev/services/s3.ts:
// s3rver on 127.0.0.1 with S3's AbortMultipartUpload added, and its on-disk state inspectable:
// pending multipart uploads, stored keys). Every S3 command the client sends is recorded as well.

import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startS3, type S3Server } from '../../dev/services/s3.js';
import type { GeminiStreamEvent } from '../../src/lib/platform/gemini/types.js';
import type { ImageBlock } from '../../src/lib/platform/image-pipeline/image-block.js';
import { Base64DecodeError } from '../../src/lib/platform/image-pipeline/base64-decode.js';
import { createS3Client, createS3UploadTarget } from '../../src/lib/platform/image-pipeline/s3-target.js';
import { uploadImageChunks } from '../../src/lib/platform/image-pipeline/upload.js';
import { gate, makePng } from '../unit/platform/image-pipeline/fixtures.js';

const BUCKET = 'media';

let s3: S3Server;
let endpoint: string;
let client: S3Client;
const sentCommands: string[] = [];
const pendingMultipartUploads = (): string[] => s3.pendingMultipartUploads();

beforeAll(async () => {
  s3 = await startS3({ bucket: BUCKET });
  endpoint = s3.endpoint;
  client = createS3Client({
    region: s3.region,
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sentCommands.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
});

afterAll(async () => {
  client?.destroy();
  await s3?.stop();
});

beforeEach(() => {
  sentCommands.length = 0;
});

/** Base64 deltas in 64 KB slices, as the SSE layer delivers a large inline image. */
function* imageDeltas(bytes: Buffer): Generator<GeminiStreamEvent> {
  const base64 = bytes.toString('base64');
  for (let i = 0; i < base64.length; i += 64 * 1024)
    yield { type: 'image-delta', data: base64.slice(i, i + 64 * 1024) };
}

async function objectExists(key: string): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'NotFound') return false;
    throw error;
  }
}

describe('uploadImageChunks -> S3 (s3rver)', () => {
  // 2000 x 2000 RGB noise: a ~12 MB PNG, so three 5 MiB parts.
  const png = makePng(2000, 2000, { noise: true });

  it('streams a ~12 MB image as a multipart upload with the right bytes and content type', async () => {
    async function* events(): AsyncGenerator<GeminiStreamEvent> {
      yield { type: 'text-delta', text: 'Here it is' };
      yield { type: 'image-start', mimeType: 'image/png' };
      yield* imageDeltas(png);
      yield { type: 'done', finishReason: 'STOP' };
    }
    const target = createS3UploadTarget({ client, bucket: BUCKET });
    const out = [];
    for await (const event of uploadImageChunks(events(), { target, keyPrefix: 'ws-1/generated' })) out.push(event);

    expect(out.map((event) => event.type)).toEqual(['text-delta', 'image', 'done']);
    const image = out[1] as ImageBlock;
    expect(image).toMatchObject({
      width: 2000,
      height: 2000,
      format: 'png',
      contentType: 'image/png',
      contentLength: png.length,
    });
    expect(png.length).toBeGreaterThan(12_000_000);
    expect(image.url).toBe(`${endpoint}/${BUCKET}/${image.key}`);

    const stored = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: image.key }));
    expect(stored.ContentType).toBe('image/png');
    expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(png)).toBe(true);
    const anonymous = await fetch(image.url); // the URL we hand out serves the same bytes
    expect(Buffer.from(await anonymous.arrayBuffer()).equals(png)).toBe(true);

    expect(sentCommands.filter((name) => name === 'UploadPartCommand')).toHaveLength(3);
    expect(sentCommands).toContain('CreateMultipartUploadCommand');
    expect(sentCommands).toContain('CompleteMultipartUploadCommand');
    expect(sentCommands).not.toContain('PutObjectCommand');
    expect(pendingMultipartUploads()).toEqual([]);
  });

  it('uses publicUrlBase for the returned URL', async () => {
    const small = makePng(32, 32);
    async function* events(): AsyncGenerator<GeminiStreamEvent> {
      yield { type: 'image-start', mimeType: 'image/png' };
      yield* imageDeltas(small);
    }
    const target = createS3UploadTarget({ client, bucket: BUCKET, publicUrlBase: 'https://cdn.example.test/' });
    let block: ImageBlock | undefined;
    for await (const event of uploadImageChunks(events(), { target, keyPrefix: 'ws 1' })) block = event as ImageBlock;
    expect(block?.url).toBe(`https://cdn.example.test/ws%201/${block?.key.split('/')[1]}`);
    expect(sentCommands).toContain('PutObjectCommand'); // below one part: a single PUT
    expect(await objectExists(block!.key)).toBe(true);
  });

  it('leaves no object and no pending multipart upload when the stream fails mid-image', async () => {
    const deltas = [...imageDeltas(png)];
    const cut = Math.floor(deltas.length * 0.75); // ~9 MB in: at least one part uploaded
    async function* events(): AsyncGenerator<GeminiStreamEvent> {
      yield { type: 'image-start', mimeType: 'image/png' };
      yield* deltas.slice(0, cut);
      yield { type: 'image-delta', data: '%%%% corrupted %%%%' };
      yield* deltas.slice(cut);
    }
    let key: string | undefined;
    const target = createS3UploadTarget({ client, bucket: BUCKET });
    const recordingTarget = {
      upload: (request: Parameters<typeof target.upload>[0]) => {
        key = request.key;
        return target.upload(request);
      },
    };
    const run = async () => {
      for await (const event of uploadImageChunks(events(), { target: recordingTarget, keyPrefix: 'ws-1/failed' }))
        void event;
    };
    await expect(run()).rejects.toBeInstanceOf(Base64DecodeError);

    expect(sentCommands).toContain('UploadPartCommand');
    expect(sentCommands).toContain('AbortMultipartUploadCommand');
    expect(sentCommands).not.toContain('CompleteMultipartUploadCommand');
    expect(key).toBeDefined();
    expect(await objectExists(key!)).toBe(false);
    expect(pendingMultipartUploads()).toEqual([]);
  });

  it('cleans up the same way when the caller aborts while the upstream is stalled', async () => {
    const deltas = [...imageDeltas(png)];
    const stalled = gate();
    async function* events(): AsyncGenerator<GeminiStreamEvent> {
      yield { type: 'image-start', mimeType: 'image/png' };
      yield* deltas.slice(0, Math.floor(deltas.length * 0.6));
      stalled.open();
      await new Promise(() => undefined); // the model stops sending; only the abort can end this
    }
    const controller = new AbortController();
    const target = createS3UploadTarget({ client, bucket: BUCKET });
    const run = async () => {
      for await (const event of uploadImageChunks(events(), {
        target,
        keyPrefix: 'ws-1/aborted',
        signal: controller.signal,
      })) {
        void event;
      }
    };
    const running = run();
    await stalled.opened;
    controller.abort(new Error('client went away'));
    await expect(running).rejects.toThrow('client went away');

    expect(sentCommands).toContain('AbortMultipartUploadCommand');
    expect(sentCommands).not.toContain('CompleteMultipartUploadCommand');
    expect(pendingMultipartUploads()).toEqual([]);
  });
});
