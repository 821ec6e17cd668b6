// How many of our source files one chatStream turn with a tool call runs through: the functions
// mounted in this process on real HTTP (Firestore and Auth emulators, the local model server's
// deterministic find_events call then text), V8's precise coverage taken around ONE warm turn, and
// every file under src/ in which at least one function ran during it. Module loading is excluded: a
// first turn warms everything up before counting starts. It is a measure of how much code a reader
// must walk to follow a request, not a speed figure.
//
// Run: npx tsx bench/turn-files.ts   (last stdout line: the JSON result)
import { Session } from 'node:inspector/promises';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServices } from '../dev/services/index.js';

const SRC = resolve(__dirname, '../src');
const QUESTION = 'Any events for me this weekend?';

export interface TurnFilesResult {
  bench: 'turn-files';
  /** Source files (under src/) in which code ran during the measured turn. */
  files: number;
  /** The same files by directory (relative to src/). */
  byDirectory: Record<string, number>;
  /** The events the turn streamed, to show it really called a tool. */
  events: string[];
  list: string[];
}

async function main(): Promise<void> {
  const services = await startServices({ firestore: true, gemini: true, redis: false, firebase: { only: ['auth'] } });
  Object.assign(process.env, services.functionsEnv, {
    GCLOUD_PROJECT: services.projectId,
    GOOGLE_CLOUD_PROJECT: services.projectId,
    METADATA_SERVER_DETECTION: 'none',
    UPSTASH_REDIS_REST_URL: '',
    UPSTASH_REDIS_REST_TOKEN: '',
  });
  const { mountFunctions } = await import('../test/support/mount.js');
  const { loadFunctions } = await import('../test/support/functions.js');
  const mounted = await mountFunctions(await loadFunctions(['chatStream']));
  const session = new Session();
  session.connect();
  try {
    const idToken = await signUp(services.functionsEnv.FIREBASE_AUTH_EMULATOR_HOST);
    const turn = (): Promise<string[]> => streamTurn(mounted.url('chatStream'), idToken);
    await session.post('Profiler.enable');
    await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
    await turn(); // loads and warms every module the turn needs
    await session.post('Profiler.takePreciseCoverage'); // resets the counters
    const events = await turn();
    const { result } = await session.post('Profiler.takePreciseCoverage');
    await session.post('Profiler.stopPreciseCoverage');
    if (!events.includes('tool-call') || !events.includes('done')) {
      throw new Error(`the turn did not call a tool and finish: ${events.join(', ')}`);
    }
    const list = result
      .filter((script) => script.url.startsWith('file://'))
      .map((script) => ({ path: fileURLToPath(script.url), ran: script.functions.some(ranDuringTurn) }))
      .filter((script) => script.ran && script.path.startsWith(SRC + '/'))
      .map((script) => relative(SRC, script.path))
      .sort();
    const byDirectory: Record<string, number> = {};
    for (const file of list) {
      const directory = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.';
      byDirectory[directory] = (byDirectory[directory] ?? 0) + 1;
    }
    console.log(`One warm chatStream turn with a tool call ran code in ${list.length} source files under src/:`);
    for (const [directory, count] of Object.entries(byDirectory).sort()) console.log(`  ${count}\t${directory}`);
    const output: TurnFilesResult = { bench: 'turn-files', files: list.length, byDirectory, events, list };
    console.log(JSON.stringify(output));
  } finally {
    session.disconnect();
    await new Promise((settle) => setTimeout(settle, 500)); // the usage record is written after `done`
    await mounted.close();
    await services.stop();
  }
}

/** A function ran during the turn when any of its ranges was counted (the first range is the whole function). */
function ranDuringTurn(fn: { ranges: Array<{ count: number }> }): boolean {
  return (fn.ranges[0]?.count ?? 0) > 0;
}

async function signUp(authHost: string): Promise<string> {
  const response = await fetch(`http://${authHost}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=any`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `turn-files-${process.pid}@example.test`,
      password: 'password-123',
      returnSecureToken: true,
    }),
  });
  return ((await response.json()) as { idToken: string }).idToken;
}

/** One streamed turn; the event names in order. */
async function streamTurn(url: string, idToken: string): Promise<string[]> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${idToken}`, accept: 'text/event-stream' },
    body: JSON.stringify({ message: QUESTION }),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`chatStream answered ${response.status}: ${text.slice(0, 300)}`);
  return [...text.matchAll(/^event: (.+)$/gm)].map((match) => match[1]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
