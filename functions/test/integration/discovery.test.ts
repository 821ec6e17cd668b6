// Deploy discovery, offline: the firebase-functions SDK loads the built lib/ exactly as
// `firebase deploy` does and writes the manifest deploy would send. Run with no configuration in
// the environment (like the CLI's discovery process): loading must not depend on secrets or params.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

function runDiscovery(outputPath: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(SDK_BIN, ['.'], {
      cwd: FUNCTIONS_DIR,
      // Only what firebase-tools gives its discovery process, plus the project: no secrets, no params.
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        FUNCTIONS_MANIFEST_OUTPUT_PATH: outputPath,
        GCLOUD_PROJECT: getServices().projectId,
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

describe('deploy discovery manifest', () => {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'discovery-test-'));
  const manifestPath = path.join(workDir, 'manifest.json');
  let manifest: Manifest;

  beforeAll(async () => {
    const { code, output } = await runDiscovery(manifestPath);
    expect(code, output).toBe(0);
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  }, 60_000);
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

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
