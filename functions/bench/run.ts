// `npm run bench`: every benchmark in its own Node process (clean heap and RSS high-water mark),
// one after another, each printing its own table. A benchmark's JSON result line is collected into
// bench/results.json instead of being echoed. Pass names to run a subset: `npm run bench -- ranking`.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const BENCHES: Array<{ name: string; script: string; what: string }> = [
  { name: 'sse-throughput', script: 'sse-throughput.ts', what: 'SSE parsing vs eventsource-parser' },
  {
    name: 'image-pipeline',
    script: 'image-pipeline.ts',
    what: 'streaming core memory and speed vs @google/genai',
  },
  { name: 'ranking', script: 'ranking.ts', what: 'match ranking over 10k / 100k candidates' },
  {
    name: 'match-requests',
    script: 'match-requests.ts',
    what: 'Firestore documents read per matching request',
  },
  {
    name: 'match-quality',
    script: 'match-quality.ts',
    what: 'recall@5 against an exhaustive ranking, documents read and latency per matching request',
  },
  {
    name: 'profile-storm',
    script: 'profile-storm.ts',
    what: 'a 10,000-write storm on one profile: trigger cost per 1,000 writes, a bystander in its shard',
  },
  {
    name: 'chat-relay',
    script: 'chat-relay.ts',
    what: 'chatStream relay overhead, Gemini and OpenAI-compatible',
  },
  {
    name: 'chat-concurrency',
    script: 'chat-concurrency.ts',
    what: '500 concurrent chatStream streams, Gemini and OpenAI-compatible',
  },
  {
    name: 'turn-files',
    script: 'turn-files.ts',
    what: 'the source files one warm chatStream turn with a tool call runs code in',
  },
  { name: 'chat-tools', script: 'chat-tools.ts', what: 'a tool turn: backend time and reads per tool call' },
  {
    name: 'image-function',
    script: 'image-function.ts',
    what: 'generateImage end to end vs SDK + PutObject',
  },
  {
    name: 'image-inputs',
    script: 'image-inputs.ts',
    what: 'editImage with 12 MP and 48 MP phone photos as input: memory and time per request',
  },
  {
    name: 'spend-controls',
    script: 'spend-controls.ts',
    what: 'what the daily budget check and App Check verification add per request',
  },
  {
    name: 'account-data',
    script: 'account-data.ts',
    what: 'exportData and the erasure of an account with 50,000 messages and 1,000 images: peak memory, time',
  },
  {
    name: 'cold-start',
    script: 'cold-start.ts',
    what: 'module load per function against the anchor, first request cold vs warm',
  },
];

function runOne(script: string): Promise<{ code: number | null; result?: unknown }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', resolve(__dirname, script)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, CI: 'true', METADATA_SERVER_DETECTION: 'none' },
    });
    let result: unknown;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('{')) {
        try {
          result = JSON.parse(line);
          return;
        } catch {
          // not a result line: print it
        }
      }
      console.log(line);
    });
    child.on('close', (code) => done({ code, result }));
  });
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const results: Record<string, unknown> = {};
  let failures = 0;
  for (const bench of BENCHES) {
    if (only.length > 0 && !only.includes(bench.name)) continue;
    if (!existsSync(resolve(__dirname, bench.script))) {
      console.log(`\n## ${bench.name}: not present yet, skipped`);
      continue;
    }
    console.log(`\n## ${bench.name}: ${bench.what}`);
    const started = Date.now();
    const { code, result } = await runOne(bench.script);
    console.log(
      `   (${((Date.now() - started) / 1000).toFixed(1)} s${code === 0 ? '' : `, FAILED with exit code ${code}`})`,
    );
    if (code !== 0) failures += 1;
    results[bench.name] = result ?? null;
  }
  const file = resolve(__dirname, 'results.json');
  writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2)}\n`,
  );
  console.log(`\nRaw figures: ${file}`);
  if (failures > 0) process.exitCode = 1;
}

void main();
