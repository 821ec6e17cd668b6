// A 20 MB base64 image in ONE SSE event, through parseGeminiEvents(parseSseStream(...)), must flow
// through in slices: live heap (measured after GC while streaming) stays far below the image size.
import { createHash, randomFillSync } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { parseGeminiEvents } from '../../../../src/lib/platform/gemini/stream-events.js';
import { parseSseStream } from '../../../../src/lib/platform/sse/parse.js';

const BASE64_CHARS = 20 * 1024 * 1024;
const CHUNK_CHARS = 64 * 1024;

function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * The SSE body in 64 KiB chunks, made on the fly; `digest` gets the sha256 of the base64 sent.
 * `sample` runs every 16 chunks, i.e. also while a parser would be buffering the line.
 */
async function* imageBody(digest: (hex: string) => void, sample: () => void): AsyncGenerator<Uint8Array> {
  const hash = createHash('sha256');
  const raw = Buffer.alloc((CHUNK_CHARS / 4) * 3);
  yield Buffer.from('data: {"candidates":[{"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"');
  for (let sent = 0, chunk = 0; sent < BASE64_CHARS; sent += CHUNK_CHARS, chunk++) {
    if (chunk % 16 === 0) sample();
    randomFillSync(raw);
    if (sent === 0) Buffer.from('89504e470d0a1a0a', 'hex').copy(raw);
    const base64 = raw.toString('base64');
    hash.update(base64);
    yield Buffer.from(base64, 'latin1');
  }
  digest(hash.digest('hex'));
  yield Buffer.from(
    '"}}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":1290,"totalTokenCount":1291}}\r\n\r\n',
  );
}

it('streams a 20 MB single-event image with small heap growth', async () => {
  const gc = exposeGc();
  let sentDigest = '';
  const received = createHash('sha256');
  let receivedChars = 0;
  let deltas = 0;
  let mimeType = '';
  let finishReason: string | undefined;

  gc();
  const baseline = process.memoryUsage().heapUsed;
  let peakLive = 0;
  const sample = () => {
    gc();
    peakLive = Math.max(peakLive, process.memoryUsage().heapUsed - baseline);
  };
  const body = imageBody((hex) => (sentDigest = hex), sample);
  for await (const event of parseGeminiEvents(parseSseStream(body))) {
    if (event.type === 'image-start') mimeType = event.mimeType;
    if (event.type === 'done') finishReason = event.finishReason;
    if (event.type !== 'image-delta') continue;
    received.update(event.data);
    receivedChars += event.data.length;
    deltas++;
  }

  expect(mimeType).toBe('image/png');
  expect(finishReason).toBe('STOP');
  expect(receivedChars).toBe(BASE64_CHARS);
  expect(received.digest('hex')).toBe(sentDigest);
  expect(deltas).toBeGreaterThan(100); // delivered while arriving, not at the end
  expect(peakLive).toBeLessThan(4 * 1024 * 1024); // vs 20 MB if the line were ever one string
}, 60_000);
