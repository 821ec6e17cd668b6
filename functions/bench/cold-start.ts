// What a cold instance pays before it answers, per function (built lib/, as deployed):
//
// 1. Module load. Each function's instance loads lib/index.js with FUNCTION_TARGET=<name>, as Cloud
//    Run functions and the Functions emulator start it. Measured in a fresh `node` per sample (no tsx):
//    the time of that require and the modules it leaves in require.cache, against the anchor, the
//    modules any such function needs anyway (firebase-functions/v2/https with firebase-admin app, auth
//    and firestore). Subjects are interleaved, ROUNDS rounds (each round in a rotated order), medians.
//    Targets: every HTTPS function <= 1.3x the anchor; chat and matching functions load no S3 and no
//    image code; matching's functions load no chat code.
// 2. The first request after a cold load. A fresh process per sample loads one function and serves it
//    on 127.0.0.1 (express with the framework's body parsers); its first request and then WARM_REQUESTS
//    more are timed to the first byte of the answer, against the Auth and Firestore emulators, Redis
//    behind the Upstash REST endpoint (when redis-server is installed) and the local Gemini-protocol
//    server, with the demo data seeded. Overhead = first request - the same process's warm median.
//    Twice per sample: the first request sent as soon as the instance listens (a request-triggered cold
//    start) and IDLE_MS later (an instance started ahead of its first request: min instances, scale-out).
//    Then each one-time cost on its own, first call against second (COMPONENT_PROBE).
//
// Run: npm run bench -- cold-start   (or npx tsx bench/cold-start.ts; COLD_START_ROUNDS=n for more rounds)
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import path from 'node:path';
import { loadedCode } from '../test/support/loaded-code.js';
import { COMPONENT_PROBE, LOAD_PROBE, SERVE_PROBE } from './support/cold-start-probes.js';

const FUNCTIONS_DIR = path.resolve(__dirname, '..');
const ANCHOR = '@anchor';
const ANCHOR_MODULES = [
  'firebase-functions/v2/https',
  'firebase-admin/app',
  'firebase-admin/auth',
  'firebase-admin/firestore',
];
const ROUNDS = Math.max(5, Number(process.env.COLD_START_ROUNDS ?? 7));
const FIRST_BYTE_SAMPLES = 5;
const WARM_REQUESTS = 5;
const IDLE_MS = 2000;
const MAX_RATIO = 1.3;
/** The functions that must load no S3 and no image code. */
const NO_IMAGE_CODE = ['chatMessage', 'chatStream', 'matchUsers', 'matchEvents', 'suggestions'];
/** Matching's functions: they must load no chat code. */
const MATCHING = [
  'matchUsers',
  'matchEvents',
  'suggestions',
  'matchProfileSync',
  'matchEventSync',
  'matchAttendanceSync',
];
const FIRST_BYTE_FUNCTIONS = ['chatStream', 'matchUsers'] as const;

/** Code that some functions must not load, recognised by path. */
const CODE: Record<'s3' | 'image' | 'chat' | 'geminiSdk', RegExp> = {
  s3: /\/node_modules\/(@aws-sdk|@smithy)\//,
  image: /\/lib\/lib\/(features\/images|platform\/image-pipeline)\/|\/node_modules\/(image-size|sharp)\//,
  chat: /\/lib\/lib\/(features\/chat|assistant-tools)\//,
  geminiSdk: /\/node_modules\/@google\/genai\//,
};
type CodeName = keyof typeof CODE;

interface LoadSample {
  ms: number;
  files: string[];
  kinds: Record<string, 'https' | 'event' | 'other'>;
}

export interface ModuleLoadRow {
  subject: string;
  kind: 'anchor' | 'https' | 'event' | 'other';
  /** Files Node loaded (require.cache). */
  modules: number;
  /** Compiled files and package modules inside the bundles among them (lib/bundles.json). */
  bundledSources: number;
  medianMs: number;
  ratio: number;
  /** What lib/index.js exported under FUNCTION_TARGET=subject. */
  exports: string[];
  loads: Record<CodeName, boolean>;
  /** Loaded and bundled modules per package (or per folder of lib/), largest first. */
  packages: Record<string, number>;
}

export interface FirstByteRow {
  name: (typeof FIRST_BYTE_FUNCTIONS)[number];
  samples: number;
  loadMs: number;
  modules: number;
  coldFirstByteMs: number;
  warmFirstByteMs: number;
  /** Median over samples of (first request - that process's warm median). */
  coldOverheadMs: number;
  /** The same with the first request IDLE_MS after the instance listens. */
  idleFirstByteMs: number;
  idleOverheadMs: number;
  coldTotalMs: number;
  warmTotalMs: number;
}

