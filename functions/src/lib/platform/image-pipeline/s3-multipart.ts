// A streamed S3 upload with memory bounded by construction: parts are filled into reusable buffers
// from a shared pool, at most `queueSize` parts are in flight, and one more is being filled. So an
// upload holds (queueSize + 1) x partSize bytes, whatever the object size.
//
// Why not @aws-sdk/lib-storage: it concatenates the incoming chunks into a NEW part-sized Buffer for
// every part. Those buffers outlive a few scavenges while their part uploads, so V8 frees them only
// at a full GC, which external memory triggers late (tens of MB): measured 68-80 MB of RSS growth for
// a 30 MB image, against a target of 40 MB. Reused buffers make the bound independent of the GC.

import type { CompletedPart, S3Client } from '@aws-sdk/client-s3';
import { s3Sdk } from '../on-first-use.js';
import { callSignal, s3Cleanups, S3_CALL_DEADLINE_MS, S3_PART_DEADLINE_MS, type S3CleanupQueue } from './s3-cleanup.js';

/** S3's minimum size for every part but the last. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;

/** Part buffers shared by every upload in the process; idle ones are kept up to `maxIdle`. */
export class PartBufferPool {
  private readonly idle: Buffer[] = [];

  constructor(
    readonly partSize: number,
    private readonly maxIdle: number,
  ) {}

  acquire(): Buffer {
    return this.idle.pop() ?? Buffer.allocUnsafe(this.partSize);
  }

  release(buffer: Buffer): void {
    if (buffer.length === this.partSize && this.idle.length < this.maxIdle) this.idle.push(buffer);
  }

  get idleCount(): number {
    return this.idle.length;
  }
}

const pools = new Map<number, PartBufferPool>();

/** The process-wide pool for one part size (an image instance serves several uploads at once). */
export function sharedPartBufferPool(partSize: number, maxIdle = 8): PartBufferPool {
  let pool = pools.get(partSize);
  if (!pool) {
    pool = new PartBufferPool(partSize, maxIdle);
    pools.set(partSize, pool);
  }
  return pool;
}

/** S3 failed, stalled past a call's deadline, or went away: the storage, not the caller or the model. */
export class StorageUnavailableError extends Error {
  readonly code = 'STORAGE_UNAVAILABLE';

  constructor(operation: string, cause: unknown) {
    super(`S3 ${operation} failed`, { cause });
    this.name = 'StorageUnavailableError';
  }
}

/**
 * Sends one S3 command with its own deadline. The caller's abort passes through as is; anything else
 * (an S3 error, a refused connection, the deadline) is a StorageUnavailableError.
 */
export async function sendWithDeadline<T>(
  operation: string,
  send: (signal: AbortSignal) => Promise<T>,
  signal: AbortSignal | undefined,
  deadlineMs: number = S3_CALL_DEADLINE_MS,
): Promise<T> {
  try {
    return await send(callSignal(signal, deadlineMs));
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new StorageUnavailableError(operation, error);
  }
}

export interface StreamedUploadRequest {
  client: S3Client;
  bucket: string;
  key: string;
  contentType: string;
  cacheControl?: string;
  body: AsyncIterable<Uint8Array>;
  signal: AbortSignal;
  pool: PartBufferPool;
  queueSize: number;
  /** Where a failed upload's AbortMultipartUpload goes when S3 cannot take it now (default: the process's). */
  cleanups?: S3CleanupQueue;
}

/**
 * Uploads `body` as one object: a single PutObject when it fits in one part, else a multipart upload.
 * Every S3 call has a deadline (s3-cleanup.ts). On any failure (body error, S3 error, abort) it waits
 * for the parts in flight (each ends by its deadline or the abort), then aborts the multipart upload,
 * waiting for that at most CLEANUP_WAIT_MS: an abort S3 cannot take now is retried later, so the
 * failure is reported in bounded time and no parts are left behind.
 */
