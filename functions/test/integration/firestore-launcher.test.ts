// The Firestore launcher (dev/services/firestore.ts): the official emulator starts on loopback with the
// project's rules enforced and stops without leaving its JVM behind; hidden, the Node stand-in takes
// over and says so.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { findOfficialFirestoreEmulator } from '../../dev/services/firestore-official.js';
import { startFirestore, type FirestoreEmulator } from '../../dev/services/firestore.js';

const PROJECT = 'demo-launcher-test';
const official = findOfficialFirestoreEmulator();
let running: FirestoreEmulator | undefined;

afterEach(async () => {
  await running?.stop();
  running = undefined;
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function portAccepts(host: string): Promise<boolean> {
  const [address, port] = host.split(':');
  return new Promise((resolve) => {
    const socket = connect({ host: address, port: Number(port) });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

const documentUrl = (emulator: FirestoreEmulator, path: string) =>
  `http://${emulator.host}/v1/projects/${PROJECT}/databases/(default)/documents/${path}`;

describe.skipIf(!official.found)('official Cloud Firestore emulator', () => {
  it('enforces firestore.rules on client requests while the admin credential bypasses them', async () => {
    running = await startFirestore({ prefer: 'official', projectId: PROJECT });
    expect(running.kind).toBe('official');
    expect(running.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(running.summary).toMatch(
      /^official Cloud Firestore emulator on 127\.0\.0\.1:\d+ \(.*rules: firestore\.rules\)$/,
    );

    // "Bearer owner" is what firebase-admin sends to an emulator: rules do not apply.
    const created = await fetch(documentUrl(running, 'users/alice'), {
      method: 'PATCH',
      headers: { authorization: 'Bearer owner', 'content-type': 'application/json' },
      body: JSON.stringify({ fields: { displayName: { stringValue: 'Alice' } } }),
    });
    expect(created.status).toBe(200);
    // Signed out, the project's rules deny reading a profile.
    const anonymous = await fetch(documentUrl(running, 'users/alice'));
    expect(anonymous.status).toBe(403);
  });

  it('stops its JVM: no process and no listening port are left', async () => {
    const emulator = await startFirestore({ prefer: 'official', projectId: PROJECT });
    const pid = emulator.pid as number;
    expect(isAlive(pid)).toBe(true);
    expect(await portAccepts(emulator.host)).toBe(true);
    await emulator.stop();
    expect(isAlive(pid)).toBe(false);
    expect(await portAccepts(emulator.host)).toBe(false);
  });
});

describe('fallback', () => {
  const withJar = async <T>(value: string, run: () => Promise<T>): Promise<T> => {
    const saved = process.env.FIRESTORE_EMULATOR_JAR;
    process.env.FIRESTORE_EMULATOR_JAR = value;
    try {
      return await run();
    } finally {
      if (saved === undefined) delete process.env.FIRESTORE_EMULATOR_JAR;
      else process.env.FIRESTORE_EMULATOR_JAR = saved;
    }
  };

  it('runs the Node stand-in when FIRESTORE_EMULATOR_JAR=none hides the official emulator, and says so', async () => {
    running = await withJar('none', () => startFirestore({ projectId: PROJECT }));
    expect(running.kind).toBe('node');
    expect(running.summary).toMatch(
      /^Node Firestore stand-in \(@firestore-emulator\/server\) on 127\.0\.0\.1:\d+, NO security rules \(official emulator hidden by FIRESTORE_EMULATOR_JAR=none\)$/,
    );
  });

  it('refuses to pretend: prefer "official" without one is an error naming why', async () => {
    await expect(withJar('none', () => startFirestore({ prefer: 'official' }))).rejects.toThrow(
      'official Cloud Firestore emulator unavailable: hidden by FIRESTORE_EMULATOR_JAR=none',
    );
  });
});
