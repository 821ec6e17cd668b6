// uploadImageChunks + createS3UploadTarget against a real S3-compatible server (s3rver on
// 127.0.0.1, started here with its own temp dir so its on-disk state can be inspected).
//
// s3rver 3.7.1 implements neither AbortMultipartUpload (405) nor ListMultipartUploads
// (NotImplemented). A small shim below answers AbortMultipartUpload the way S3 does (deletes the
// upload's parts); pending uploads are then checked on disk, where s3rver keeps one directory per
// multipart upload. Every S3 command the client sends is recorded as well.

import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GeminiStreamEvent, ImageBlock } from '../../src/lib/gemini/types';
import { Base64DecodeError } from '../../src/lib/image/base64-decode';
import { createS3Client, createS3UploadTarget } from '../../src/lib/image/s3-target';
import { uploadImageChunks } from '../../src/lib/image/upload';
import { gate, makePng } from '../unit/image/fixtures';

const BUCKET = 'media';

/** The part of s3rver (a Koa app, shipped without types) this test uses. */
interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | undefined>;
  status: number;
}
type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;
interface S3rverInstance {
  middleware: KoaMiddleware[];
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;
// Quarantined untyped import (no type declarations ship with s3rver).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as S3rverConstructor;

let dataDir: string;
let server: S3rverInstance;
let endpoint: string;
let client: S3Client;
const sentCommands: string[] = [];

const uploadsDir = (): string => path.join(dataDir, BUCKET, '._S3rver_uploads');
const pendingMultipartUploads = (): string[] => {
  try {
    return readdirSync(uploadsDir());
  } catch {
    return []; // never created: no multipart upload was ever started
  }
};

/** AbortMultipartUpload (DELETE /bucket/key?uploadId=...) as S3 does it: drop the parts. */
const abortMultipartShim: KoaMiddleware = async (ctx, next) => {
  const uploadId = ctx.query.uploadId;
  if (ctx.method !== 'DELETE' || !uploadId || !/^[0-9a-f]+$/.test(uploadId)) return next();
  rmSync(path.join(uploadsDir(), uploadId), { recursive: true, force: true });
  ctx.status = 204;
};

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 's3-upload-test-'));
  server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dataDir,
    configureBuckets: [{ name: BUCKET }],
    vhostBuckets: false,
  });
  server.middleware.unshift(abortMultipartShim); // Koa composes middleware when run() listens
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  client = createS3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
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
  if (server) {
    const closing = server.close();
    server.httpServer?.closeAllConnections();
    await closing;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  sentCommands.length = 0;
});

/** Base64 deltas in 64 KB slices, as the SSE layer delivers a large inline image. */
function* imageDeltas(bytes: Buffer): Generator<GeminiStreamEvent> {
  const base64 = bytes.toString('base64');
  for (let i = 0; i < base64.length; i += 64 * 1024) yield { type: 'image-delta', data: base64.slice(i, i + 64 * 1024) };
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
    expect(image).toMatchObject({ width: 2000, height: 2000, format: 'png', contentType: 'image/png', contentLength: png.length });
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
      for await (const event of uploadImageChunks(events(), { target: recordingTarget, keyPrefix: 'ws-1/failed' })) void event;
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
      for await (const event of uploadImageChunks(events(), { target, keyPrefix: 'ws-1/aborted', signal: controller.signal })) {
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
