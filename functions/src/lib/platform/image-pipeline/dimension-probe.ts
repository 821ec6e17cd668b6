// Passthrough transform that learns an image's width/height/format from its first bytes while
// the bytes flow on (to an upload), so the image never has to be held whole.
//
// Most formats say their size in their first bytes (PNG's IHDR, WebP's first chunk, GIF's screen).
// A JPEG may put any amount of metadata (EXIF, XMP, ICC profiles, content credentials) before its
// frame header: when the first maxProbeBytes do not reach it, the JPEG's segments are walked on as
// the rest streams past, in constant memory (jpeg-frame-scan.ts), so such an image still completes.

import { imageSize } from 'image-size';
import { JpegFrameScanner } from './jpeg-frame-scan.js';

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
  /** Set once a JPEG's frame header lies past the prefix: it reads on, keeping nothing. */
  let jpegWalk: JpegFrameScanner | undefined;

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

  /** Feeds the JPEG walk; settles when it has its answer. */
  const walk = (bytes: Buffer): void => {
    const result = jpegWalk!.push(bytes);
    if (result instanceof Error) fail(result.message);
    else if (result) succeed({ ...result, format: 'jpg' });
  };

  /** Adds bytes to the prefix and probes when the schedule says so. */
  const observe = (chunk: Buffer): void => {
    if (jpegWalk) return walk(chunk);
    const room = maxProbeBytes - prefixBytes;
    // Copied: the chunk may be a reused decode buffer (base64Decode's reuseBuffer option).
    const part = Buffer.from(chunk.length > room ? chunk.subarray(0, room) : chunk);
    prefix.push(part);
    prefixBytes += part.length;
    if (prefixBytes < nextAttemptAt) return;
    nextAttemptAt = Math.min(prefixBytes * 2, maxProbeBytes);
    const found = probe(prefix, prefixBytes);
    if (found) return succeed(found);
    if (prefixBytes < maxProbeBytes) return;
    if (isJpegStart(prefix[0])) {
      // The frame header lies further on: walk the segments from the start, then on through the rest.
      jpegWalk = new JpegFrameScanner();
      const whole = prefix.length === 1 ? prefix[0] : Buffer.concat(prefix, prefixBytes);
      prefix.length = 0;
      walk(whole);
      if (!settled && chunk.length > room) walk(chunk.subarray(room));
      return;
    }
    // A full prefix that still says nothing will not say more later: fail now, not at the end,
    // so an upload of garbage can be stopped early.
    fail(`no image dimensions found in the first ${maxProbeBytes} bytes`);
  };

  async function* transform(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    let completed = false;
    try {
      for await (const chunk of chunks) {
        if (!settled && chunk.length > 0) observe(chunk);
        yield chunk;
      }
      completed = true;
      if (!settled && jpegWalk) {
        const result = jpegWalk.end();
        if (result instanceof Error) fail(result.message);
        else succeed({ ...result, format: 'jpg' });
      } else if (!settled) {
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

/** SOI and the first marker's 0xFF: enough to walk on as a JPEG (the walk checks the rest). */
function isJpegStart(bytes: Buffer | undefined): boolean {
  return bytes !== undefined && bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

function isPositiveInteger(value: number): boolean {
  return Number.isInteger(value) && value > 0;
}
