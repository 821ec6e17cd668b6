// A tool turn on the local stack: the official Firestore emulator with 5,000 users and 400
// events (bench/match-requests.ts's population), the Gemini-protocol server answering each turn with a
// tool call and then text, and the chat turn run in-process with the real store, cache and tools.
//
// Measured per turn, from the Gemini server's request log (epoch ms, sub-ms precision):
//   backend time = follow-up request received - the response carrying the function call ended,
// that is the tool's Firestore reads, the functionResponse and the second request's serialisation.
// Also printed: Firestore documents read per tool call (from the tool's log line). Profiles are
// backfilled (the prepared pool exists, as the trigger keeps it in production); each tool runs with
// matching's per-instance shared cache off (every turn reads Firestore) and on (the default).
//
// Run: npx tsx bench/chat-tools.ts   The last stdout line is the JSON result.
import { getFirestore } from 'firebase-admin/firestore';
import { startGeminiServer } from '../dev/gemini-server/index.js';
import { startFirestore } from '../dev/services/firestore.js';
import { assistantTools } from '../src/lib/assistant-tools/index.js';
import { backfillMatchFields, matchingSettings, SharedMatchCache } from '../src/lib/features/matching/index.js';
import { prepareTurn } from '../src/lib/features/chat/index.js';
import { FirestoreChatStore } from '../src/lib/features/chat/store.js';
import { MemoryLruCache } from '../src/lib/platform/cache/index.js';
import { UNMETERED } from '../src/lib/platform/budget/meter.js';
import { getConfig } from '../src/lib/platform/config/index.js';
import { getAdminApp } from '../src/lib/platform/firebase.js';
import { GeminiChatModel } from '../src/lib/features/chat/backends/gemini-model.js';
import { geminiStreamingClient } from '../src/lib/platform/gemini/clients.js';
import type { LogFields, Logger } from '../src/lib/platform/logging.js';
import { seedPopulation } from './match-requests.js';

const TURNS_PER_TOOL = 25;
const TOOLS = ['find_events', 'suggest_people'] as const;

export interface ChatToolsRow {
  tool: (typeof TOOLS)[number];
  /** matching's per-instance cache (shared-cache.ts, on in production): off = every turn reads Firestore. */
  sharedCache: 'on' | 'off';
  turns: number;
  backendP50Ms: number;
  backendP99Ms: number;
  /** Of the backend time, the tool itself (its Firestore reads and ranking). */
  toolP50Ms: number;
  docsReadMean: number;
  docsReadMax: number;
}

export interface ChatToolsBenchResult {
  emulator: 'official' | 'node';
  population: { users: number; events: number };
  rows: ChatToolsRow[];
  targets: { p50Ms: number; p99Ms: number };
}

