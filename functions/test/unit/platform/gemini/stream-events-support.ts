// Fixtures for parseGeminiEvents tests: fake image bytes, Gemini response chunks, SSE bodies, and a
// runner that delivers a body in a given chunking and collects the events (images reassembled).
import { parseGeminiEvents } from '../../../../src/lib/platform/gemini/stream-events.js';
import type { GeminiStreamEvent } from '../../../../src/lib/platform/gemini/types.js';
import { parseSseStream } from '../../../../src/lib/platform/sse/parse.js';
import { bodyOf, prng, randomChunks, utf8 } from '../sse/support.js';

export function randomBytes(seed: number, size: number): Buffer {
  const random = prng(seed);
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

/** PNG signature + IHDR (same for equal sizes, as in real PNGs) + random bytes. */
export function fakePng(seed: number, size: number): Buffer {
  const bytes = randomBytes(seed, size);
  Buffer.from('89504e470d0a1a0a0000000d4948445200000400000004000806000000', 'hex').copy(bytes);
  return bytes;
}

export function fakeJpeg(seed: number, size: number): Buffer {
  const bytes = randomBytes(seed, size);
  Buffer.from('ffd8ffe000104a464946', 'hex').copy(bytes);
  return bytes;
}

export type Part = Record<string, unknown>;

export const textPart = (text: string, thought = false): Part => (thought ? { text, thought: true } : { text });
export const imagePart = (data: string, mimeType = 'image/png'): Part => ({ inlineData: { mimeType, data } });

export function chunkOf(parts: Part[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    candidates: [
      {
        content: { parts, role: 'model' },
        index: 0,
        ...(extra.finishReason ? { finishReason: extra.finishReason } : {}),
      },
    ],
    usageMetadata: extra.usage ?? { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 },
    modelVersion: 'gemini-test',
    responseId: 'r-1',
  };
}

/** `data: <json>` events with Gemini's CRLF framing; `json` may be a raw string. */
export function sseText(chunks: Array<Record<string, unknown> | string>): string {
  return chunks.map((c) => `data: ${typeof c === 'string' ? c : JSON.stringify(c)}\r\n\r\n`).join('');
}

export interface GeminiOutcome {
  events: GeminiStreamEvent[];
  images: Array<{ mimeType: string; base64: string }>;
  text: string;
  thoughts: string;
  error?: unknown;
}

export async function runGemini(
  chunks: Iterable<Uint8Array | string>,
  maxBufferedData?: number,
): Promise<GeminiOutcome> {
  const outcome: GeminiOutcome = { events: [], images: [], text: '', thoughts: '' };
  try {
    for await (const event of parseGeminiEvents(parseSseStream(bodyOf(chunks), { maxBufferedData }))) {
      outcome.events.push(event);
      if (event.type === 'image-start') outcome.images.push({ mimeType: event.mimeType, base64: '' });
      if (event.type === 'image-delta') outcome.images[outcome.images.length - 1].base64 += event.data;
      if (event.type === 'text-delta' && event.thought) outcome.thoughts += event.text;
      else if (event.type === 'text-delta') outcome.text += event.text;
    }
  } catch (error) {
    outcome.error = error;
  }
  return outcome;
}

/** Buffered and streamed (tiny threshold) parsing, each whole and in random chunkings. */
export function variants(text: string, runs = 12, seed = 9): Array<[string, Uint8Array[], number | undefined]> {
  const bytes = utf8(text);
  const random = prng(seed);
  const out: Array<[string, Uint8Array[], number | undefined]> = [];
  for (const threshold of [undefined, 48]) {
    const mode = threshold === undefined ? 'buffered' : 'streamed';
    out.push([`${mode} whole`, [bytes], threshold]);
    for (let run = 0; run < runs; run++) {
      out.push([`${mode} random#${run}`, randomChunks(bytes, random, 1 + Math.floor(random() * 700)), threshold]);
    }
  }
  return out;
}
