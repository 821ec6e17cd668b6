// Layer 2 of the Gemini pipeline: turns `image-start` + `image-delta`* runs into uploaded
// ImageBlocks while the base64 is still arriving; every other event passes through in order.
//
// Per image: deltas -> base64Decode -> byte cap -> dimension probe -> target.upload(body).
// Memory is one delta, one reused decode buffer, the probe prefix (<= 256 KB) and whatever the target
// buffers; the image never exists whole in the JS heap. Targets must copy the bytes they keep: each
// body chunk is valid only until the next one is requested.

import { randomUUID } from 'node:crypto';
import type { GeminiStreamEvent } from '../gemini/types.js';
import type { AfterUploadEvent, ImageBlock } from './image-block.js';
import { base64Decode } from './base64-decode.js';
import { createDimensionProbe } from './dimension-probe.js';

export interface ImageUploadRequest {
  key: string;
  contentType: string;
  /** The image bytes. Each chunk is valid only until the next is requested: copy what you keep. */
  body: AsyncIterable<Buffer>;
  /** Fires when the caller gives up; the target must then abort and reject. */
  signal: AbortSignal;
}

export interface UploadedObject {
  url: string;
  bucket: string;
  key: string;
}

/**
 * Where image bytes go (S3 in production, memory in tests). Contract: read `body` until it ends
 * or throws; if it throws or `signal` fires, abort and reject, and only settle once nothing is
 * left behind (no object, no pending multipart parts).
 */
export interface ImageUploadTarget {
  upload(request: ImageUploadRequest): Promise<UploadedObject>;
}

export interface UploadImageChunksConfig {
  target: ImageUploadTarget;
  /** Object keys are `${keyPrefix}/${random id}.${ext}` (ext from the mime type, else "bin"). */
  keyPrefix: string;
  /** Cap on decoded bytes per image (default 64 MiB). */
  maxBytes?: number;
  /** Decoded bytes of the current image so far. */
  onProgress?(bytes: number): void;
  /** Aborting it aborts the upload in flight; the stream then ends with the abort reason. */
  signal?: AbortSignal;
}

export class ImageTooLargeError extends Error {
  readonly code = 'IMAGE_TOO_LARGE';

  constructor(readonly maxBytes: number) {
    super(`Image exceeds the ${maxBytes}-byte limit`);
    this.name = 'ImageTooLargeError';
  }
}

/** The event stream broke the image-start / image-delta grammar, or a target broke its contract. */
export class ImageStreamError extends Error {
  readonly code = 'IMAGE_STREAM_INVALID';

  constructor(message: string) {
    super(message);
    this.name = 'ImageStreamError';
  }
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Returns an AsyncGenerator whose `return()` also cancels an upload in flight: a plain async
 * generator would queue `return()` until the pending `next()` (the whole upload) finished.
 */
export function uploadImageChunks(
  events: AsyncIterable<GeminiStreamEvent>,
  config: UploadImageChunksConfig,
): AsyncGenerator<AfterUploadEvent> {
  const stop = new AbortController();
  const unlink = linkAbort(config.signal, stop);
  const inner = runUploads(events, config, stop.signal, unlink);

  const outer: AsyncGenerator<AfterUploadEvent> = {
    next: () => inner.next(),
    return(value) {
      stop.abort(new ImageUploadCancelled());
      return inner.return(value);
    },
    throw(error) {
      stop.abort(error);
      return inner.throw(error);
    },
    [Symbol.asyncIterator]() {
      return outer;
    },
  };
  return outer;
}

/** Abort reason used when the consumer calls `return()`; never surfaces to the consumer. */
class ImageUploadCancelled extends Error {
  constructor() {
    super('image upload cancelled by the consumer');
    this.name = 'AbortError';
  }
}

async function* runUploads(
  events: AsyncIterable<GeminiStreamEvent>,
  config: UploadImageChunksConfig,
  signal: AbortSignal,
  unlink: () => void,
): AsyncGenerator<AfterUploadEvent> {
  const source = new SharedSource(events[Symbol.asyncIterator]());
  try {
    let pending: IteratorResult<GeminiStreamEvent> | undefined;
    for (;;) {
      const result = pending ?? (await source.next());
      pending = undefined;
      if (result.done) return;
      const event = result.value;
      if (event.type === 'image-start') {
        const uploaded = await uploadOneImage(source, event.mimeType, config, signal);
        yield uploaded.block;
        pending = uploaded.following;
      } else if (event.type === 'image-delta') {
        throw new ImageStreamError('image-delta without a preceding image-start');
      } else if (event.type === 'function-call') {
        continue; // image requests declare no tools: a stray call has no one to answer it
      } else {
        yield event;
      }
    }
  } catch (error) {
    if (signal.reason instanceof ImageUploadCancelled) return; // the consumer asked to stop
    throw error;
  } finally {
    unlink();
    await source.close();
  }
}

/** The upstream iterator, shared by the event loop and each image's delta reader. */
class SharedSource {
  private reading = false;

