// Relay overhead of chatStream on the local stack (functions in their own process, mounted on real
// HTTP; Firestore/Auth emulators; the app's chat client in this process), once per text backend:
// Gemini, then TEXT_BACKEND=openai-compatible (the same stand-in's Chat Completions side).
//
// 1. Time to first token, 200 sequential streams against the local model server (own process):
//    overhead = when the client got its first `delta` - when the server wrote its first chunk
//    (the server's request log, epoch ms with sub-ms precision). Targets: p50 <= 15 ms, p99 <= 50 ms.
// 2. Per-chunk relay latency: an upstream in THIS process stamps each chunk with its write time, so
//    "client received - upstream wrote" needs no cross-process clock. The same stream read DIRECTLY
//    from the upstream (fetch + our SSE parser and the backend's event parser, no relay) gives the
//    loopback baseline; what the relay adds is the difference of the medians. Target: p50 <= 1 ms.
//
// Run: npx tsx bench/chat-relay.ts   (last stdout line: the JSON result)
import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChatClient, type ChatClient } from '../client/index.js';
import { parseGeminiEvents } from '../src/lib/platform/gemini/stream-events.js';
import { parseOpenAiEvents } from '../src/lib/platform/openai/stream-events.js';
import { parseSseStream } from '../src/lib/platform/sse/parse.js';
import { startChatStack, type ChatStack } from './support/chat-stack.js';

const TTFT_STREAMS = 200;
const CHUNK_STREAMS = 40;
const CHUNKS_PER_STREAM = 50;
const CHUNK_DELAY_MS = 5;
const WARMUP_STREAMS = 20;

type Backend = 'gemini' | 'openai-compatible';
type Summary = { p50: number; p90: number; p99: number; max: number };

export interface RelayFigures {
  firstTokenOverheadMs: { streams: number } & Summary;
  chunkRelayMs: { chunks: number } & Summary;
  /** The same chunks read straight from the upstream, without the functions in between. */
  chunkDirectMs: { chunks: number } & Summary;
  /** chunkRelayMs.p50 - chunkDirectMs.p50 */
  relayAddedP50Ms: number;
  pass: { firstTokenP50: boolean; firstTokenP99: boolean; chunkP50: boolean };
}

/** Gemini's figures at the top level (as before), the OpenAI-compatible backend's beside them. */
export interface ChatRelayResult extends RelayFigures {
  bench: 'chat-relay';
  openaiCompatible: RelayFigures;
}

const epochNow = (): number => performance.timeOrigin + performance.now();

function summary(values: number[]): Summary {
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

/** One chunk whose text is its own write time, in the backend's wire shape. */
function stampedChunk(backend: Backend, last: boolean, sent: number): string {
  const stamp = `${epochNow().toFixed(3)};`;
  if (backend === 'openai-compatible') {
    const chunk = {
      id: 'stamp',
      object: 'chat.completion.chunk',
      model: 'stamping-upstream',
      choices: [{ index: 0, delta: { content: stamp }, finish_reason: last ? 'stop' : null }],
    };
    const usage = { choices: [], usage: { prompt_tokens: 5, completion_tokens: sent + 1, total_tokens: sent + 6 } };
    return `data: ${JSON.stringify(chunk)}\n\n${last ? `data: ${JSON.stringify(usage)}\n\ndata: [DONE]\n\n` : ''}`;
  }
  const event = {
    candidates: [
      { content: { parts: [{ text: stamp }], role: 'model' }, index: 0, ...(last ? { finishReason: 'STOP' } : {}) },
    ],
    usageMetadata: { promptTokenCount: 5, candidatesTokenCount: sent + 1, totalTokenCount: sent + 6 },
    modelVersion: 'stamping-upstream',
  };
  return `data: ${JSON.stringify(event)}\r\n\r\n`;
}

/** A minimal upstream speaking both protocols (by path) whose chunk texts are their own write times. */
async function startStampingUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const backend: Backend = (req.url ?? '').endsWith('/chat/completions') ? 'openai-compatible' : 'gemini';
    req.resume();
    req.on('end', () => stream(res, backend));
  });
  const stream = (res: ServerResponse, backend: Backend): void => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let sent = 0;
    const sendNext = (): void => {
      if (res.destroyed) return;
      const last = sent === CHUNKS_PER_STREAM - 1;
      res.write(stampedChunk(backend, last, sent));
      if (++sent === CHUNKS_PER_STREAM) res.end();
      else setTimeout(sendNext, CHUNK_DELAY_MS);
    };
    sendNext();
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Reads one stamped stream straight from the upstream; returns each chunk's latency but the first. */
async function directLatencies(url: string, backend: Backend): Promise<number[]> {
  const openai = backend === 'openai-compatible';
  const path = openai ? '/v1/chat/completions' : '/v1beta/models/direct:streamGenerateContent?alt=sse';
  const response = await fetch(`${url}${path}`, { method: 'POST', body: '{}' });
  const sse = parseSseStream(response.body!);
  const events = openai ? parseOpenAiEvents(sse) : parseGeminiEvents(sse);
  const latencies: number[] = [];
  let index = 0;
  for await (const event of events) {
    if (event.type !== 'text-delta') continue;
    const at = epochNow();
    if (index++ > 0) for (const stamp of event.text.split(';').filter(Boolean)) latencies.push(at - Number(stamp));
  }
  return latencies;
}

