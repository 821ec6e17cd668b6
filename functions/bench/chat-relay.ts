// Relay overhead of chatStream on the local stack (functions in their own process, mounted on real
// HTTP; Firestore/Auth emulators; the app's chat client in this process):
//
// 1. Time to first token, 200 sequential streams against the Gemini-protocol server (own process):
//    overhead = when the client got its first `delta` - when the server wrote its first chunk
//    (the server's request log, epoch ms with sub-ms precision). Targets: p50 <= 15 ms, p99 <= 50 ms.
// 2. Per-chunk relay latency: an upstream in THIS process stamps each chunk with its write time, so
//    "client received - upstream wrote" needs no cross-process clock. The same stream read DIRECTLY
//    from the upstream (fetch + our SSE and Gemini parsers, no relay) gives the loopback baseline;
//    what the relay adds is the difference of the medians. Target: p50 <= 1 ms.
//
// Run: npx tsx bench/chat-relay.ts   (last stdout line: the JSON result)
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChatClient, type ChatClient } from '../client/index.js';
import { parseGeminiEvents } from '../src/lib/platform/gemini/stream-events.js';
import { parseSseStream } from '../src/lib/platform/sse/parse.js';
import { startChatStack } from './support/chat-stack.js';

const TTFT_STREAMS = 200;
const CHUNK_STREAMS = 40;
const CHUNKS_PER_STREAM = 50;
const CHUNK_DELAY_MS = 5;
const WARMUP_STREAMS = 20;

export interface ChatRelayResult {
  bench: 'chat-relay';
  firstTokenOverheadMs: { streams: number; p50: number; p90: number; p99: number; max: number };
  chunkRelayMs: { chunks: number; p50: number; p90: number; p99: number; max: number };
  /** The same chunks read straight from the upstream, without the functions in between. */
  chunkDirectMs: { chunks: number; p50: number; p90: number; p99: number; max: number };
  /** chunkRelayMs.p50 - chunkDirectMs.p50 */
  relayAddedP50Ms: number;
  pass: { firstTokenP50: boolean; firstTokenP99: boolean; chunkP50: boolean };
}

const epochNow = (): number => performance.timeOrigin + performance.now();

function summary(values: number[]): { p50: number; p90: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number =>
    round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN);
  return { p50: at(50), p90: at(90), p99: at(99), max: round(sorted[sorted.length - 1] ?? Number.NaN) };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Streams one message; returns when the first delta arrived (epoch ms) and each delta's arrival. */
async function timedStream(
  client: ChatClient,
  message: string,
): Promise<{ firstDeltaAt: number; deltas: Array<{ at: number; text: string }> }> {
  const deltas: Array<{ at: number; text: string }> = [];
  let done = false;
  for await (const event of client.streamMessage({ message })) {
    if (event.type === 'delta') deltas.push({ at: epochNow(), text: event.text });
    else if (event.type === 'done') done = true;
    else if (event.type === 'error') throw new Error(`stream error ${event.code}`);
  }
  if (!done || deltas.length === 0) throw new Error('stream ended without deltas/done');
  return { firstDeltaAt: deltas[0].at, deltas };
}

/** A minimal streamGenerateContent upstream whose chunk texts are their own write times. */
async function startStampingUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let sent = 0;
      const sendNext = (): void => {
        if (res.destroyed) return;
        const last = sent === CHUNKS_PER_STREAM - 1;
        const event = {
          candidates: [
            {
              content: { parts: [{ text: `${epochNow().toFixed(3)};` }], role: 'model' },
              index: 0,
              ...(last ? { finishReason: 'STOP' } : {}),
            },
          ],
          usageMetadata: { promptTokenCount: 5, candidatesTokenCount: sent + 1, totalTokenCount: sent + 6 },
          modelVersion: 'stamping-upstream',
        };
        res.write(`data: ${JSON.stringify(event)}\r\n\r\n`);
        if (++sent === CHUNKS_PER_STREAM) res.end();
        else setTimeout(sendNext, CHUNK_DELAY_MS);
      };
      sendNext();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Reads one stamped stream straight from the upstream; returns each chunk's latency but the first. */
