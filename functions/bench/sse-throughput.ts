// SSE parsing throughput: parseSseStream vs eventsource-parser 3 (the reference parser), on
//   (a) 100,000 chat-token-sized events (CRLF framing as Gemini sends it), in 64 KiB body chunks and
//       with one event per body chunk (a slow token stream), and
//   (b) one 40 MB data line delivered in 64 KiB chunks.
// Both parsers get the same bytes from the same async source and the same UTF-8 decoder
// (node:string_decoder); eventsource-parser's callbacks are wrapped in the natural async generator
// so that both hand events to a `for await` consumer. The synchronous cores are also compared
// (no async iteration at all). Each figure is the median of several timed runs after warm-up.
// Also reports the peak heap growth while a 40 MB line is parsed (streamed vs buffered vs reference).
//
// Run: npx tsx bench/sse-throughput.ts   (or node --expose-gc --import tsx bench/sse-throughput.ts).
// The last stdout line is the JSON result.
import { StringDecoder } from 'node:string_decoder';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { SseLineParser, type SseLineSink } from '../src/lib/platform/sse/line-parser.js';
import { isStreamedSseEvent, parseSseStream } from '../src/lib/platform/sse/parse.js';

const CHUNK = 64 * 1024;
const EVENTS = 100_000;
const BIG_LINE_BYTES = 40 * 1024 * 1024;
const RUNS = 9;
const WARMUPS = 2;

export interface ThroughputRow {
  case: string;
  oursMs: number;
  referenceMs: number;
  /** referenceMs / oursMs: above 1 means ours is faster */
  speedup: number;
  oursMBps: number;
  referenceMBps: number;
}

export interface SseThroughputResult {
  bench: 'sse-throughput';
  rows: ThroughputRow[];
  bigLinePeakHeap: { oursStreamed: PeakHeap; oursBuffered: PeakHeap; reference: PeakHeap };
}

type Source = () => AsyncIterable<Uint8Array>;

function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

function fromChunks(chunks: Uint8Array[]): Source {
  return async function* () {
    for (const chunk of chunks) yield chunk;
  };
}

/** Chat-token events, each a small JSON object as a token stream would carry. */
function tokenEventBytes(): { bytes: Uint8Array; eventBoundaries: number[] } {
  const words = ['Hello', ' world', ',', ' this', ' is', ' a', ' token', ' stream', '.', '\\n'];
  let text = '';
  const eventBoundaries: number[] = [];
  for (let i = 0; i < EVENTS; i++) {
    text += `data: {"text":"${words[i % words.length]}","i":${i}}\r\n\r\n`;
    eventBoundaries.push(text.length); // ASCII: chars == bytes
  }
  return { bytes: Buffer.from(text, 'utf8'), eventBoundaries };
}

/** A 40 MB single data line generated on the fly (the source itself holds one 64 KiB block). */
function bigLineSource(): Source {
  const block = Buffer.alloc(CHUNK, 'QUJDRGVmZ2hpams0NTY3ODkrLw'); // base64-like, no line ends
  const head = Buffer.from('data: ');
  const tail = Buffer.from('\n\n');
  return async function* () {
    yield head;
    for (let sent = 0; sent < BIG_LINE_BYTES; sent += CHUNK) yield block;
    yield tail;
  };
}

// --- consumers --------------------------------------------------------------------------------

/** Ours: counts events and data length; streamed data is read chunk by chunk. */
async function consumeOurs(source: Source, maxBufferedData?: number): Promise<number> {
  let total = 0;
  for await (const event of parseSseStream(source(), { maxBufferedData })) {
    if (isStreamedSseEvent(event)) {
      for await (const chunk of event.dataChunks) total += chunk.length;
    } else {
      total += event.data.length + (event.data.charCodeAt(event.data.length - 1) & 1); // forces a flat string
    }
  }
  return total;
}

/** eventsource-parser fed from the same source, wrapped as an async generator of events. */
async function* referenceEvents(source: AsyncIterable<Uint8Array>): AsyncGenerator<EventSourceMessage> {
  const decoder = new StringDecoder('utf8');
  let ready: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => ready.push(event) });
  for await (const chunk of source) {
    parser.feed(decoder.write(chunk));
    if (ready.length > 0) {
      const batch = ready;
      ready = [];
      for (const event of batch) yield event;
    }
  }
}

async function consumeReference(source: Source): Promise<number> {
  let total = 0;
  for await (const event of referenceEvents(source())) {
    total += event.data.length + (event.data.charCodeAt(event.data.length - 1) & 1);
  }
  return total;
}

/** Synchronous cores only: decoder + parser + a counting callback, no async iteration. */
function coreOurs(chunks: Uint8Array[]): number {
  let total = 0;
  const sink: SseLineSink = {
    message: (data) => (total += data.length),
    streamStart: () => undefined,
    streamChunk: (text) => (total += text.length),
    streamEnd: () => undefined,
    retry: () => undefined,
  };
  const decoder = new StringDecoder('utf8');
  const parser = new SseLineParser(sink, 1024 * 1024);
  for (const chunk of chunks) parser.push(decoder.write(chunk));
  parser.end();
  return total;
}

function coreReference(chunks: Uint8Array[]): number {
  let total = 0;
  const decoder = new StringDecoder('utf8');
  const parser = createParser({ onEvent: (event) => (total += event.data.length) });
  for (const chunk of chunks) parser.feed(decoder.write(chunk));
  return total;
}

// --- timing -----------------------------------------------------------------------------------

