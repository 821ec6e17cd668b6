// The production ImageUploadTarget: a streamed upload (multipart when larger than one part) to S3 or
// any S3-compatible store, with memory bounded to partSize x (queueSize + 1) per upload by reusable
// part buffers (see s3-multipart.ts for why not lib-storage).

import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { s3Sdk } from '../on-first-use.js';
import { s3Cleanups, type S3CleanupQueue } from './s3-cleanup.js';
import { MIN_PART_SIZE, sharedPartBufferPool, uploadStreamed } from './s3-multipart.js';
import type { ImageUploadRequest, ImageUploadTarget, UploadedObject } from './upload.js';

export interface S3UploadTargetOptions {
  client: S3Client;
  bucket: string;
  /** e.g. a CDN origin; objects are then `${publicUrlBase}/${key}`. Default: the S3 object URL. */
  publicUrlBase?: string;
  /** Multipart part size; S3's minimum (and the default) is 5 MiB. */
  partSize?: number;
  /** Parts uploaded concurrently. */
  queueSize?: number;
  cacheControl?: string;
  /** Clean-ups S3 could not take at once, retried later (default: the process's queue). */
  cleanups?: S3CleanupQueue;
}

/** Removes an object, waiting at most CLEANUP_WAIT_MS; a delete S3 cannot take now is retried later. */
export function removeObject(client: S3Client, bucket: string, key: string, cleanups = s3Cleanups): Promise<void> {
  return cleanups.settle({
    what: `delete ${bucket}/${key}`,
    run: async (abortSignal) => {
      await client.send(new (s3Sdk().DeleteObjectCommand)({ Bucket: bucket, Key: key }), { abortSignal });
    },
  });
}

export function createS3UploadTarget({
  client,
  bucket,
  publicUrlBase,
  partSize = MIN_PART_SIZE,
  queueSize = 2,
  cacheControl,
  cleanups = s3Cleanups,
}: S3UploadTargetOptions): ImageUploadTarget {
  return {
    async upload({ key, contentType, body, signal }: ImageUploadRequest): Promise<UploadedObject> {
      signal.throwIfAborted();
      cleanups.retryPending(); // S3 answers again, maybe: what an earlier failure left behind goes now
      await uploadStreamed({
        client,
        bucket,
        key,
        contentType,
        cacheControl,
        body: failOnAbort(body, signal),
        signal,
        pool: sharedPartBufferPool(partSize),
        queueSize,
        cleanups,
      });
      if (signal.aborted) {
        // Cancelled after the last byte was read: the object exists now, so remove it.
        await removeObject(client, bucket, key, cleanups);
        throw signal.reason;
      }
      return { url: await objectUrl(client, bucket, key, publicUrlBase), bucket, key };
    },
  };
}

export interface S3ClientOptions {
  region: string;
  /** For S3-compatible stores (and s3rver in tests). */
  endpoint?: string;
  forcePathStyle?: boolean;
  credentials?: S3ClientConfig['credentials'];
}

/** A connection S3 does not accept in this long, or a socket with no bytes moving for this long, fails the call. */
export const S3_CONNECT_TIMEOUT_MS = 3_000;
export const S3_SOCKET_IDLE_TIMEOUT_MS = 10_000;

export function createS3Client({ region, endpoint, forcePathStyle, credentials }: S3ClientOptions): S3Client {
  const { S3Client } = s3Sdk();
  return new S3Client({
    region,
    endpoint,
    forcePathStyle,
    credentials,
    // A stalled S3 (connections open, no bytes moving) fails a call instead of holding it.
    requestHandler: { connectionTimeout: S3_CONNECT_TIMEOUT_MS, requestTimeout: S3_SOCKET_IDLE_TIMEOUT_MS },
    // Otherwise the SDK sends streamed bodies aws-chunked with trailing checksums, which
    // S3-compatible stores such as s3rver store verbatim (corrupting the object).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** Passes `body` through, but throws the abort reason as soon as `signal` fires, even mid-read. */
async function* failOnAbort(body: AsyncIterable<Buffer>, signal: AbortSignal): AsyncGenerator<Buffer> {
  const iterator = body[Symbol.asyncIterator]();
  let onAbort = (): void => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  let reading = false;
  try {
    for (;;) {
      reading = true;
      const result = await Promise.race([iterator.next(), aborted]);
      reading = false;
      if (result.done) return;
      yield result.value;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    // If a read is still pending, return() would queue behind it; don't wait for that.
    const closing = iterator.return?.();
    if (reading) closing?.catch(() => undefined);
    else await closing;
  }
}

async function objectUrl(client: S3Client, bucket: string, key: string, publicUrlBase?: string): Promise<string> {
  const path = key.split('/').map(encodeURIComponent).join('/');
  if (publicUrlBase) return `${publicUrlBase.replace(/\/+$/, '')}/${path}`;
  const pathStyle = client.config.forcePathStyle === true;
  const endpoint = await client.config.endpoint?.();
  if (endpoint) {
    const port = endpoint.port ? `:${endpoint.port}` : '';
    const base = endpoint.path.replace(/\/+$/, '');
    return pathStyle
      ? `${endpoint.protocol}//${endpoint.hostname}${port}${base}/${bucket}/${path}`
      : `${endpoint.protocol}//${bucket}.${endpoint.hostname}${port}${base}/${path}`;
  }
  const region = await client.config.region();
  return pathStyle
    ? `https://s3.${region}.amazonaws.com/${bucket}/${path}`
    : `https://${bucket}.s3.${region}.amazonaws.com/${path}`;
}
