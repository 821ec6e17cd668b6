/**
 * Where the OFFICIAL Cloud Firestore emulator is on this machine, and how to run it without its
 * launcher. Looked for in this order:
 *
 *   1. FIRESTORE_EMULATOR_JAR   a path to cloud-firestore-emulator*.jar; "none" hides the official
 *                               emulator (to run the Node fallback on purpose)
 *   2. the Debian/Ubuntu package google-cloud-cli-firestore-emulator
 *                               (/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/)
 *   3. a Google Cloud SDK root: CLOUDSDK_ROOT_DIR, else the SDK that `gcloud` on PATH belongs to
 *                               (`gcloud components install cloud-firestore-emulator`)
 *   4. firebase-tools' download cache (~/.cache/firebase/emulators, FIREBASE_EMULATORS_PATH)
 *
 * Why not the launchers: the SDK's `cloud_firestore_emulator` script runs java without `exec`, so
 * stopping the script leaves the JVM running, and `firebase emulators:start` refuses Java < 21 and
 * downloads its own jar. We run `java -cp <jar> <main class> start ...` ourselves, one process to stop.
 * The SDK's jar is built for Java 11; firebase-tools' recent jars need Java 21.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commandOnPath } from './process.js';

export const OFFICIAL_MAIN_CLASS = 'com.google.cloud.datastore.emulator.firestore.CloudFirestore';
export const DEBIAN_SDK_ROOT = '/usr/lib/google-cloud-sdk';
const JAR_IN_SDK = path.join('platform', 'cloud-firestore-emulator', 'cloud-firestore-emulator.jar');

export type OfficialEmulatorSource =
  'FIRESTORE_EMULATOR_JAR' | 'debian-package' | 'gcloud-sdk' | 'firebase-tools-cache';

export interface OfficialEmulator {
  jar: string;
  source: OfficialEmulatorSource;
  /** The `java` executable that will run it. */
  java: string;
  javaMajor: number;
}

export type OfficialEmulatorLookup = { found: true; emulator: OfficialEmulator } | { found: false; reason: string };

/** The environment and file system the lookup reads; parameters so unit tests can stage them. */
export interface LookupContext {
  env: NodeJS.ProcessEnv;
  exists(file: string): boolean;
  listDir(dir: string): string[];
  /** The real path of `gcloud` on PATH, if any. */
  gcloudPath(): string | undefined;
  /** Major version of the given java executable, 0 when it does not run. */
  javaMajor(java: string): number;
}

interface Candidate {
  jar: string;
  source: OfficialEmulatorSource;
  minJava: number;
}

export function findOfficialFirestoreEmulator(context: LookupContext = systemContext()): OfficialEmulatorLookup {
  const candidate = findJar(context);
  if ('reason' in candidate) return { found: false, reason: candidate.reason };
  const java = context.env.JAVA || 'java';
  const javaMajor = context.javaMajor(java);
  if (javaMajor === 0)
    return { found: false, reason: `${candidate.jar} found, but no Java runtime (${java}) to run it` };
  if (javaMajor < candidate.minJava) {
    return { found: false, reason: `${candidate.jar} needs Java ${candidate.minJava}+, ${java} is Java ${javaMajor}` };
  }
  return { found: true, emulator: { jar: candidate.jar, source: candidate.source, java, javaMajor } };
}

function findJar(context: LookupContext): Candidate | { reason: string } {
  const explicit = context.env.FIRESTORE_EMULATOR_JAR?.trim();
  if (explicit && explicit.toLowerCase() === 'none') return { reason: 'hidden by FIRESTORE_EMULATOR_JAR=none' };
  if (explicit) {
    if (!context.exists(explicit)) return { reason: `FIRESTORE_EMULATOR_JAR=${explicit} does not exist` };
    return { jar: explicit, source: 'FIRESTORE_EMULATOR_JAR', minJava: 11 };
  }
  const debianJar = path.join(DEBIAN_SDK_ROOT, JAR_IN_SDK);
  if (context.exists(debianJar)) return { jar: debianJar, source: 'debian-package', minJava: 11 };

  for (const root of sdkRoots(context)) {
    const jar = path.join(root, JAR_IN_SDK);
    if (context.exists(jar)) return { jar, source: 'gcloud-sdk', minJava: 11 };
  }

  const cacheDir = context.env.FIREBASE_EMULATORS_PATH ?? path.join(os.homedir(), '.cache', 'firebase', 'emulators');
  const cached = newestCachedJar(context, cacheDir);
  if (cached) return { jar: cached, source: 'firebase-tools-cache', minJava: 21 };

  return {
    reason:
      'not installed (looked at FIRESTORE_EMULATOR_JAR, the google-cloud-cli-firestore-emulator package, ' +
      'the gcloud SDK and the firebase-tools cache)',
  };
}

function sdkRoots(context: LookupContext): string[] {
  const roots: string[] = [];
  if (context.env.CLOUDSDK_ROOT_DIR) roots.push(context.env.CLOUDSDK_ROOT_DIR);
  // <sdk>/bin/gcloud -> <sdk>
  const gcloud = context.gcloudPath();
  if (gcloud) roots.push(path.dirname(path.dirname(gcloud)));
  return roots;
}

function newestCachedJar(context: LookupContext, dir: string): string | undefined {
  let names: string[];
  try {
    names = context.listDir(dir).filter((name) => /^cloud-firestore-emulator-v[\d.]+\.jar$/.test(name));
  } catch {
    return undefined;
  }
  const newest = names.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1);
  return newest === undefined ? undefined : path.join(dir, newest);
}

/** The command line that starts the emulator on loopback (what the SDK launcher would run). */
export function officialEmulatorArgs(
  jar: string,
  options: { port: number; websocketPort: number; rules?: string; projectId?: string; functionsEmulator?: string },
): string[] {
  const args = [
    '-Duser.language=en',
    '-cp',
    jar,
    OFFICIAL_MAIN_CLASS,
    'start',
    '--host=127.0.0.1',
    `--port=${options.port}`,
    `--websocket_port=${options.websocketPort}`,
  ];
  if (options.rules) args.push(`--rules=${options.rules}`);
  if (options.projectId) args.push(`--project_id=${options.projectId}`);
  if (options.functionsEmulator) args.push(`--functions_emulator=${options.functionsEmulator}`);
  return args;
}

export function parseJavaMajor(versionOutput: string): number {
  // e.g. `openjdk version "17.0.15" 2025-04-15` or `java version "1.8.0_392"` (printed on stderr).
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return 0;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2] ?? 0) : major;
}

function systemContext(): LookupContext {
  return {
    env: process.env,
    exists: existsSync,
    listDir: (dir) => readdirSync(dir),
    gcloudPath: () => {
      if (!commandOnPath('gcloud')) return undefined;
      const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
      for (const dir of dirs) {
        const candidate = path.join(dir, 'gcloud');
        if (existsSync(candidate)) return realpathSync(candidate);
      }
      return undefined;
    },
    javaMajor: (java) => {
      const result = spawnSync(java, ['-version'], { encoding: 'utf8', timeout: 10_000 });
      return parseJavaMajor(`${result.stderr ?? ''}${result.stdout ?? ''}`);
    },
  };
}