async function measure(stack: ChatStack, stamping: string, backend: Backend): Promise<RelayFigures> {
  const control = stack.services.gemini!.control;
  const standIn = stack.services.functionsEnv;
  const openai = backend === 'openai-compatible';
  await stack.functions.setEnv({
    TEXT_BACKEND: backend,
    GEMINI_BASE_URL: standIn.GEMINI_BASE_URL,
    OPENAI_BASE_URL: standIn.OPENAI_BASE_URL,
  });
  await control.reset();
  const user = await stack.signUp();
  const client = createChatClient({ baseUrl: stack.functions.baseUrl, getIdToken: () => user.idToken });
  const runId = randomUUID();
  const action = openai ? 'chatCompletions' : 'streamGenerateContent';

  // 1. First-token overhead against the local model server (OpenAI's plain dialect: no comments). Its
  //    first chunk carries only the role and the first text follows it at once (no delay before event
  //    1), so "the server's first byte" is the first text on both protocols.
  const reply = {
    kind: 'content' as const,
    parts: [{ type: 'text' as const, chunks: ['Hello ', 'from ', 'the ', 'bench.'] }],
  };
  await control.queue({ reply, chunkDelayMs: [0, 2], times: WARMUP_STREAMS + TTFT_STREAMS, dialect: 'openai' });
  for (let i = 0; i < WARMUP_STREAMS; i++) await timedStream(client, `warm-up ${i} ${runId}`);
  const lastWarmupId = Math.max(...(await control.requests()).map((r) => r.id));
  const firstDeltas: number[] = [];
  for (let i = 0; i < TTFT_STREAMS; i++)
    firstDeltas.push((await timedStream(client, `ttft ${i} ${runId}`)).firstDeltaAt);
  const records = (await control.requests({ action, afterId: lastWarmupId })).sort((a, b) => a.id - b.id);
  if (records.length !== TTFT_STREAMS)
    throw new Error(`expected ${TTFT_STREAMS} upstream requests, saw ${records.length}`);
  const overheads = records.map((record, i) => firstDeltas[i] - (record.firstByteAt as number));

  // 2. Per-chunk relay latency against the stamping upstream.
  await stack.functions.setEnv({ GEMINI_BASE_URL: stamping, OPENAI_BASE_URL: `${stamping}/v1` });
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
  await directLatencies(stamping, backend);
  const direct: number[] = [];
  for (let i = 0; i < CHUNK_STREAMS; i++) direct.push(...(await directLatencies(stamping, backend)));

  const first = summary(overheads);
  const chunk = summary(chunkLatencies);
  const directSummary = summary(direct);
  const relayAddedP50Ms = round(chunk.p50 - directSummary.p50);
  return {
    firstTokenOverheadMs: { streams: overheads.length, ...first },
    chunkRelayMs: { chunks: chunkLatencies.length, ...chunk },
    chunkDirectMs: { chunks: direct.length, ...directSummary },
    relayAddedP50Ms,
    pass: { firstTokenP50: first.p50 <= 15, firstTokenP99: first.p99 <= 50, chunkP50: relayAddedP50Ms <= 1 },
  };
}

export async function run(): Promise<ChatRelayResult> {
  const stack = await startChatStack();
  const stamping = await startStampingUpstream();
  try {
    const gemini = await measure(stack, stamping.url, 'gemini');
    const openaiCompatible = await measure(stack, stamping.url, 'openai-compatible');
    return { bench: 'chat-relay', ...gemini, openaiCompatible };
  } finally {
    await stamping.close();
    await stack.stop();
  }
}

function printRow(backend: string, result: RelayFigures): void {
  const f = result.firstTokenOverheadMs;
  const c = result.chunkRelayMs;
  const d = result.chunkDirectMs;
  console.error(
    `chat-relay [${backend}]: first-token overhead p50 ${f.p50} ms, p99 ${f.p99} ms (${f.streams} streams; targets 15 / 50)\n` +
      `  per chunk, upstream write -> app: through chatStream p50 ${c.p50} ms, p99 ${c.p99} ms (${c.chunks} chunks); ` +
      `direct from upstream p50 ${d.p50} ms; the relay adds p50 ${result.relayAddedP50Ms} ms (target <= 1)`,
  );
}

if (require.main === module) {
  run()
    .then((result) => {
      printRow('gemini', result);
      printRow('openai-compatible', result.openaiCompatible);
      console.log(JSON.stringify(result));
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