export interface ComponentRow {
  component: string;
  firstMs: number;
  secondMs: number;
}

export interface ColdStartResult {
  bench: 'cold-start';
  rounds: number;
  anchor: string[];
  rows: ModuleLoadRow[];
  firstByte: FirstByteRow[];
  /** Medians over FIRST_BYTE_SAMPLES fresh processes. */
  components: ComponentRow[];
  redis: boolean;
  targets: { maxRatio: number; ratioOk: boolean; noImageCodeOk: boolean; matchingNoChatOk: boolean };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round1 = (value: number): number => Math.round(value * 10) / 10;

/** A clean environment: nothing that points at services, as on a fresh instance. */
function probeEnv(target?: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GCLOUD_PROJECT: 'demo-cold-start',
    METADATA_SERVER_DETECTION: 'none',
    ...(target ? { FUNCTION_TARGET: target, K_SERVICE: target.toLowerCase() } : {}),
  };
}

function probeLoad(subject: string, target?: string): Promise<LoadSample> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', LOAD_PROBE, FUNCTIONS_DIR, subject, JSON.stringify(ANCHOR_MODULES)], {
      env: probeEnv(target),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err = (err + chunk).slice(-4000)));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`load probe for ${subject} exited ${code}: ${err}`));
      resolve(JSON.parse(out) as LoadSample);
    });
  });
}

function packageOf(file: string): string {
  const inModules = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
  if (inModules) return inModules[1];
  const inLib = /\/functions\/lib\/(.*)\/[^/]+$/.exec(file);
  return inLib ? `lib/${inLib[1]}` : file.includes('/functions/lib/') ? 'lib' : file;
}

function countPackages(files: readonly string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const file of files) counts.set(packageOf(file), (counts.get(packageOf(file)) ?? 0) + 1);
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]));
}

export async function measureModuleLoads(rounds = ROUNDS): Promise<ModuleLoadRow[]> {
  // Which functions exist, and their kinds: what deploy discovery sees (no FUNCTION_TARGET).
  const { kinds } = await probeLoad('@all');
  const subjects = [ANCHOR, ...Object.keys(kinds)];
  const samples = new Map<string, LoadSample[]>(subjects.map((subject) => [subject, []]));
  for (let round = 0; round < rounds; round++) {
    const order = [...subjects.slice(round % subjects.length), ...subjects.slice(0, round % subjects.length)];
    for (const subject of order) {
      const sample = await probeLoad(subject, subject === ANCHOR ? undefined : subject);
      samples.get(subject)?.push(sample);
    }
  }
  const anchorMs = median((samples.get(ANCHOR) ?? []).map((s) => s.ms));
  return subjects.map((subject) => {
    const runs = samples.get(subject) ?? [];
    const last = runs[runs.length - 1];
    const code = loadedCode(last.files);
    const ms = median(runs.map((s) => s.ms));
    return {
      subject,
      kind: subject === ANCHOR ? 'anchor' : kinds[subject],
      modules: median(runs.map((s) => s.files.length)),
      medianMs: round1(ms),
      ratio: Math.round((ms / anchorMs) * 100) / 100,
      exports: Object.keys(last.kinds),
      bundledSources: code.length - last.files.length,
      loads: Object.fromEntries(
        (Object.keys(CODE) as CodeName[]).map((name) => [name, code.some((file) => CODE[name].test(file))]),
      ) as Record<CodeName, boolean>,
      packages: countPackages(code),
    };
  });
}

// ---------------------------------------------------------------- 2. the first request

interface Timing {
  status: number;
  firstByteMs: number;
  totalMs: number;
}

function timedPost(port: number, name: string, idToken: string, body: unknown): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const started = performance.now();
    let firstByteMs = 0;
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: `/${name}`,
        method: 'POST',
        agent: false,
        headers: {
          authorization: `Bearer ${idToken}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        res.on('data', () => {
          if (firstByteMs === 0) firstByteMs = performance.now() - started;
        });
        res.once('end', () =>
          resolve({ status: res.statusCode ?? 0, firstByteMs, totalMs: performance.now() - started }),
        );
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    req.end(payload);
  });
}

interface ServedFunction {
  port: number;
  loadMs: number;
  modules: number;
  stop(): Promise<void>;
}

function serveFunction(name: string, env: Record<string, string>): Promise<ServedFunction> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', SERVE_PROBE, FUNCTIONS_DIR, name], {
      env: { ...probeEnv(name), ...env },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const timer = setTimeout(() => reject(new Error(`${name} not serving in 60 s`)), 60_000);
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before serving`)));
    child.once('message', (message: { port: number; loadMs: number; modules: number }) => {
      clearTimeout(timer);
      resolve({
        ...message,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

async function signIn(authHost: string, email: string, password: string): Promise<string> {
  const response = await fetch(
    `http://${authHost}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=any`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password, returnSecureToken: true }),
    },
  );
  const body = (await response.json()) as { idToken?: string };
  if (!body.idToken) throw new Error(`sign-in failed: ${JSON.stringify(body)}`);
  return body.idToken;
}

function probeComponents(env: Record<string, string>, idToken: string, uid: string): Promise<ComponentRow[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', COMPONENT_PROBE, FUNCTIONS_DIR, idToken, uid], {
      env: { ...probeEnv(), ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(JSON.parse(out) as ComponentRow[]) : reject(new Error(`component probe exited ${code}`)),
    );
  });
}

