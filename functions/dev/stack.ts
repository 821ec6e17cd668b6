/**
 * `npm start` (repo root) = build, then this: the whole backend on loopback, seeded, until Ctrl-C.
 *
 *   Functions + Auth emulators  on the ports in firebase.json (stable URLs: 5001, 9099)
 *   Firestore emulator          on firebase.json's Firestore port (8080): the official one with
 *                               firestore.rules where installed, else the Node stand-in
 *   Firestore triggers          with the official emulator, every Firestore trigger the functions
 *                               export runs on each matching write, as in production (not with the stand-in)
 *   s3rver                      on 127.0.0.1:4568 with the images bucket
 *   Redis + Upstash REST        when redis-server is installed (else the functions use memory)
 *   Gemini                      Google's API when GEMINI_API_KEY is set (shell or functions/.secret.local),
 *                               else the local model server with a generated key
 *   Text model                  TEXT_BACKEND=openai-compatible: the server at OPENAI_BASE_URL when set, else
 *                               the same local model server, which speaks OpenAI's Chat Completions too
 *
 * A developer's own functions/.env, .env.<project>, .env.local and .secret.local, and the config
 * variables of the shell, override what the stack generates. The demo user's ID token is kept fresh
 * in <repo>/.stack/demo-id-token so the printed curl commands keep working while the stack runs.
 */
import { mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '../src/lib/platform/image-pipeline/s3-target.js';
import { initializeApp } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { getFirestore } from 'firebase-admin/firestore';
import { makePng } from './gemini-server/png.js';
import { startConsole, type RunningConsole } from './console/server.js';
import { canonicalTimeZone } from '../src/lib/platform/time/index.js';
import { DEMO_EMAIL, DEMO_PASSWORD, seedDemoData, seedDemoUser } from './seed.js';
import { DEFAULT_PROJECT_ID, readDotenvFile } from './services/firebase-emulators.js';
import { DEFAULT_BUCKET, MANAGED_ENV_KEYS, startServices, type RunningServices } from './services/index.js';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const FUNCTIONS_DIR = path.join(REPO_ROOT, 'functions');
const STATE_DIR = path.join(REPO_ROOT, '.stack');
const TOKEN_FILE = path.join(STATE_DIR, 'demo-id-token');
const S3_PORT = 4568;
/** Emulator ID tokens expire after an hour; refresh well before. */
const TOKEN_REFRESH_MS = 45 * 60 * 1000;
const DEMO_IMAGE_KEY = 'demo/sample.png';
/** The local console's port (CONSOLE_PORT overrides). */
const CONSOLE_PORT = 4100;
const SECOND_SIGNAL_GRACE_MS = 2_000;

interface EmulatorPorts {
  auth: number;
  functions: number;
  firestore: number;
  hub: number;
  logging: number;
}

function repoEmulatorPorts(): EmulatorPorts {
  const config = JSON.parse(readFileSync(path.join(REPO_ROOT, 'firebase.json'), 'utf8')) as {
    emulators?: Partial<Record<keyof EmulatorPorts, { port?: number }>>;
  };
  const port = (name: keyof EmulatorPorts, fallback: number) => config.emulators?.[name]?.port ?? fallback;
  return {
    auth: port('auth', 9099),
    functions: port('functions', 5001),
    firestore: port('firestore', 8080),
    hub: port('hub', 4400),
    logging: port('logging', 4500),
  };
}

/** The developer's own settings: shell variables for config keys, then functions/.env* files. */
function developerOverrides(projectId: string): Record<string, string> {
  const fromShell: Record<string, string> = {};
  // Not the emulator hosts or storage credentials: those must match the services started here.
  const configKeys = MANAGED_ENV_KEYS.filter((key) => !/EMULATOR_HOST$|^AWS_|^S3_(ACCESS|SECRET)/.test(key));
  for (const key of configKeys) {
    const value = process.env[key];
    if (value) fromShell[key] = value;
  }
  const files = ['.env', `.env.${projectId}`, '.env.local', '.secret.local'];
  return Object.assign(fromShell, ...files.map((file) => readDotenvFile(path.join(FUNCTIONS_DIR, file))));
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  const projectId = DEFAULT_PROJECT_ID;
  const ports = repoEmulatorPorts();
  const overrides = developerOverrides(projectId);
  const realGemini = Boolean(overrides.GEMINI_API_KEY);
  const openAiText = overrides.TEXT_BACKEND?.trim().toLowerCase() === 'openai-compatible';
  const realOpenAi = openAiText && Boolean(overrides.OPENAI_BASE_URL);
  // The stand-in runs while anything needs it: Gemini without a key, or chat on it over OpenAI's protocol.
  const standIn = !realGemini || (openAiText && !realOpenAi);
  let emulatorsReady = false;

  console.log('Starting the local stack (first start takes ~15 s)...');
  const services = await startServices({
    projectId,
    firestore: { port: ports.firestore },
    s3: { port: S3_PORT, bucket: overrides.S3_BUCKET || DEFAULT_BUCKET },
    redis: 'auto',
    gemini: standIn,
    firestoreTriggers: true,
    firebase: {
      only: ['auth', 'functions'],
      ports: { auth: ports.auth, functions: ports.functions, hub: ports.hub, logging: ports.logging },
      // Dev only: editImage may fetch its input from s3rver over http on loopback.
      envOverrides: {
        IMAGE_SOURCE_ALLOW_LOOPBACK: 'true',
        // A real Gemini key never goes to the stand-in (which then serves only OpenAI's protocol).
        ...(realGemini && standIn ? { GEMINI_BASE_URL: '' } : {}),
        // A real OpenAI-compatible server gets your OPENAI_MODEL and key, never the stand-in's.
        ...(realOpenAi ? { OPENAI_API_KEY: 'none', OPENAI_MODEL: '' } : {}),
        ...overrides,
      },
    },
    onOutput: (service, line) => echoServiceLine(service, line, emulatorsReady),
  });
  emulatorsReady = true;

  let stoppingSince: number | undefined;
  let refreshTimer: NodeJS.Timeout | undefined;
  let localConsole: RunningConsole | undefined;
  const shutdown = async (signal: string): Promise<void> => {
    if (stoppingSince !== undefined) {
      // One Ctrl-C can arrive twice (the terminal's, and tsx relaying it): only a later one forces.
      if (Date.now() - stoppingSince < SECOND_SIGNAL_GRACE_MS) return;
      console.log('Forced exit.');
      process.exit(1); // process.ts's exit hook SIGKILLs the children
    }
    stoppingSince = Date.now();
    clearInterval(refreshTimer);
    console.log(`\n${signal}: stopping the local stack...`);
    removeTokenFile();
    try {
      await localConsole?.close();
      await services.stop();
      console.log('Stopped. Nothing left running.');
      process.exit(0);
    } catch (error) {
      console.error(`Stopping failed: ${(error as Error).message}`);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    const demoUid = await seed(services);
    const imageUrl = await uploadDemoImage(services);
    const refreshToken = async () =>
      writeTokenFile(await signIn(services.functionsEnv.FIREBASE_AUTH_EMULATOR_HOST as string));
    await refreshToken();
    refreshTimer = setInterval(
      () => void refreshToken().catch((e: Error) => console.error(`token refresh: ${e.message}`)),
      TOKEN_REFRESH_MS,
    );
    localConsole = await startConsole({
      functionsBaseUrl: services.firebase?.functionsBaseUrl ?? '',
      authHost: services.firebase?.authHost ?? '',
      firestoreHost: services.firestore!.host,
      projectId,
      port: Number(process.env.CONSOLE_PORT) || CONSOLE_PORT,
      demoUser: { email: DEMO_EMAIL, password: DEMO_PASSWORD },
    });
    printBanner(services, {
      realGemini,
      text: openAiText
        ? {
            backend: 'openai-compatible',
            real: realOpenAi,
            url: overrides.OPENAI_BASE_URL,
            model: overrides.OPENAI_MODEL,
          }
        : { backend: 'gemini' },
      demoUid,
      imageUrl,
      consoleUrl: localConsole.url,
      seconds: (performance.now() - startedAt) / 1000,
    });
  } catch (error) {
    console.error(`Seeding failed: ${(error as Error).message}`);
    await shutdown('error');
  }
}

function echoServiceLine(service: string, line: string, ready: boolean): void {
  if (line.trim() === '' || /^[│├└┌─\s]+$/.test(line) || /^[│├└┌]/.test(line)) return;
  // Before the emulators are up, only warnings and errors; afterwards everything (function logs).
  if (ready || /⚠|⬢|error|failed/i.test(line)) console.log(`[${service}] ${line}`);
}

async function seed(services: RunningServices): Promise<string> {
  // This process talks to the emulators like a function would.
  Object.assign(process.env, {
    FIRESTORE_EMULATOR_HOST: services.functionsEnv.FIRESTORE_EMULATOR_HOST,
    FIREBASE_AUTH_EMULATOR_HOST: services.functionsEnv.FIREBASE_AUTH_EMULATOR_HOST,
    GCLOUD_PROJECT: services.projectId,
    METADATA_SERVER_DETECTION: 'none',
  });
  const app = initializeApp({ projectId: services.projectId }, 'stack-seed');
  const db = getFirestore(app);
  await seedDemoData(db);
  return seedDemoUser(getAuth(app), db);
}

/** A small PNG in the bucket, so editImage has an input image on loopback. */
async function uploadDemoImage(services: RunningServices): Promise<string | undefined> {
  const s3 = services.s3;
  if (!s3) return undefined;
  const client = createS3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  const { bytes } = makePng({ width: 256, height: 256, seed: 7 });
  await client.send(
    new PutObjectCommand({ Bucket: s3.bucket, Key: DEMO_IMAGE_KEY, Body: bytes, ContentType: 'image/png' }),
  );
  client.destroy();
  return `${s3.endpoint}/${s3.bucket}/${DEMO_IMAGE_KEY}`;
}

async function signIn(authHost: string): Promise<string> {
  const response = await fetch(
    `http://${authHost}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=any`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO_EMAIL, password: DEMO_PASSWORD, returnSecureToken: true }),
    },
  );
  const body = (await response.json()) as { idToken?: string };
  if (!response.ok || !body.idToken) throw new Error(`demo sign-in failed: HTTP ${response.status}`);
  return body.idToken;
}

