import { randomBytes } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import {
  PartBufferPool,
  StorageUnavailableError,
  uploadStreamed,
} from '../../../../src/lib/platform/image-pipeline/s3-multipart.js';

const PART = 1024; // a tiny part size: the pool and the uploader do not enforce S3's 5 MiB minimum

interface SentCommand {
  name: string;
  input: Record<string, unknown>;
  body?: Buffer;
}

/** A fake S3 client: records commands (copying part bodies, as the wire would), can fail a part. */
function fakeS3(opts: { failPart?: number; partDelayMs?: number } = {}) {
  const sent: SentCommand[] = [];
  let active = 0;
  let maxActiveParts = 0;
  const client = {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      const name = command.constructor.name.replace(/Command$/, '');
      const body = command.input.Body as Buffer | undefined;
      sent.push({ name, input: command.input, body: body ? Buffer.from(body) : undefined });
      if (name === 'CreateMultipartUpload') return { UploadId: 'up-1' };
      if (name === 'UploadPart') {
        active += 1;
        maxActiveParts = Math.max(maxActiveParts, active);
        await new Promise((resolve) => setTimeout(resolve, opts.partDelayMs ?? 1));
        active -= 1;
        if (command.input.PartNumber === opts.failPart) throw new Error('part upload failed');
        return { ETag: `"etag-${String(command.input.PartNumber)}"` };
      }
      return {};
    },
  };
  return { client: client as unknown as S3Client, sent, maxActive: () => maxActiveParts };
}

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

function request(
  client: S3Client,
  body: AsyncIterable<Uint8Array>,
  pool = new PartBufferPool(PART, 8),
  signal = new AbortController().signal,
) {
  return { client, bucket: 'b', key: 'k.png', contentType: 'image/png', body, signal, pool, queueSize: 2 };
}

describe('uploadStreamed', () => {
  it('sends one PutObject when the object fits in one part', async () => {
    const s3 = fakeS3();
    const bytes = randomBytes(PART - 10);
    await uploadStreamed(request(s3.client, chunked(bytes, 100)));
    expect(s3.sent.map((c) => c.name)).toEqual(['PutObject']);
    expect(s3.sent[0].body!.equals(bytes)).toBe(true);
    expect(s3.sent[0].input).toMatchObject({ ContentType: 'image/png', ContentLength: PART - 10 });
  });

  it('splits a larger object into full parts plus a last partial part, in order, then completes', async () => {
    const s3 = fakeS3();
    const bytes = randomBytes(PART * 3 + 300);
    await uploadStreamed(request(s3.client, chunked(bytes, 333)));
    const parts = s3.sent.filter((c) => c.name === 'UploadPart');
    expect(parts.map((p) => p.body!.length)).toEqual([PART, PART, PART, 300]);
    expect(
      Buffer.concat(
        parts.sort((a, b) => Number(a.input.PartNumber) - Number(b.input.PartNumber)).map((p) => p.body!),
      ).equals(bytes),
    ).toBe(true);
    const complete = s3.sent.at(-1)!;
    expect(complete.name).toBe('CompleteMultipartUpload');
    expect(complete.input.MultipartUpload).toEqual({
      Parts: [1, 2, 3, 4].map((n) => ({ PartNumber: n, ETag: `"etag-${n}"` })),
    });
  });

  it('keeps at most queueSize parts in flight and reuses part buffers', async () => {
    const s3 = fakeS3({ partDelayMs: 5 });
    const pool = new PartBufferPool(PART, 8);
    await uploadStreamed(request(s3.client, chunked(randomBytes(PART * 10), 700), pool));
    expect(s3.maxActive()).toBeLessThanOrEqual(2);
    // queueSize in flight + one being filled: the pool never had to make more than three.
    expect(pool.idleCount).toBeLessThanOrEqual(3);
    expect(pool.idleCount).toBeGreaterThan(0);
  });

  it('aborts the multipart upload after the parts in flight when a part fails', async () => {
    const s3 = fakeS3({ failPart: 2, partDelayMs: 2 });
    // The S3 failure is the storage's (503 storage_unavailable to the caller), with S3's error as its cause.
    const failure = await uploadStreamed(request(s3.client, chunked(randomBytes(PART * 6), 512))).catch((e) => e);
    expect(failure).toBeInstanceOf(StorageUnavailableError);
    expect((failure as Error).cause).toMatchObject({ message: 'part upload failed' });
    const names = s3.sent.map((c) => c.name);
    expect(names.at(-1)).toBe('AbortMultipartUpload');
    expect(names).not.toContain('CompleteMultipartUpload');
  });

  it('aborts the multipart upload when the body throws, and sends nothing when it throws before a part', async () => {
    async function* failing(after: number): AsyncGenerator<Uint8Array> {
      yield* chunked(randomBytes(after), 256);
      throw new Error('upstream broke');
    }
    const big = fakeS3();
    await expect(uploadStreamed(request(big.client, failing(PART * 2 + 5)))).rejects.toThrow('upstream broke');
    expect(big.sent.map((c) => c.name)).toEqual([
      'CreateMultipartUpload',
      'UploadPart',
      'UploadPart',
      'AbortMultipartUpload',
    ]);

    const small = fakeS3();
    await expect(uploadStreamed(request(small.client, failing(100)))).rejects.toThrow('upstream broke');
    expect(small.sent).toEqual([]);
  });

  it('stops and aborts when the signal fires', async () => {
    const s3 = fakeS3();
    const controller = new AbortController();
    async function* body(): AsyncGenerator<Uint8Array> {
      yield* chunked(randomBytes(PART * 2), 512);
      controller.abort(new Error('client went away'));
      yield randomBytes(10);
    }
    await expect(uploadStreamed(request(s3.client, body(), undefined, controller.signal))).rejects.toThrow(
      'client went away',
    );
    expect(s3.sent.at(-1)!.name).toBe('AbortMultipartUpload');
  });
});

describe('PartBufferPool', () => {
  it('hands back released buffers and keeps at most maxIdle', () => {
    const pool = new PartBufferPool(16, 2);
    const [a, b, c] = [pool.acquire(), pool.acquire(), pool.acquire()];
    pool.release(a);
    pool.release(b);
    pool.release(c);
    expect(pool.idleCount).toBe(2);
    expect([a, b]).toContain(pool.acquire());
    pool.release(Buffer.alloc(8)); // wrong size: not pooled
    expect(pool.idleCount).toBe(1);
  });
});
