// A Gemini `streamGenerateContent?alt=sse` body whose image arrives WHOLE in one SSE event, produced
// on the fly in 64 KiB chunks so the generator itself never holds the image (the bench measures the
// consumer, not the producer).
import { randomFillSync } from 'node:crypto';

const CHUNK_CHARS = 64 * 1024; // base64 chars per chunk -> 48 KiB of raw bytes
const RAW_PER_CHUNK = (CHUNK_CHARS / 4) * 3;

/** PNG signature + IHDR for the given size; the bench's "image" is this header plus random bytes. */
export function pngHeader(width: number, height: number): Buffer {
  const header = Buffer.alloc(8 + 25);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(header, 0);
  header.writeUInt32BE(13, 8);
  header.write('IHDR', 12, 'latin1');
  header.writeUInt32BE(width, 16);
  header.writeUInt32BE(height, 20);
  header.set([8, 6, 0, 0, 0], 24); // 8-bit RGBA, no interlace
  header.writeUInt32BE(0, 29); // CRC left zero: no consumer in the pipeline checks it
  return header;
}

export interface SyntheticImageOptions {
  /** length of the base64 string inside the event */
  base64Chars: number;
  width?: number;
  height?: number;
}

// A small pool of pre-encoded random blocks, cycled: the producer allocates nothing per chunk, so a
// memory measurement sees only the consumer. Consumers must not keep a chunk after reading the next
// POOL_SIZE chunks (the SSE parser decodes each one at once).
const POOL_SIZE = 8;

/** The whole SSE body, as the HTTP layer would deliver it, in 64 KiB chunks. */
export async function* syntheticImageSseBody(opts: SyntheticImageOptions): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  const header = pngHeader(opts.width ?? 4096, opts.height ?? 4096);
  const pool: Uint8Array[] = [];
  for (let i = 0; i < POOL_SIZE; i++) {
    const raw = randomFillSync(Buffer.alloc(RAW_PER_CHUNK));
    if (i === 0) header.copy(raw, 0);
    pool.push(encoder.encode(raw.toString('base64')));
  }
  yield encoder.encode('data: {"candidates":[{"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"');
  let remainingChars = opts.base64Chars - (opts.base64Chars % 4);
  // Block 0 (with the PNG header) only once, at the start.
  for (let index = 0; remainingChars > 0; index = (index % (POOL_SIZE - 1)) + 1) {
    const block = pool[index];
    const chars = Math.min(CHUNK_CHARS, remainingChars);
    yield chars === block.length ? block : block.subarray(0, chars);
    remainingChars -= chars;
  }
  yield encoder.encode(
    '"}}],"role":"model"},"finishReason":"STOP","index":0}],' +
      '"usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":1290,"totalTokenCount":1302},' +
      '"modelVersion":"bench-image","responseId":"bench-1"}\r\n\r\n',
  );
}