async function directLatencies(url: string): Promise<number[]> {
  const response = await fetch(`${url}/v1beta/models/direct:streamGenerateContent?alt=sse`, {
    method: 'POST',
    body: '{}',
  });
  const latencies: number[] = [];
  let index = 0;
  for await (const event of parseGeminiEvents(parseSseStream(response.body!))) {
    if (event.type !== 'text-delta') continue;
    const at = epochNow();
    if (index++ > 0) for (const stamp of event.text.split(';').filter(Boolean)) latencies.push(at - Number(stamp));
  }
  return latencies;
}

export async function run(): Promise<ChatRelayResult> {
  const stack = await startChatStack();
  const stamping = await startStampingUpstream();
  try {
    const control = stack.services.gemini!.control;
    const user = await stack.signUp();
    const client = createChatClient({ baseUrl: stack.functions.baseUrl, getIdToken: () => user.idToken });
    const runId = randomUUID();

    // 1. First-token overhead against the Gemini-protocol server.
    const reply = {
      kind: 'content' as const,
      parts: [{ type: 'text' as const, chunks: ['Hello ', 'from ', 'the ', 'bench.'] }],
    };
    await control.queue({ reply, chunkDelayMs: 2, times: WARMUP_STREAMS + TTFT_STREAMS });
    for (let i = 0; i < WARMUP_STREAMS; i++) await timedStream(client, `warm-up ${i} ${runId}`);
    const lastWarmupId = Math.max(...(await control.requests()).map((r) => r.id));
    const firstDeltas: number[] = [];
    for (let i = 0; i < TTFT_STREAMS; i++)
      firstDeltas.push((await timedStream(client, `ttft ${i} ${runId}`)).firstDeltaAt);
    const records = (await control.requests({ action: 'streamGenerateContent', afterId: lastWarmupId })).sort(
      (a, b) => a.id - b.id,
    );
    if (records.length !== TTFT_STREAMS)
      throw new Error(`expected ${TTFT_STREAMS} upstream requests, saw ${records.length}`);
    const overheads = records.map((record, i) => firstDeltas[i] - (record.firstByteAt as number));

    // 2. Per-chunk relay latency against the stamping upstream.
    await stack.functions.setEnv({ GEMINI_BASE_URL: stamping.url });
    await timedStream(client, `stamp warm-up ${runId}`);
    const chunkLatencies: number[] = [];
    for (let i = 0; i < CHUNK_STREAMS; i++) {
      const { deltas } = await timedStream(client, `chunks ${i} ${runId}`);
      // Skip the first chunk: its path includes the request set-up, measured in part 1.
      for (const delta of deltas.slice(1)) {
        for (const stamp of delta.text.split(';').filter(Boolean)) chunkLatencies.push(delta.at - Number(stamp));
      }
    }

    // 3. The loopback baseline: the same stamped streams, read directly.
    await directLatencies(stamping.url);
    const direct: number[] = [];
    for (let i = 0; i < CHUNK_STREAMS; i++) direct.push(...(await directLatencies(stamping.url)));

    const first = summary(overheads);
    const chunk = summary(chunkLatencies);
    const directSummary = summary(direct);
    const relayAddedP50Ms = round(chunk.p50 - directSummary.p50);
    return {
      bench: 'chat-relay',
      firstTokenOverheadMs: { streams: overheads.length, ...first },
      chunkRelayMs: { chunks: chunkLatencies.length, ...chunk },
      chunkDirectMs: { chunks: direct.length, ...directSummary },
      relayAddedP50Ms,
      pass: { firstTokenP50: first.p50 <= 15, firstTokenP99: first.p99 <= 50, chunkP50: relayAddedP50Ms <= 1 },
    };
  } finally {
    await stamping.close();
    await stack.stop();
  }
}

if (require.main === module) {
  run()
    .then((result) => {
      const f = result.firstTokenOverheadMs;
      const c = result.chunkRelayMs;
      const d = result.chunkDirectMs;
      console.error(
        `chat-relay: first-token overhead p50 ${f.p50} ms, p99 ${f.p99} ms (${f.streams} streams; targets 15 / 50)\n` +
          `  per chunk, upstream write -> app: through chatStream p50 ${c.p50} ms, p99 ${c.p99} ms (${c.chunks} chunks); ` +
          `direct from upstream p50 ${d.p50} ms; the relay adds p50 ${result.relayAddedP50Ms} ms (target <= 1)`,
      );
      console.log(JSON.stringify(result));
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
