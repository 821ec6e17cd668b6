// Test helpers for SSE bodies: chunked delivery, a seeded PRNG, and a normalised view of parsed
// events (streamed events read to the end and joined) so that deliveries can be compared.
import {
  isStreamedSseEvent,
  parseSseStream,
  type ParseSseOptions,
  type SseEvent,
} from '../../../../src/lib/platform/sse/parse.js';
import { seededRandom } from '../../../../dev/seeded-random.js';

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** An async body yielding the given chunks (strings are UTF-8 encoded). */
export async function* bodyOf(chunks: Iterable<Uint8Array | string>): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield typeof chunk === 'string' ? utf8(chunk) : chunk;
}

/** Seeded, so a failing random chunking can be replayed. */
export const prng = seededRandom;

export function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let start = 0;
  for (const cut of cuts) {
    parts.push(bytes.subarray(start, cut));
    start = cut;
  }
  parts.push(bytes.subarray(start));
  return parts;
}

/** Random chunk sizes from 1 to maxSize (empty chunks included now and then). */
export function randomChunks(bytes: Uint8Array, random: () => number, maxSize: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let start = 0;
  while (start < bytes.length) {
    const size = random() < 0.05 ? 0 : 1 + Math.floor(random() * maxSize);
    parts.push(bytes.subarray(start, start + size));
    start += size;
  }
  return parts;
}

export function byteAtATime(bytes: Uint8Array): Uint8Array[] {
  return Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
}

export interface NormalisedEvent {
  data: string;
  streamed?: true;
  event?: string;
  id?: string;
  retry?: number;
}

export interface ParseOutcome {
  events: NormalisedEvent[];
  /** code/name of the error that ended the stream, if any */
  error?: string;
}

function normalise(event: SseEvent, data: string, streamed: boolean): NormalisedEvent {
  const out: NormalisedEvent = { data };
  if (streamed) out.streamed = true;
  if (event.event !== undefined) out.event = event.event;
  if (event.id !== undefined) out.id = event.id;
  if (event.retry !== undefined) out.retry = event.retry;
  return out;
}

/** Parses the chunks; streamed events are read fully and joined. */
export async function parseChunks(
  chunks: Iterable<Uint8Array | string>,
  options?: ParseSseOptions,
): Promise<ParseOutcome> {
  const events: NormalisedEvent[] = [];
  try {
    for await (const event of parseSseStream(bodyOf(chunks), options)) {
      if (isStreamedSseEvent(event)) {
        let data = '';
        try {
          for await (const chunk of event.dataChunks) data += chunk;
        } finally {
          events.push(normalise(event, data, true));
        }
      } else {
        events.push(normalise(event, event.data, false));
      }
    }
    return { events };
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).name;
    return { events, error: code };
  }
}

/** Every 2-way split, byte-at-a-time, and `randomRuns` random chunkings of `bytes`. */
export function deliveries(bytes: Uint8Array, randomRuns: number, seed = 1): Array<[string, Uint8Array[]]> {
  const out: Array<[string, Uint8Array[]]> = [['whole', [bytes]]];
  for (let cut = 0; cut <= bytes.length; cut++) out.push([`split@${cut}`, splitAt(bytes, [cut])]);
  out.push(['byte-at-a-time', byteAtATime(bytes)]);
  const random = prng(seed);
  for (let run = 0; run < randomRuns; run++) {
    out.push([`random#${run}`, randomChunks(bytes, random, 1 + Math.floor(random() * 12))]);
  }
  return out;
}