function writeTokenFile(token: string): void {
  mkdirSync(STATE_DIR, { recursive: true });
  writeFileSync(TOKEN_FILE, token, { mode: 0o600 });
}

function removeTokenFile(): void {
  rmSync(TOKEN_FILE, { force: true });
  try {
    rmdirSync(STATE_DIR); // only if empty: never remove anything else someone put there
  } catch {
    // Not empty or already gone.
  }
}

interface BannerFacts {
  consoleUrl: string;
  realGemini: boolean;
  /** Which backend serves chat and match explanations (TEXT_BACKEND). */
  text: { backend: 'gemini' } | { backend: 'openai-compatible'; real: boolean; url?: string; model?: string };
  demoUid: string;
  imageUrl: string | undefined;
  seconds: number;
}

/**
 * The machine's zone, sent as a phone sends its own, so "this weekend" in the example is the
 * developer's weekend; nothing when the runtime does not know it (an unset TZ can read "Etc/Unknown").
 */
function machineZone(): { timeZone?: string } {
  const zone = canonicalTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone);
  return zone ? { timeZone: zone } : {};
}

/** Example requests per function (kept in step with the handlers' schemas). */
function exampleRequests(
  imageUrl: string | undefined,
): Record<string, { method: 'GET' | 'POST'; body?: object; stream?: boolean }> {
  return {
    chatMessage: { method: 'POST', body: { message: 'Any events for me this weekend?', ...machineZone() } },
    chatStream: { method: 'POST', body: { message: 'Suggest an icebreaker for a photo walk' }, stream: true },
    matchUsers: { method: 'POST', body: { limit: 5 } },
    matchEvents: { method: 'POST', body: { limit: 5 } },
    suggestions: { method: 'GET' },
    generateImage: {
      method: 'POST',
      body: { prompt: 'A watercolor of friends hiking at sunrise', aspectRatio: '1:1' },
    },
    editImage: {
      method: 'POST',
      body: { image: imageUrl ?? 'https://example.com/photo.png', editPrompt: 'Add falling snow' },
    },
    exportData: { method: 'GET' },
  };
}

/** Chat and match explanations: on Gemini (the row above), or on an OpenAI-compatible server. */
function textRow(text: BannerFacts['text'], standInUrl: string | undefined): string {
  if (text.backend === 'gemini') return 'chat and match explanations on Gemini (TEXT_BACKEND=gemini)';
  if (text.real) return `OpenAI-compatible server ${text.url} (model ${text.model ?? 'OPENAI_MODEL unset'})  [real]`;
  return `local model server, OpenAI Chat Completions (offline, not AI)  ${standInUrl}  [local stand-in]`;
}