interface FirstByteSample {
  served: ServedFunction;
  cold: Timing;
  warm: Timing[];
}

export async function measureFirstBytes(): Promise<{
  rows: FirstByteRow[];
  components: ComponentRow[];
  redis: boolean;
}> {
  const { startServices } = await import('../dev/services/index.js');
  const services = await startServices({
    firestore: true,
    gemini: true,
    redis: 'auto',
    firebase: { only: ['auth'] },
  });
  try {
    const env: Record<string, string> = {
      ...services.functionsEnv,
      GOOGLE_CLOUD_PROJECT: services.projectId,
      GCLOUD_PROJECT: services.projectId,
      // One user sends every request: the per-user limits are not what is measured.
      RATE_LIMIT_PER_MINUTE: '10000',
      DAILY_TOKEN_BUDGET: '100000000',
    };
    Object.assign(process.env, env);
    const { seedDemoData, seedDemoUser, DEMO_EMAIL, DEMO_PASSWORD } = await import('../dev/seed.js');
    const { getAdminAuth, getDb } = await import('../src/lib/platform/firebase.js');
    await seedDemoData(getDb());
    const uid = await seedDemoUser(getAdminAuth(), getDb());
    const idToken = await signIn(env.FIREBASE_AUTH_EMULATOR_HOST, DEMO_EMAIL, DEMO_PASSWORD);

    const bodies: Record<(typeof FIRST_BYTE_FUNCTIONS)[number], (i: number) => unknown> = {
      chatStream: (i) => ({ message: `Tell me a fun fact, number ${i}.` }),
      matchUsers: () => ({}),
    };
    let requestNo = 0;
    const sampleOnce = async (name: (typeof FIRST_BYTE_FUNCTIONS)[number], idleMs: number) => {
      const served = await serveFunction(name, env);
      try {
        const post = async (): Promise<Timing> => {
          const timing = await timedPost(served.port, name, idToken, bodies[name](++requestNo));
          if (timing.status !== 200) throw new Error(`${name} answered ${timing.status}`);
          return timing;
        };
        if (idleMs > 0) await new Promise((resolve) => setTimeout(resolve, idleMs));
        const cold = await post();
        const warm: Timing[] = [];
        for (let i = 0; i < WARM_REQUESTS; i++) warm.push(await post());
        return { served, cold, warm };
      } finally {
        await served.stop();
      }
    };
    const samples = new Map<string, FirstByteSample[]>();
    const idleSamples = new Map<string, FirstByteSample[]>();
    const componentRuns: ComponentRow[][] = [];
    for (let sample = 0; sample < FIRST_BYTE_SAMPLES; sample++) {
      for (const name of FIRST_BYTE_FUNCTIONS) {
        samples.set(name, [...(samples.get(name) ?? []), await sampleOnce(name, 0)]);
        idleSamples.set(name, [...(idleSamples.get(name) ?? []), await sampleOnce(name, IDLE_MS)]);
      }
      componentRuns.push(await probeComponents(env, idToken, uid));
    }
    const overhead = (run: FirstByteSample): number =>
      run.cold.firstByteMs - median(run.warm.map((t) => t.firstByteMs));
    const rows = FIRST_BYTE_FUNCTIONS.map((name): FirstByteRow => {
      const runs = samples.get(name) ?? [];
      const idle = idleSamples.get(name) ?? [];
      const warmFirst = runs.flatMap((run) => run.warm.map((t) => t.firstByteMs));
      return {
        name,
        samples: runs.length,
        loadMs: round1(median(runs.map((run) => run.served.loadMs))),
        modules: median(runs.map((run) => run.served.modules)),
        coldFirstByteMs: round1(median(runs.map((run) => run.cold.firstByteMs))),
        warmFirstByteMs: round1(median(warmFirst)),
        coldOverheadMs: round1(median(runs.map(overhead))),
        idleFirstByteMs: round1(median(idle.map((run) => run.cold.firstByteMs))),
        idleOverheadMs: round1(median(idle.map(overhead))),
        coldTotalMs: round1(median(runs.map((run) => run.cold.totalMs))),
        warmTotalMs: round1(median(runs.flatMap((run) => run.warm.map((t) => t.totalMs)))),
      };
    });
    const components = (componentRuns[0] ?? []).map(({ component }, i) => ({
      component,
      firstMs: round1(median(componentRuns.map((run) => run[i].firstMs))),
      secondMs: round1(median(componentRuns.map((run) => run[i].secondMs))),
    }));
    return { rows, components, redis: services.redis !== undefined };
  } finally {
    await services.stop();
  }
}