/** A logger that keeps the tool lines' read counts and drops everything else. */
function readCountingLogger(reads: number[], toolMs: number[]): Logger {
  const logger: Logger = {
    debug: () => undefined,
    info: (message: string, fields?: LogFields) => {
      if (message !== 'assistant tool') return;
      if (typeof fields?.documentsRead === 'number') reads.push(fields.documentsRead);
      if (typeof fields?.ms === 'number') toolMs.push(fields.ms);
    },
    warn: () => undefined,
    error: () => undefined,
    child: () => logger,
  };
  return logger;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const round = (n: number): number => Math.round(n * 100) / 100;

export async function run(): Promise<ChatToolsBenchResult> {
  const emulator = await startFirestore();
  const gemini = await startGeminiServer({ chunkDelayMs: [0, 0] });
  Object.assign(process.env, {
    FIRESTORE_EMULATOR_HOST: emulator.host,
    GCLOUD_PROJECT: 'demo-bench',
    METADATA_SERVER_DETECTION: 'none',
  });
  try {
    const db = getFirestore(getAdminApp());
    const viewers = await seedPopulation(db);
    // What the profile trigger maintains in production: derived fields and the prepared pool.
    await backfillMatchFields(db);
    const config = getConfig();
    const base = {
      store: new FirestoreChatStore(db),
      cache: new MemoryLruCache(),
      model: new GeminiChatModel(
        geminiStreamingClient({ backend: 'developer-api', apiKey: gemini.apiKey, baseUrl: gemini.url }),
      ),
      modelName: config.gemini.textModel,
    };
    const rows: ChatToolsRow[] = [];
    const modes = [
      { cache: 'off' as const, tools: assistantTools({ db, settings: matchingSettings(config) }) },
      {
        cache: 'on' as const,
        tools: assistantTools({ db, settings: matchingSettings(config), shared: new SharedMatchCache() }),
      },
    ];
    for (const { cache, tools } of modes)
      for (const tool of TOOLS) {
        const deps = { ...base, tools };
        const reads: number[] = [];
        const toolMs: number[] = [];
        const backend: number[] = [];
        const log = readCountingLogger(reads, toolMs);
        for (let i = 0; i <= TURNS_PER_TOOL; i++) {
          gemini.reset();
          gemini.queue(
            {
              reply: {
                kind: 'content',
                parts: [{ type: 'functionCall', name: tool, args: { limit: 3 }, thoughtSignature: `sig-${i}` }],
              },
            },
            { reply: { kind: 'content', parts: [{ type: 'text', text: 'Here is what I found.' }] } },
          );
          const uid = viewers[i % viewers.length];
          const scope = { uid, log, signal: new AbortController().signal, budget: UNMETERED, config };
          const turn = await prepareTurn(deps, scope, { message: `bench ${tool} ${i}` });
          await turn.run(new AbortController().signal, { onText: () => undefined });
          const [call, followUp] = gemini.requests();
          if (i === 0) continue; // warm-up (connections, JIT)
          if (call.endedAt === undefined || followUp === undefined) throw new Error('the tool turn did not complete');
          backend.push(followUp.receivedAt - call.endedAt);
        }
        backend.sort((a, b) => a - b);
        const measured = reads.slice(1);
        rows.push({
          tool,
          sharedCache: cache,
          turns: backend.length,
          backendP50Ms: round(percentile(backend, 50)),
          backendP99Ms: round(percentile(backend, 99)),
          toolP50Ms: round(
            percentile(
              toolMs.slice(1).sort((a, b) => a - b),
              50,
            ),
          ),
          docsReadMean: round(measured.reduce((a, b) => a + b, 0) / measured.length),
          docsReadMax: Math.max(...measured),
        });
      }
    return {
      emulator: emulator.kind,
      population: { users: 5_000, events: 400 },
      rows,
      targets: { p50Ms: 50, p99Ms: 150 },
    };
  } finally {
    await gemini.close();
    await emulator.stop();
  }
}

function printTable(result: ChatToolsBenchResult): void {
  console.log(
    `${result.emulator} Firestore emulator; ${result.population.users} users, ${result.population.events} events; ` +
      `backend time = function call received -> follow-up request sent`,
  );
  console.log(
    'tool (shared cache)'.padEnd(24),
    ...['turns', 'p50 ms', 'p99 ms', 'tool p50', 'docs mean', 'docs max'].map((h) => h.padStart(10)),
  );
  for (const row of result.rows) {
    console.log(
      `${row.tool} (${row.sharedCache})`.padEnd(24),
      ...[row.turns, row.backendP50Ms, row.backendP99Ms, row.toolP50Ms, row.docsReadMean, row.docsReadMax].map((v) =>
        String(v).padStart(10),
      ),
    );
  }
  console.log(`targets: p50 <= ${result.targets.p50Ms} ms, p99 <= ${result.targets.p99Ms} ms`);
}

if (require.main === module) {
  run()
    .then((result) => {
      printTable(result);
      console.log(JSON.stringify(result));
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
