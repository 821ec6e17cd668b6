// Deploy discovery, offline: the firebase-functions SDK loads the built lib/ exactly as
// `firebase deploy` does and writes the manifest deploy would send. Run with no configuration in
// the environment (like the CLI's discovery process): loading must not depend on secrets or params.
// Then one function per instance: with FUNCTION_TARGET=<name> (what Cloud Run functions and the
// Functions emulator's workers set), lib/index.js defines that function alone, with the options
// deploy saw, and loads no other function's code.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYED_FUNCTIONS, FUNCTION_MODULES, type DeployedFunctionName } from '../../src/function-modules.js';
import { LIB_DIR, loadedCode } from '../support/loaded-code.js';
import { getServices } from '../support/services.js';

const FUNCTIONS_DIR = path.resolve(__dirname, '..', '..');
const SDK_BIN = path.join(FUNCTIONS_DIR, 'node_modules', '.bin', 'firebase-functions');
const EXPECTED_FUNCTIONS = [
  'chatMessage',
  'chatStream',
  'matchUsers',
  'matchEvents',
  'suggestions',
  'generateImage',
  'editImage',
];
/** A user's own data (docs/data.md): no Gemini, but Upstash (rate limits) and S3 (their images). */
const DATA_FUNCTIONS = ['deleteConversation', 'deleteImage', 'exportData', 'deleteAccount'];
const DATA_SECRETS = ['S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'UPSTASH_REDIS_REST_TOKEN', 'UPSTASH_REDIS_REST_URL'];
/** Matching's Firestore triggers : the document each one watches. */
const TRIGGER_DOCUMENTS: Record<string, string> = {
  matchProfileSync: 'users/{uid}',
  matchEventSync: 'events/{eventId}',
  matchAttendanceSync: 'eventAttendees/{eventId}',
};
const EXPECTED_TRIGGERS = Object.keys(TRIGGER_DOCUMENTS);
/** Every function rate-limits through Upstash and calls Gemini (chat, explanations, images). */
const BASELINE_SECRETS = ['GEMINI_API_KEY', 'UPSTASH_REDIS_REST_TOKEN', 'UPSTASH_REDIS_REST_URL'];

interface ManifestEndpoint {
  platform?: string;
  region?: string[];
  entryPoint?: string;
  httpsTrigger?: { invoker?: string[] };
  eventTrigger?: {
    eventType?: string;
    eventFilters?: Record<string, string>;
    eventFilterPathPatterns?: Record<string, string>;
    retry?: boolean;
  };
  secretEnvironmentVariables?: { key: string }[];
  availableMemoryMb?: number;
  timeoutSeconds?: number;
}
interface Manifest {
  specVersion?: string;
  endpoints: Record<string, ManifestEndpoint>;
  params?: { name: string; type?: string }[];
}

function runDiscovery(outputPath: string, target?: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(SDK_BIN, ['.'], {
      cwd: FUNCTIONS_DIR,
      // Only what firebase-tools gives its discovery process, plus the project: no secrets, no params.
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        FUNCTIONS_MANIFEST_OUTPUT_PATH: outputPath,
        GCLOUD_PROJECT: getServices().projectId,
        ...(target ? { FUNCTION_TARGET: target } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

const workDir = mkdtempSync(path.join(os.tmpdir(), 'discovery-test-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** The manifest discovery writes: every function, or with a target what that function's instance defines. */
async function discover(target?: string): Promise<Manifest> {
  const manifestPath = path.join(workDir, `manifest-${target ?? 'all'}.json`);
  const { code, output } = await runDiscovery(manifestPath, target);
  expect(code, output).toBe(0);
  return JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
}

describe('deploy discovery manifest', () => {
  let manifest: Manifest;

  beforeAll(async () => {
    manifest = await discover();
  }, 60_000);

  it("holds exactly the HTTPS functions, matching's three triggers and the Auth trigger", () => {
    expect(Object.keys(manifest.endpoints).sort()).toEqual(
      [...EXPECTED_FUNCTIONS, ...DATA_FUNCTIONS, ...EXPECTED_TRIGGERS, 'eraseDeletedAccount', 'health'].sort(),
    );
  });

  it('eraseDeletedAccount is a 2nd-gen Auth user-deleted trigger, retried, with the erasure secrets', () => {
    const endpoint = manifest.endpoints.eraseDeletedAccount as ManifestEndpoint;
    expect(endpoint.platform).toBe('gcfv2');
    expect(endpoint.region).toEqual(['us-central1']);
    expect(endpoint.httpsTrigger).toBeUndefined();
    expect(endpoint.eventTrigger?.eventType).toBe('google.firebase.auth.user.v2.deleted');
    expect(endpoint.eventTrigger?.retry).toBe(true);
    expect((endpoint.secretEnvironmentVariables ?? []).map((secret) => secret.key).sort()).toEqual(DATA_SECRETS);
  });

  it('health is a small public HTTPS function binding what it probes (Upstash, S3, the model keys)', () => {
    const endpoint = manifest.endpoints.health;
    expect(endpoint.httpsTrigger).toEqual({ invoker: ['public'] });
    expect(endpoint.availableMemoryMb).toBe(256);
    expect((endpoint.secretEnvironmentVariables ?? []).map((secret) => secret.key).sort()).toEqual(
      ['GEMINI_API_KEY', 'OPENAI_API_KEY', ...DATA_SECRETS].sort(),
    );
  });

  it.each(DATA_FUNCTIONS)('%s is a public 2nd-gen HTTPS function binding Upstash and S3, not Gemini', (name) => {
    const endpoint = manifest.endpoints[name] as ManifestEndpoint;
    expect(endpoint.platform).toBe('gcfv2');
    expect(endpoint.httpsTrigger).toEqual({ invoker: ['public'] });
    expect((endpoint.secretEnvironmentVariables ?? []).map((secret) => secret.key).sort()).toEqual(DATA_SECRETS);
  });

  it('holds exactly the functions of src/function-modules.ts, in its order', () => {
    expect(Object.keys(manifest.endpoints)).toEqual(DEPLOYED_FUNCTIONS);
  });

  // What deploy sends for each function. A change here changes production: review the diff, then
  // accept it with `npx vitest run --project integration test/integration/discovery.test.ts -u`.
  it('is the reviewed deploy configuration (__snapshots__/deploy-endpoints.json)', async () => {
    await expect(`${JSON.stringify(manifest.endpoints, null, 2)}\n`).toMatchFileSnapshot(
      '__snapshots__/deploy-endpoints.json',
    );
  });

  it.each(EXPECTED_TRIGGERS)(
    '%s is a 2nd-gen Firestore onDocumentWritten trigger, retried, with no secrets',
    (name) => {
      const endpoint = manifest.endpoints[name] as ManifestEndpoint;
      expect(endpoint.platform).toBe('gcfv2');
      expect(endpoint.region).toEqual(['us-central1']);
      expect(endpoint.httpsTrigger).toBeUndefined();
      expect(endpoint.eventTrigger?.eventType).toBe('google.cloud.firestore.document.v1.written');
      expect(endpoint.eventTrigger?.eventFilters).toMatchObject({ database: '(default)', namespace: '(default)' });
      expect(endpoint.eventTrigger?.eventFilterPathPatterns).toEqual({ document: TRIGGER_DOCUMENTS[name] });
      expect(endpoint.eventTrigger?.retry).toBe(true);
      expect(endpoint.secretEnvironmentVariables ?? []).toEqual([]);
    },
  );

  it.each(EXPECTED_FUNCTIONS)('%s is a public 2nd-gen HTTPS function in us-central1', (name) => {
    const endpoint = manifest.endpoints[name] as ManifestEndpoint;
    expect(endpoint.platform).toBe('gcfv2');
    expect(endpoint.entryPoint).toBe(name);
    expect(endpoint.region).toEqual(['us-central1']);
    // Public at the HTTP level on purpose: callers authenticate with Firebase ID tokens inside.
    expect(endpoint.httpsTrigger).toEqual({ invoker: ['public'] });
    expect(endpoint.timeoutSeconds).toBeGreaterThan(0);
  });

  it.each(EXPECTED_FUNCTIONS)('%s binds its secrets, each declared as a secret param', (name) => {
    const keys = (manifest.endpoints[name]?.secretEnvironmentVariables ?? []).map((secret) => secret.key);
    expect(keys).toEqual(expect.arrayContaining(BASELINE_SECRETS));
    expect(new Set(keys).size).toBe(keys.length);
    const secretParams = new Set((manifest.params ?? []).filter((p) => p.type === 'secret').map((p) => p.name));
    for (const key of keys) expect(secretParams, `${key} is not declared with defineSecret`).toContain(key);
  });
});

// ---------------------------------------------------------------- one function per instance

const LIB_INDEX = path.join(FUNCTIONS_DIR, 'lib', 'index.js');
/** Prints what lib/index.js exports and every module it loaded, under the FUNCTION_TARGET of the environment. */
const LOAD_PROBE = `const exported = require(process.argv[1]);
process.stdout.write(JSON.stringify({ exports: Object.keys(exported), files: Object.keys(require.cache) }));`;

interface LoadedCode {
  exports: string[];
  /** The files Node loaded (require.cache). */
  files: string[];
  /** The same, each bundle expanded into what it holds (test/support/loaded-code.ts). */
  code: string[];
}

/** Runs `probe` (a script given lib/index.js's path) in a fresh Node, as the instance of `target`; its JSON output. */
function runProbe<T>(probe: string, target: string | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', probe, LIB_INDEX], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...(target ? { FUNCTION_TARGET: target } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as T) : reject(new Error(err))));
  });
}

async function loadAsInstance(target: string): Promise<LoadedCode> {
  const loaded = await runProbe<{ exports: string[]; files: string[] }>(LOAD_PROBE, target);
  return { exports: loaded.exports, files: loaded.files, code: loadedCode(loaded.files) };
}

/** Runs `work` for every item, two at a time (the machine's cores are shared). */
async function eachTwoAtATime<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

const builtFile = (file: string): RegExp => new RegExp(`/lib/${file.replace(/^\.\//, '')}$`);
const IMAGE_CODE =
  /\/lib\/lib\/(features\/images|platform\/image-pipeline)\/|\/node_modules\/(@aws-sdk|@smithy|image-size)\//;
const CHAT_CODE = /\/lib\/lib\/(features\/chat|assistant-tools)\//;
/** What only generating or editing an image needs: decoding, probing, the job. */
const IMAGE_PIPELINE_CODE =
  /\/lib\/lib\/features\/images\/(job|requests|input-normalize)\.js$|\/node_modules\/(sharp|image-size)\//;
/** The model clients and what runs a chat turn or a match. */
const MODEL_AND_TURN_CODE =
  /\/lib\/lib\/(platform\/(gemini|openai)\/(clients|streaming-client|unary-client|client)\.js$|features\/chat\/turn\.js$|features\/matching\/service\.js$|assistant-tools\/)/;
/** The functions of a user's own data (export, deletion): they run no model and no image pipeline. */
const USER_DATA_FUNCTIONS: readonly DeployedFunctionName[] = [
  'deleteConversation',
  'deleteImage',
  'exportData',
  'deleteAccount',
  'eraseDeletedAccount',
];
const CHAT_AND_MATCHING: readonly DeployedFunctionName[] = [
  'chatMessage',
  'chatStream',
  'matchUsers',
  'matchEvents',
  'suggestions',
];
const MATCHING: readonly DeployedFunctionName[] = [
  'matchUsers',
  'matchEvents',
  'suggestions',
  'matchProfileSync',
  'matchEventSync',
  'matchAttendanceSync',
];

describe('one function per instance (FUNCTION_TARGET=<name>)', () => {
  let all: Manifest;
  const alone = new Map<DeployedFunctionName, { manifest: Manifest; loaded: LoadedCode }>();

  beforeAll(async () => {
    all = await discover();
    const results = await eachTwoAtATime(DEPLOYED_FUNCTIONS, async (name) => ({
      manifest: await discover(name),
      loaded: await loadAsInstance(name),
    }));
    DEPLOYED_FUNCTIONS.forEach((name, i) => alone.set(name, results[i]));
  }, 240_000);

  it.each(DEPLOYED_FUNCTIONS)('%s: its instance defines it alone, with the options deploy saw', (name) => {
    const { manifest, loaded } = alone.get(name)!;
    expect(loaded.exports).toEqual([name]);
    expect(manifest.endpoints).toEqual({ [name]: all.endpoints[name] });
  });

  it.each(DEPLOYED_FUNCTIONS)("%s: its instance loads its own module and no other function's", (name) => {
    const handlers = alone.get(name)!.loaded.code.filter((file) => /\/lib\/handlers\//.test(file));
    expect(handlers).toEqual([expect.stringMatching(builtFile(FUNCTION_MODULES[name]))]);
  });

  it.each(CHAT_AND_MATCHING)('%s loads no S3 and no image code', (name) => {
    expect(alone.get(name)!.loaded.code.filter((file) => IMAGE_CODE.test(file))).toEqual([]);
  });

  it.each(MATCHING)('%s loads no chat code', (name) => {
    expect(alone.get(name)!.loaded.code.filter((file) => CHAT_CODE.test(file))).toEqual([]);
  });

  it.each(USER_DATA_FUNCTIONS)(
    '%s loads no image pipeline, no model client, no chat turn and no match service',
    (name) => {
      const code = alone.get(name)!.loaded.code;
      expect(code.filter((file) => IMAGE_PIPELINE_CODE.test(file) || MODEL_AND_TURN_CODE.test(file))).toEqual([]);
    },
  );

  it('the image functions do load the image pipeline (the checks above can see it)', () => {
    expect(alone.get('generateImage')!.loaded.code.some((file) => IMAGE_CODE.test(file))).toBe(true);
    expect(alone.get('chatStream')!.loaded.code.some((file) => CHAT_CODE.test(file))).toBe(true);
    expect(alone.get('generateImage')!.loaded.code.filter((file) => IMAGE_PIPELINE_CODE.test(file))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\/node_modules\/image-size\//),
        expect.stringMatching(/job\.js$/),
      ]),
    );
    for (const name of ['chatStream', 'matchUsers'] as const) {
      expect(alone.get(name)!.loaded.code.some((file) => MODEL_AND_TURN_CODE.test(file))).toBe(true);
    }
  });

  it.each(DEPLOYED_FUNCTIONS)(
    '%s: the S3 SDK, sharp and the Upstash clients are not loaded at start, only required on first use',
    (name) => {
      const { files } = alone.get(name)!.loaded;
      const onFirstUse = /\/node_modules\/(@aws-sdk\/client-s3|sharp|@upstash\/redis|@upstash\/ratelimit)\//;
      expect(files.filter((file) => onFirstUse.test(file))).toEqual([]);
    },
  );

  it('the functions that need these packages can load them (so the check above can see a load)', () => {
    const bundles = JSON.parse(readFileSync(path.join(LIB_DIR, 'bundles.json'), 'utf8')) as Record<
      string,
      { requires: string[] }
    >;
    const requires = (name: DeployedFunctionName) => bundles[FUNCTION_MODULES[name]].requires;
    for (const name of ['generateImage', 'editImage'] as const) {
      expect(requires(name)).toEqual(expect.arrayContaining(['@aws-sdk/client-s3', 'sharp']));
    }
    for (const name of ['deleteImage', 'deleteAccount', 'health'] as const) {
      expect(requires(name)).toContain('@aws-sdk/client-s3');
    }
    // The rate-limited functions count in Redis; the Firestore triggers use none.
    for (const name of ['chatStream', 'matchUsers', 'generateImage', 'deleteAccount'] as const) {
      expect(requires(name)).toEqual(expect.arrayContaining(['@upstash/redis', '@upstash/ratelimit']));
    }
  });

  it.each(DEPLOYED_FUNCTIONS)('%s: its code and zod come in one bundle, not file by file', (name) => {
    const { files, code } = alone.get(name)!.loaded;
    expect(files.filter((file) => /\/lib\/lib\/|\/node_modules\/zod\//.test(file))).toEqual([]);
    expect(code.some((file) => /\/lib\/lib\/platform\/firebase\.js$/.test(file))).toBe(true);
  });
});

/** Whether google-gax (the Firestore transport) is loaded when lib/index.js returns, and once the instance's first tasks ran. */
const TRANSPORT_PROBE = `const gax = () => Object.keys(require.cache).some((file) => file.includes('/node_modules/google-gax/'));
require(process.argv[1]);
const atLoad = gax();
setImmediate(() => process.stdout.write(JSON.stringify({ atLoad, after: gax() })));`;

function transportLoads(target?: string): Promise<{ atLoad: boolean; after: boolean }> {
  return runProbe(TRANSPORT_PROBE, target);
}

describe('the Firestore transport, loaded by an instance right after its module load', () => {
  it('an HTTPS function instance loads it once its module load is done, not during it', async () => {
    expect(await transportLoads('chatStream')).toEqual({ atLoad: false, after: true });
  });

  it('deploy discovery (no FUNCTION_TARGET) never loads it', async () => {
    expect(await transportLoads()).toEqual({ atLoad: false, after: false });
  });
});