export async function run(): Promise<ColdStartResult> {
  const rows = await measureModuleLoads();
  const firstByte = await measureFirstBytes();
  const byName = new Map(rows.map((row) => [row.subject, row]));
  return {
    bench: 'cold-start',
    rounds: ROUNDS,
    anchor: ANCHOR_MODULES,
    rows,
    firstByte: firstByte.rows,
    components: firstByte.components,
    redis: firstByte.redis,
    targets: {
      maxRatio: MAX_RATIO,
      ratioOk: rows.filter((row) => row.kind === 'https').every((row) => row.ratio <= MAX_RATIO),
      noImageCodeOk: NO_IMAGE_CODE.every((name) => !byName.get(name)?.loads.s3 && !byName.get(name)?.loads.image),
      matchingNoChatOk: MATCHING.every((name) => byName.get(name)?.loads.chat === false),
    },
  };
}

function printResult(result: ColdStartResult): void {
  const yes = (value: boolean): string => (value ? 'yes' : '-');
  const lines = [
    `module load per function (FUNCTION_TARGET=<name>), medians of ${result.rounds} interleaved runs`,
    `  anchor: ${result.anchor.join(' + ')}; modules: files Node loaded; bundled: sources inside the bundles among them`,
    '  subject               kind    modules  bundled      ms  ratio  exports  s3   image  chat  @google/genai',
    ...result.rows.map(
      (row) =>
        `  ${row.subject.padEnd(20)}  ${row.kind.padEnd(6)}  ${String(row.modules).padStart(7)}  ${String(
          row.bundledSources,
        ).padStart(7)}  ${row.medianMs
          .toFixed(1)
          .padStart(6)}  ${row.ratio.toFixed(2).padStart(5)}  ${String(row.exports.length).padStart(7)}  ${yes(
          row.loads.s3,
        ).padEnd(3)}  ${yes(row.loads.image).padEnd(5)}  ${yes(row.loads.chat).padEnd(4)}  ${yes(row.loads.geminiSdk)}`,
    ),
    `  targets: every HTTPS function <= ${result.targets.maxRatio}x the anchor: ${result.targets.ratioOk ? 'met' : 'NOT MET'}; ` +
      `chat and matching load no S3/image code: ${result.targets.noImageCodeOk ? 'met' : 'NOT MET'}; ` +
      `matching loads no chat code: ${result.targets.matchingNoChatOk ? 'met' : 'NOT MET'}`,
    '',
    `first request after a cold load vs warm (${FIRST_BYTE_SAMPLES} fresh processes each, ${WARM_REQUESTS} warm requests each; ` +
      `Redis ${result.redis ? 'behind the Upstash REST endpoint' : 'not installed: in-memory fallbacks'}), ms`,
    `  "at once": the first request as the instance listens; "idle": ${IDLE_MS} ms later`,
    '  function     load  modules   first byte: at once  idle   warm   overhead: at once  idle   answer: first  warm',
    ...result.firstByte.map((row) =>
      [
        `  ${row.name.padEnd(11)}`,
        row.loadMs.toFixed(0).padStart(5),
        String(row.modules).padStart(8),
        row.coldFirstByteMs.toFixed(1).padStart(20),
        row.idleFirstByteMs.toFixed(1).padStart(5),
        row.warmFirstByteMs.toFixed(1).padStart(6),
        row.coldOverheadMs.toFixed(1).padStart(18),
        row.idleOverheadMs.toFixed(1).padStart(5),
        row.coldTotalMs.toFixed(1).padStart(14),
        row.warmTotalMs.toFixed(1).padStart(5),
      ].join(' '),
    ),
    '',
    'one-time costs in a fresh process, first call vs second (medians), in the order a request meets them',
    ...result.components.map(
      (row) =>
        `  ${row.component.padEnd(34)} ${row.firstMs.toFixed(1).padStart(7)} ${row.secondMs.toFixed(1).padStart(7)}`,
    ),
  ];
  console.error(lines.join('\n'));
}

if (require.main === module) {
  run()
    .then((result) => {
      printResult(result);
      console.log(JSON.stringify(result));
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
