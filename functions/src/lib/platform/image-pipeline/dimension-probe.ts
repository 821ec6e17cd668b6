// Passthrough transform that learns an image's width/height/format from its first bytes while
// the bytes flow on (to an upload), so the image never has to be held whole.

import { imageSize } from 'image-size';

export interface ImageDimensions {
  width: number;
  height: number;
  /** image-size's type name: 'png', 'jpg', 'webp', 'gif', ... */
  format: string;
}

/** The bytes are not an image image-size understands (or the stream ended before they said so). */
export class ImageProbeError extends Error {
  readonly code = 'IMAGE_PROBE_FAILED';

  constructor(message: string) {
    super(message);
    this.name = 'ImageProbeError';
  }
}

export interface DimensionProbe {
  transform(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer>;
  /** Settles once: resolves as soon as the prefix suffices; rejects when it never will. */
  dimensions: Promise<ImageDimensions>;
}

// First probe once this many bytes are in; then only after the prefix doubles, so a stream of
// tiny chunks costs O(maxProbeBytes) probing work instead of one attempt per chunk.
const FIRST_ATTEMPT_BYTES = 64;

export function createDimensionProbe({ maxProbeBytes = 256 * 1024 } = {}): DimensionProbe {
  let settled = false;
  let resolveDimensions!: (value: ImageDimensions) => void;
  let rejectDimensions!: (reason: ImageProbeError) => void;
  const dimensions = new Promise<ImageDimensions>((resolve, reject) => {
    resolveDimensions = resolve;
    rejectDimensions = reject;
  });
  // Mark the rejection as handled: callers may await it late (or never) without tripping Node's
  // unhandled-rejection handler; anyone who does await it still sees the error.
  dimensions.catch(() => undefined);

  const prefix: Buffer[] = [];
  let prefixBytes = 0;
  let nextAttemptAt = Math.min(FIRST_ATTEMPT_BYTES, maxProbeBytes);

  const succeed = (found: ImageDimensions): void => {
    settled = true;
    prefix.length = 0; // the prefix is garbage now; let it go
    resolveDimensions(found);
  };
  const fail = (message: string): void => {
    settled = true;
    prefix.length = 0;
    rejectDimensions(new ImageProbeError(message));
  };

  /** Adds bytes to the prefix and probes when the schedule says so. */
  const observe = (chunk: Buffer): void => {
    const room = maxProbeBytes - prefixBytes;
    if (room <= 0) return;
    // Copied: the chunk may be a reused decode buffer (base64Decode's reuseBuffer option).
    const part = Buffer.from(chunk.length > room ? chunk.subarray(0, room) : chunk);
    prefix.push(part);
    prefixBytes += part.length;
    if (prefixBytes < nextAttemptAt) return;
    nextAttemptAt = Math.min(prefixBytes * 2, maxProbeBytes);
    const found = probe(prefix, prefixBytes);
    if (found) succeed(found);
    // A full prefix that still says nothing will not say more later: fail now, not at the end,
    // so an upload of garbage can be stopped early.
    else if (prefixBytes >= maxProbeBytes) fail(`no image dimensions found in the first ${maxProbeBytes} bytes`);
  };

  async function* transform(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    let completed = false;
    try {
      for await (const chunk of chunks) {
        if (!settled && chunk.length > 0) observe(chunk);
        yield chunk;
      }
      completed = true;
      if (!settled) {
        const found = prefixBytes > 0 ? probe(prefix, prefixBytes) : undefined;
        if (found) succeed(found);
        else fail(prefixBytes === 0 ? 'no image bytes' : 'bytes are not a recognised image');
      }
    } finally {
      // Upstream error or early return(): settle anyway, so nobody waits forever.
      if (!settled && !completed) fail('image stream ended early');
    }
  }

  return { transform, dimensions };
}

function probe(prefix: Buffer[], length: number): ImageDimensions | undefined {
  const bytes = prefix.length === 1 ? prefix[0] : Buffer.concat(prefix, length);
  if (prefix.length > 1) prefix.splice(0, prefix.length, bytes); // keep the concat for next time
  try {
    const size = imageSize(bytes);
    const { width, height, type } = size;
    if (!type || !isPositiveInteger(width) || !isPositiveInteger(height)) return undefined;
    return { width, height, format: type };
  } catch {
    // Truncated or unrecognised; a longer prefix may still succeed.
    return undefined;
  }
}

function isPositiveInteger(value: number): boolean {
  return Number.isInteger(value) && value > 0;
}