function printBanner(services: RunningServices, facts: BannerFacts): void {
  const { firestore, firebase, s3, upstash, gemini, firestoreTriggers: triggers } = services;
  const real = (text: string) => `${text}  [real]`;
  const standIn = (text: string) => `${text}  [local stand-in]`;
  const rows: [string, string][] = [
    ['Functions', real(`Firebase Functions emulator  ${firebase?.functionsBaseUrl}/<name>`)],
    ['Auth', real(`Firebase Auth emulator  http://${firebase?.authHost}`)],
    [
      'Firestore',
      firestore?.kind === 'official'
        ? real(`${firestore.summary}, security rules enforced for client SDKs`)
        : standIn(firestore?.summary ?? 'not running'),
    ],
    [
      'Triggers',
      triggers?.delivered && triggers.triggers.length > 0
        ? real('Firestore triggers run in the Functions emulator on each matching write')
        : `Firestore triggers: ${triggers?.summary ?? 'not requested'}`,
    ],
    ['S3', standIn(`s3rver  ${s3?.endpoint}/${s3?.bucket}`)],
    [
      'Redis',
      upstash
        ? standIn(`redis-server behind a local Upstash REST endpoint  ${upstash.url}`)
        : 'not running (redis-server not installed): functions use in-memory rate limits and cache',
    ],
    [
      'Gemini',
      facts.realGemini
        ? real('Google Gemini API (GEMINI_API_KEY from your environment)')
        : standIn(`local model server, Gemini's protocol (offline, not AI)  ${gemini?.url}`),
    ],
    ['Text model', textRow(facts.text, gemini?.openaiBaseUrl)],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const triggerRows = triggers?.delivered ? triggers.triggers : [];
  const nameWidth = Math.max(0, ...triggerRows.map((t) => t.name.length));
  const lines = [
    '',
    `Local stack ready in ${facts.seconds.toFixed(1)} s (project ${services.projectId}, everything on 127.0.0.1)`,
    ...rows.flatMap(([name, text]) => [
      `  ${name.padEnd(width)}  ${text}`,
      // The registered triggers, under their row: function -> document pattern.
      ...(name === 'Triggers'
        ? triggerRows.map((t) => `  ${''.padEnd(width)}    ${t.name.padEnd(nameWidth)}  → ${t.document}`)
        : []),
    ]),
    '',
    `Seeded: users/ (8 people) and events/ (6 upcoming). Demo user: ${DEMO_EMAIL} / ${DEMO_PASSWORD} (uid ${facts.demoUid})`,
    `Its ID token is kept fresh in ${TOKEN_FILE} while the stack runs.`,
    '',
    `Console    ${facts.consoleUrl}  (in a browser: sign in, chat, match, images; local only, never deployed)`,
    ...(firebase?.functionLoadErrors.length
      ? ['', 'Functions reported errors while loading:', ...firebase.functionLoadErrors.map((l) => `  ${l}`)]
      : []),
    '',
    'Try them:',
  ];
  for (const [name, example] of Object.entries(exampleRequests(facts.imageUrl))) {
    const url = `${firebase?.functionsBaseUrl}/${name}`;
    const parts = [`curl -sS${example.stream ? 'N' : ''}`];
    if (example.method !== 'GET') parts.push(`-X ${example.method}`);
    parts.push(`'${url}'`, `-H "Authorization: Bearer $(cat ${TOKEN_FILE})"`);
    if (example.body) parts.push(`-H 'Content-Type: application/json'`, `-d '${JSON.stringify(example.body)}'`);
    lines.push(`  # ${name}`, `  ${parts.join(' ')}`);
  }
  lines.push(
    `  # health (no sign-in: what an uptime check calls)`,
    `  curl -sS '${firebase?.functionsBaseUrl}/health'`,
  );
  lines.push(
    '',
    'The Functions emulator reloads when lib/ changes: after editing src/, run `npm run build:lib` in functions/',
    '(compiles and bundles each function in place).',
    ...(triggers?.delivered
      ? ['Firestore triggers are registered at start-up: a trigger added or moved meanwhile runs after a restart.']
      : []),
    'Ctrl-C stops everything.',
    '',
  );
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`The local stack failed to start: ${message}`);
  if (/is not open on|port taken|EADDRINUSE/i.test(message)) {
    console.error('A port is in use: is another `npm start` (or emulator) running? Ports are in firebase.json.');
  }
  process.exit(1); // the children are killed by process.ts's exit hook
});
