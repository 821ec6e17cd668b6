// Where the official Cloud Firestore emulator is looked for, in which order, and when it cannot run.
// The file system, PATH and java are staged, so this runs the same on any machine.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEBIAN_SDK_ROOT,
  findOfficialFirestoreEmulator,
  officialEmulatorArgs,
  parseJavaMajor,
  type LookupContext,
} from '../../../dev/services/firestore-official.js';

const DEBIAN_JAR = path.join(DEBIAN_SDK_ROOT, 'platform/cloud-firestore-emulator/cloud-firestore-emulator.jar');

function context(
  overrides: Partial<LookupContext> & { files?: string[]; dirs?: Record<string, string[]> } = {},
): LookupContext {
  const files = new Set(overrides.files ?? []);
  return {
    env: overrides.env ?? {},
    exists: (file) => files.has(file),
    listDir: (dir) => {
      const entries = overrides.dirs?.[dir];
      if (!entries) throw Object.assign(new Error(`ENOENT ${dir}`), { code: 'ENOENT' });
      return entries;
    },
    gcloudPath: overrides.gcloudPath ?? (() => undefined),
    javaMajor: overrides.javaMajor ?? (() => 17),
  };
}

describe('findOfficialFirestoreEmulator', () => {
  it('prefers FIRESTORE_EMULATOR_JAR over the Debian package', () => {
    const lookup = findOfficialFirestoreEmulator(
      context({ env: { FIRESTORE_EMULATOR_JAR: '/opt/fs.jar' }, files: ['/opt/fs.jar', DEBIAN_JAR] }),
    );
    expect(lookup).toEqual({
      found: true,
      emulator: { jar: '/opt/fs.jar', source: 'FIRESTORE_EMULATOR_JAR', java: 'java', javaMajor: 17 },
    });
  });

  it('is hidden by FIRESTORE_EMULATOR_JAR=none even where the package is installed', () => {
    const lookup = findOfficialFirestoreEmulator(
      context({ env: { FIRESTORE_EMULATOR_JAR: 'none' }, files: [DEBIAN_JAR] }),
    );
    expect(lookup).toEqual({ found: false, reason: 'hidden by FIRESTORE_EMULATOR_JAR=none' });
  });

  it('reports a FIRESTORE_EMULATOR_JAR that does not exist instead of silently looking elsewhere', () => {
    const lookup = findOfficialFirestoreEmulator(
      context({ env: { FIRESTORE_EMULATOR_JAR: '/nope.jar' }, files: [DEBIAN_JAR] }),
    );
    expect(lookup).toEqual({ found: false, reason: 'FIRESTORE_EMULATOR_JAR=/nope.jar does not exist' });
  });

  it('finds the Debian package, then a gcloud SDK root (CLOUDSDK_ROOT_DIR, then gcloud on PATH)', () => {
    expect(findOfficialFirestoreEmulator(context({ files: [DEBIAN_JAR] }))).toMatchObject({
      found: true,
      emulator: { jar: DEBIAN_JAR, source: 'debian-package' },
    });
    const sdkJar = '/home/me/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar';
    expect(
      findOfficialFirestoreEmulator(
        context({
          env: { CLOUDSDK_ROOT_DIR: '/home/me/google-cloud-sdk' },
          files: [sdkJar],
        }),
      ),
    ).toMatchObject({ found: true, emulator: { jar: sdkJar, source: 'gcloud-sdk' } });
    expect(
      findOfficialFirestoreEmulator(
        context({
          gcloudPath: () => '/home/me/google-cloud-sdk/bin/gcloud',
          files: [sdkJar],
        }),
      ),
    ).toMatchObject({ found: true, emulator: { jar: sdkJar, source: 'gcloud-sdk' } });
  });

  it('takes the newest firebase-tools cached jar, which needs Java 21', () => {
    const dirs = {
      '/cache': ['cloud-firestore-emulator-v1.19.9.jar', 'cloud-firestore-emulator-v1.20.2.jar', 'other.jar'],
    };
    const env = { FIREBASE_EMULATORS_PATH: '/cache' };
    expect(findOfficialFirestoreEmulator(context({ env, dirs, javaMajor: () => 21 }))).toMatchObject({
      found: true,
      emulator: { jar: '/cache/cloud-firestore-emulator-v1.20.2.jar', source: 'firebase-tools-cache' },
    });
    expect(findOfficialFirestoreEmulator(context({ env, dirs, javaMajor: () => 17 }))).toEqual({
      found: false,
      reason: '/cache/cloud-firestore-emulator-v1.20.2.jar needs Java 21+, java is Java 17',
    });
  });

  it('needs a Java runtime, honouring JAVA like the SDK launcher', () => {
    const noJava = findOfficialFirestoreEmulator(context({ files: [DEBIAN_JAR], javaMajor: () => 0 }));
    expect(noJava).toEqual({ found: false, reason: `${DEBIAN_JAR} found, but no Java runtime (java) to run it` });
    const seen: string[] = [];
    const custom = findOfficialFirestoreEmulator(
      context({
        env: { JAVA: '/opt/jdk/bin/java' },
        files: [DEBIAN_JAR],
        javaMajor: (java) => (seen.push(java), 11),
      }),
    );
    expect(seen).toEqual(['/opt/jdk/bin/java']);
    expect(custom).toMatchObject({ found: true, emulator: { java: '/opt/jdk/bin/java', javaMajor: 11 } });
  });

  it('says where it looked when nothing is installed', () => {
    const lookup = findOfficialFirestoreEmulator(
      context({ env: { FIREBASE_EMULATORS_PATH: '/empty' }, dirs: { '/empty': [] } }),
    );
    expect(lookup.found).toBe(false);
    expect(!lookup.found && lookup.reason).toMatch(
      /^not installed \(looked at FIRESTORE_EMULATOR_JAR, .*firebase-tools cache\)$/,
    );
  });
});

describe('officialEmulatorArgs', () => {
  it('runs the main class directly on loopback with the given ports, rules and project', () => {
    expect(
      officialEmulatorArgs('/x.jar', {
        port: 8080,
        websocketPort: 9150,
        rules: '/r/firestore.rules',
        projectId: 'demo-p',
      }),
    ).toEqual([
      '-Duser.language=en',
      '-cp',
      '/x.jar',
      'com.google.cloud.datastore.emulator.firestore.CloudFirestore',
      'start',
      '--host=127.0.0.1',
      '--port=8080',
      '--websocket_port=9150',
      '--rules=/r/firestore.rules',
      '--project_id=demo-p',
    ]);
    expect(
      officialEmulatorArgs('/x.jar', { port: 1, websocketPort: 2, functionsEmulator: '127.0.0.1:5001' }).at(-1),
    ).toBe('--functions_emulator=127.0.0.1:5001');
  });
});

describe('parseJavaMajor', () => {
  it('reads modern and 1.x version strings, 0 for anything else', () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment')).toBe(17);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaMajor('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaMajor('bash: java: command not found')).toBe(0);
  });
});