  constructor(private readonly iterator: AsyncIterator<GeminiStreamEvent>) {}

  async next(): Promise<IteratorResult<GeminiStreamEvent>> {
    this.reading = true;
    try {
      return await this.iterator.next();
    } finally {
      this.reading = false;
    }
  }

  /**
   * Closes the upstream. If a read is still outstanding (an abandoned upload left it waiting on
   * a stalled network stream), waiting for the close would wait for that read, so don't.
   */
  async close(): Promise<void> {
    const closing = this.iterator.return?.();
    if (!closing) return;
    if (this.reading) closing.catch(() => undefined);
    else await closing;
  }
}

interface UploadedImage {
  block: ImageBlock;
  /** The first event after the image's deltas (or the end of the stream). */
  following: IteratorResult<GeminiStreamEvent>;
}

async function uploadOneImage(
  source: SharedSource,
  mimeType: string,
  config: UploadImageChunksConfig,
  outerSignal: AbortSignal,
): Promise<UploadedImage> {
  let following: IteratorResult<GeminiStreamEvent> | undefined;
  // Pulls from the SAME iterator and stops at the first non-delta, which is kept for the caller.
  async function* imageDeltas(): AsyncGenerator<string> {
    for (;;) {
      const result = await source.next();
      if (result.done || result.value.type !== 'image-delta') {
        following = result;
        return;
      }
      yield result.value.data;
    }
  }

  const abort = new AbortController();
  const unlink = linkAbort(outerSignal, abort);
  const probe = createDimensionProbe();
  probe.dimensions.catch((error: unknown) => abort.abort(error)); // garbage: stop uploading early

  let firstFailure: unknown;
  let contentLength = 0;
  const maxBytes = config.maxBytes ?? DEFAULT_MAX_BYTES;

  async function* body(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of probe.transform(base64Decode(imageDeltas(), { reuseBuffer: true }))) {
        contentLength += chunk.length;
        if (contentLength > maxBytes) throw new ImageTooLargeError(maxBytes);
        config.onProgress?.(contentLength);
        yield chunk;
      }
      await probe.dimensions; // never let the upload complete for bytes that are no image
    } catch (error) {
      firstFailure ??= error;
      abort.abort(error);
      throw error;
    }
  }

  const key = objectKey(config.keyPrefix, mimeType);
  const bodyIterator = body();
  try {
    let uploaded: UploadedObject;
    try {
      uploaded = await config.target.upload({ key, contentType: mimeType, body: bodyIterator, signal: abort.signal });
    } catch (error) {
      // Prefer the root cause (bad base64, size cap, upstream error) over the target's echo of it.
      throw firstFailure ?? (abort.signal.aborted ? abort.signal.reason : error);
    }
    if (!following) throw new ImageStreamError('upload target resolved before reading the whole image');
    const { width, height, format } = await probe.dimensions;
    const block: ImageBlock = {
      type: 'image',
      url: uploaded.url,
      key: uploaded.key,
      bucket: uploaded.bucket,
      width,
      height,
      format,
      contentType: mimeType,
      contentLength,
    };
    return { block, following };
  } finally {
    unlink();
    // A target that stopped reading early must not leave the decode chain suspended. Not awaited:
    // if the chain is blocked on an upstream read, its return() would wait for that read.
    bodyIterator.return(undefined).catch(() => undefined);
  }
}

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/heic': 'heic',
  'image/heif': 'heif',
  'image/avif': 'avif',
};

function objectKey(keyPrefix: string, mimeType: string): string {
  const prefix = keyPrefix.replace(/\/+$/, '');
  const extension = EXTENSIONS[mimeType.toLowerCase()] ?? 'bin';
  const name = `${randomUUID()}.${extension}`;
  return prefix ? `${prefix}/${name}` : name;
}

/** Forwards an abort from `from` to `to`; returns the unsubscribe. */
function linkAbort(from: AbortSignal | undefined, to: AbortController): () => void {
  if (!from) return () => undefined;
  if (from.aborted) {
    to.abort(from.reason);
    return () => undefined;
  }
  const forward = (): void => to.abort(from.reason);
  from.addEventListener('abort', forward, { once: true });
  return () => from.removeEventListener('abort', forward);
}