/** Median ms of each, with the two runs interleaved so that machine load hits both alike. */
async function medianPairMs(a: () => unknown, b: () => unknown): Promise<[number, number]> {
  for (let i = 0; i < WARMUPS; i++) {
    await a();
    await b();
  }
  const timesA: number[] = [];
  const timesB: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    for (const [work, times] of [
      [a, timesA],
      [b, timesB],
    ] as const) {
      const start = performance.now();
      await work();
      times.push(performance.now() - start);
    }
  }
  const median = (times: number[]) => times.sort((x, y) => x - y)[Math.floor(times.length / 2)];
  return [median(timesA), median(timesB)];
}

async function compare(
  name: string,
  bytes: number,
  ours: () => unknown,
  reference: () => unknown,
): Promise<ThroughputRow> {
  const [a, b] = await Promise.all([ours(), reference()]);
  if (a !== b) throw new Error(`${name}: results differ (${String(a)} vs ${String(b)})`);
  const [oursMs, referenceMs] = await medianPairMs(ours, reference);
  const mbps = (ms: number) => round(bytes / (1024 * 1024) / (ms / 1000));
  return {
    case: name,
    oursMs: round(oursMs),
    referenceMs: round(referenceMs),
    speedup: round(referenceMs / oursMs),
    oursMBps: mbps(oursMs),
    referenceMBps: mbps(referenceMs),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

// --- memory -----------------------------------------------------------------------------------

/** global.gc, exposed at runtime when node was not started with --expose-gc. */
function getGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

export interface PeakHeap {
  /** max heapUsed growth, garbage included (sampled on every body chunk) */
  heapUsedMB: number;
  /** max heap growth still live after a full GC (sampled every 16 body chunks) */
  liveMB: number;
}

/** Peak heap growth while `consume` parses the 40 MB line. */
async function peakHeap(consume: (source: Source) => Promise<unknown>): Promise<PeakHeap> {
  const gc = getGc();
  const inner = bigLineSource();
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  let live = base;
  const sampled: Source = async function* () {
    let chunks = 0;
    for await (const chunk of inner()) {
      if (++chunks % 16 === 0) {
        gc();
        live = Math.max(live, process.memoryUsage().heapUsed);
      }
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      yield chunk;
    }
  };
  await consume(sampled);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  const mb = (bytes: number) => round(bytes / (1024 * 1024));
  return { heapUsedMB: mb(peak - base), liveMB: mb(live - base) };
}

export async function run(): Promise<SseThroughputResult> {
  const tokens = tokenEventBytes();
  const tokenChunks = chunked(tokens.bytes, CHUNK);
  const perEventChunks = tokens.eventBoundaries.map((end, i) =>
    tokens.bytes.subarray(i === 0 ? 0 : tokens.eventBoundaries[i - 1], end),
  );
  const big = bigLineSource();
  const bigBytes = BIG_LINE_BYTES + 8;
  const rows = [
    await compare(
      '(a) 100k token events, 64 KiB chunks',
      tokens.bytes.length,
      () => consumeOurs(fromChunks(tokenChunks)),
      () => consumeReference(fromChunks(tokenChunks)),
    ),
    await compare(
      '(a) 100k token events, one event per chunk',
      tokens.bytes.length,
      () => consumeOurs(fromChunks(perEventChunks)),
      () => consumeReference(fromChunks(perEventChunks)),
    ),
    await compare(
      '(a) sync cores, 64 KiB chunks',
      tokens.bytes.length,
      () => coreOurs(tokenChunks),
      () => coreReference(tokenChunks),
    ),
    await compare(
      '(b) 40 MB line, 64 KiB chunks (ours streamed)',
      bigBytes,
      () => consumeOurs(big),
      () => consumeReference(big),
    ),
    await compare(
      '(b) 40 MB line, 64 KiB chunks (ours buffered)',
      bigBytes,
      () => consumeOurs(big, Number.POSITIVE_INFINITY),
      () => consumeReference(big),
    ),
  ];
  const bigLinePeakHeap = {
    oursStreamed: await peakHeap((source) => consumeOurs(source)),
    oursBuffered: await peakHeap((source) => consumeOurs(source, Number.POSITIVE_INFINITY)),
    reference: await peakHeap((source) => consumeReference(source)),
  };
  return { bench: 'sse-throughput', rows, bigLinePeakHeap };
}

function printTable(result: SseThroughputResult): void {
  console.log(
    'case'.padEnd(50),
    'ours ms'.padStart(9),
    'ref ms'.padStart(9),
    'speedup'.padStart(8),
    'ours MB/s'.padStart(10),
    'ref MB/s'.padStart(10),
  );
  for (const row of result.rows) {
    console.log(
      row.case.padEnd(50),
      row.oursMs.toFixed(1).padStart(9),
      row.referenceMs.toFixed(1).padStart(9),
      `${row.speedup.toFixed(2)}x`.padStart(8),
      row.oursMBps.toFixed(0).padStart(10),
      row.referenceMBps.toFixed(0).padStart(10),
    );
  }
  const heap = result.bigLinePeakHeap;
  const show = (label: string, h: PeakHeap) => `${label} ${h.liveMB} MB live / ${h.heapUsedMB} MB heapUsed`;
  console.log(
    `40 MB line, peak heap growth: ${show('ours streamed', heap.oursStreamed)}; ${show('ours buffered', heap.oursBuffered)}; ${show('eventsource-parser', heap.reference)}`,
  );
}

if (require.main === module) {
  run()
    .then((result) => {
      printTable(result);
      console.log(JSON.stringify(result));
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
