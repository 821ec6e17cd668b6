// 500 concurrent chatStream streams against ONE functions process (100 upstream chunks each, 20 ms
// apart, from the local model server in its own process), driven by the app's chat client; once per
// text backend: Gemini, then TEXT_BACKEND=openai-compatible (the stand-in's Chat Completions side).
// Reports errors, how many replies were persisted `complete` with exactly the streamed text, and
// the functions process's peak RSS growth (process.resourceUsage().maxRSS against a post-warm-up
// baseline). Targets: 0 errors, 500/500 persisted, growth <= 150 MB.
//
// Run: npx tsx bench/chat-concurrency.ts   (last stdout line: the JSON result)
import { randomUUID } from 'node:crypto';
import { getApps, initializeApp } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { createChatClient, type ChatClient } from '../client/index.js';
import { startChatStack, type ChatStack } from './support/chat-stack.js';
import { MB } from './support/memory.js';

const STREAMS = 500;
const CHUNKS = 100;
const CHUNK_DELAY_MS = 20;
const WARMUP_STREAMS = 20;
const MAX_RSS_GROWTH_MB = 150;

export interface ConcurrencyFigures {
  streams: number;
  chunksPerStream: number;
  chunkDelayMs: number;
  errors: number;
  errorSamples: string[];
  persistedComplete: number;
  wallMs: number;
  streamMsP50: number;
  streamMsMax: number;
  peakRssGrowthMB: number;
  pass: { errors: boolean; persisted: boolean; memory: boolean };
}

/** Gemini's figures at the top level (as before), the OpenAI-compatible backend's beside them. */
export interface ChatConcurrencyResult extends ConcurrencyFigures {
  bench: 'chat-concurrency';
  openaiCompatible: ConcurrencyFigures;
}

interface StreamOutcome {
  ok: boolean;
  error?: string;
  text: string;
  conversationId?: string;
  messageId?: string;
  ms: number;
}

async function oneStream(client: ChatClient, message: string): Promise<StreamOutcome> {
  const started = performance.now();
  const outcome: StreamOutcome = { ok: false, text: '', ms: 0 };
  try {
    for await (const event of client.streamMessage({ message })) {
      if (event.type === 'start') {
        outcome.conversationId = event.conversationId;
        outcome.messageId = event.messageId;
      } else if (event.type === 'delta') outcome.text += event.text;
      else if (event.type === 'done') outcome.ok = true;
      else if (event.type === 'error') outcome.error = `error event ${event.code}`;
    }
  } catch (error) {
    outcome.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  outcome.ms = performance.now() - started;
  return outcome;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function run(): Promise<ChatConcurrencyResult> {
  const stack = await startChatStack();
  try {
    const gemini = await measure(stack, 'gemini');
    const openaiCompatible = await measure(stack, 'openai-compatible');
    return { bench: 'chat-concurrency', ...gemini, openaiCompatible };
  } finally {
    if (getApps().length > 0) await getFirestore(getApps()[0]).terminate();
    await stack.stop();
  }
}

async function measure(stack: ChatStack, backend: 'gemini' | 'openai-compatible'): Promise<ConcurrencyFigures> {
  await stack.functions.setEnv({ TEXT_BACKEND: backend });
  const control = stack.services.gemini!.control;
  await control.reset();
  const user = await stack.signUp();
  const client = createChatClient({ baseUrl: stack.functions.baseUrl, getIdToken: () => user.idToken });
  const runId = randomUUID();

  // Warm-up: module loading, the Firestore channel, the Gemini connection pool.
  await control.queue({
    reply: { kind: 'content', parts: [{ type: 'text', chunks: ['warm ', 'up'] }] },
    times: WARMUP_STREAMS,
  });
  await Promise.all(Array.from({ length: WARMUP_STREAMS }, (_, i) => oneStream(client, `warm-up ${i} ${runId}`)));
  await stack.functions.baseline();

  const chunks = Array.from({ length: CHUNKS }, (_, i) => `tok${i} `);
  await control.queue({
    reply: { kind: 'content', parts: [{ type: 'text', chunks }] },
    chunkDelayMs: CHUNK_DELAY_MS,
    times: STREAMS,
  });
  const started = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: STREAMS }, (_, i) => oneStream(client, `stream ${i} ${runId}`)),
  );
  const wallMs = performance.now() - started;
  const { peakRssGrowthBytes } = await stack.functions.peak();

  const expected = chunks.join('');
  const failed = outcomes.filter((o) => !o.ok || o.text !== expected);
  const persistedComplete = await countPersisted(firestoreOf(stack), outcomes, expected);
  const durations = outcomes.map((o) => o.ms);
  const peakRssGrowthMB = Math.round((peakRssGrowthBytes / MB) * 10) / 10;
  return {
    streams: STREAMS,
    chunksPerStream: CHUNKS,
    chunkDelayMs: CHUNK_DELAY_MS,
    errors: failed.length,
    errorSamples: [...new Set(failed.map((o) => o.error ?? 'text mismatch'))].slice(0, 5),
    persistedComplete,
    wallMs: Math.round(wallMs),
    streamMsP50: Math.round(percentile(durations, 50)),
    streamMsMax: Math.round(Math.max(...durations)),
    peakRssGrowthMB,
    pass: {
      errors: failed.length === 0,
      persisted: persistedComplete === STREAMS,
      memory: peakRssGrowthMB <= MAX_RSS_GROWTH_MB,
    },
  };
}

/** This process's client of the stack's Firestore emulator (one for both backends' runs). */
function firestoreOf(stack: ChatStack): Firestore {
  process.env.FIRESTORE_EMULATOR_HOST = stack.services.functionsEnv.FIRESTORE_EMULATOR_HOST;
  process.env.GCLOUD_PROJECT = stack.services.projectId;
  return getFirestore(getApps()[0] ?? initializeApp({ projectId: stack.services.projectId }));
}

/** Reads every assistant message back: status complete and exactly the streamed text. */
async function countPersisted(db: Firestore, outcomes: StreamOutcome[], expected: string): Promise<number> {
  const refs = outcomes
    .filter((o) => o.conversationId && o.messageId)
    .map((o) => db.collection('conversations').doc(o.conversationId!).collection('messages').doc(o.messageId!));
  let complete = 0;
  for (let i = 0; i < refs.length; i += 100) {
    const snapshots = await db.getAll(...refs.slice(i, i + 100));
    complete += snapshots.filter((s) => s.get('status') === 'complete' && s.get('text') === expected).length;
  }
  return complete;
}

if (require.main === module) {
  run()
    .then((result) => {
      for (const [backend, figures] of [
        ['gemini', result],
        ['openai-compatible', result.openaiCompatible],
      ] as const) {
        console.error(
          `chat-concurrency [${backend}]: ${figures.streams} streams x ${figures.chunksPerStream} chunks: ${figures.errors} errors, ` +
            `${figures.persistedComplete} persisted complete, peak RSS growth ${figures.peakRssGrowthMB} MB, wall ${figures.wallMs} ms`,
        );
      }
      console.log(JSON.stringify(result));
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
