// An in-memory ImageUploadTarget that honours the target contract (abort on body error or signal).

import type {
  ImageUploadRequest,
  ImageUploadTarget,
  UploadedObject,
} from '../../../../src/lib/platform/image-pipeline/upload.js';

export interface StoredObject {
  bytes: Buffer;
  contentType: string;
}

export class MemoryUploadTarget implements ImageUploadTarget {
  readonly objects = new Map<string, StoredObject>();
  readonly aborted: string[] = [];
  readonly started: string[] = [];
  /** Keys whose upload is between start and completion/abort (must be empty at the end). */
  readonly inFlight = new Set<string>();

  constructor(private readonly options: { failAfterBytes?: number } = {}) {}

  async upload({ key, contentType, body, signal }: ImageUploadRequest): Promise<UploadedObject> {
    this.started.push(key);
    this.inFlight.add(key);
    const parts: Buffer[] = [];
    let received = 0;
    try {
      for await (const chunk of untilAborted(body, signal)) {
        parts.push(Buffer.from(chunk)); // copy, as a network write would
        received += chunk.length;
        if (this.options.failAfterBytes !== undefined && received >= this.options.failAfterBytes) {
          throw new Error('storage unavailable');
        }
      }
      this.objects.set(key, { bytes: Buffer.concat(parts), contentType });
      return { url: `memory://test-bucket/${key}`, bucket: 'test-bucket', key };
    } catch (error) {
      this.aborted.push(key);
      throw error;
    } finally {
      this.inFlight.delete(key);
    }
  }
}

/** Iterates `body`, but stops with the abort reason as soon as `signal` fires, even mid-read. */
async function* untilAborted<T>(body: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iterator = body[Symbol.asyncIterator]();
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    for (;;) {
      const result = await Promise.race([iterator.next(), aborted]);
      if (result.done) return;
      yield result.value;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    void iterator.return?.()?.catch(() => undefined);
  }
}