export async function uploadStreamed(request: StreamedUploadRequest): Promise<void> {
  const {
    AbortMultipartUploadCommand,
    CompleteMultipartUploadCommand,
    CreateMultipartUploadCommand,
    PutObjectCommand,
    UploadPartCommand,
  } = s3Sdk();
  const { client, bucket, key, signal, pool, queueSize } = request;
  const partSize = pool.partSize;
  const objectParams = {
    Bucket: bucket,
    Key: key,
    ContentType: request.contentType,
    CacheControl: request.cacheControl,
  };
  const inFlight = new Set<Promise<void>>();
  const completed: CompletedPart[] = [];
  let failure: { error: unknown } | undefined;
  let uploadId: string | undefined;
  let partNumber = 0;
  let current = pool.acquire();
  let holdsCurrent = true; // false once the last partial part has been handed to sendPart
  let filled = 0;

  const bucketKey = () => ({ Bucket: bucket, Key: key });
  const sendPart = (buffer: Buffer, length: number): void => {
    const number = ++partNumber;
    const sending = sendWithDeadline(
      'UploadPart',
      (abortSignal) =>
        client.send(
          new UploadPartCommand({
            ...bucketKey(),
            UploadId: uploadId,
            PartNumber: number,
            Body: buffer.subarray(0, length),
            ContentLength: length,
          }),
          { abortSignal },
        ),
      signal,
      S3_PART_DEADLINE_MS,
    )
      .then(
        (result) => {
          completed[number - 1] = { PartNumber: number, ETag: result.ETag };
        },
        (error: unknown) => {
          failure ??= { error };
        },
      )
      .finally(() => {
        pool.release(buffer);
        inFlight.delete(sending);
      });
    inFlight.add(sending);
  };
  const throwIfFailed = (): void => {
    signal.throwIfAborted();
    if (failure) throw failure.error;
  };

  try {
    for await (const chunk of request.body) {
      throwIfFailed();
      let offset = 0;
      while (offset < chunk.length) {
        const take = Math.min(chunk.length - offset, partSize - filled);
        current.set(chunk.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled < partSize) continue;
        uploadId ??= (
          await sendWithDeadline(
            'CreateMultipartUpload',
            (abortSignal) => client.send(new CreateMultipartUploadCommand(objectParams), { abortSignal }),
            signal,
          )
        ).UploadId;
        while (inFlight.size >= queueSize) await Promise.race(inFlight);
        throwIfFailed();
        sendPart(current, filled);
        current = pool.acquire();
        filled = 0;
      }
    }
    throwIfFailed();
    if (uploadId === undefined) {
      await sendWithDeadline(
        'PutObject',
        (abortSignal) =>
          client.send(
            new PutObjectCommand({ ...objectParams, Body: current.subarray(0, filled), ContentLength: filled }),
            { abortSignal },
          ),
        signal,
        S3_PART_DEADLINE_MS,
      );
      return;
    }
    if (filled > 0) {
      sendPart(current, filled);
      holdsCurrent = false;
    }
    await Promise.all(inFlight);
    throwIfFailed();
    const completing = uploadId;
    await sendWithDeadline(
      'CompleteMultipartUpload',
      (abortSignal) =>
        client.send(
          new CompleteMultipartUploadCommand({
            ...bucketKey(),
            UploadId: completing,
            MultipartUpload: { Parts: completed },
          }),
          { abortSignal },
        ),
      signal,
    );
    uploadId = undefined; // complete: nothing to abort any more
  } catch (error) {
    await Promise.all(inFlight);
    if (uploadId !== undefined) {
      const abortedId = uploadId;
      await (request.cleanups ?? s3Cleanups).settle({
        what: `abort multipart upload ${bucket}/${key}`,
        run: async (abortSignal) => {
          await client.send(new AbortMultipartUploadCommand({ ...bucketKey(), UploadId: abortedId }), { abortSignal });
        },
      });
    }
    throw error;
  } finally {
    if (holdsCurrent) pool.release(current);
  }
}
