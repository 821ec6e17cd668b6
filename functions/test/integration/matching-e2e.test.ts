// The demo path end to end: the local stack's seed data (dev/seed.ts) in the Firestore emulator, the
// demo user signed in through the Auth emulator, and matchUsers / matchEvents / suggestions called
// through the REAL Functions emulator (built lib/), which talks to the shared Gemini-protocol server.
import { getAuth } from 'firebase-admin/auth';
import { getFirestore } from 'firebase-admin/firestore';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EMAIL, DEMO_PASSWORD, seedDemoData, seedDemoUser } from '../../dev/seed.js';
import { getAdminApp } from '../../src/lib/platform/firebase.js';
import { applyServiceEnv, clearFirestore, functionUrl, getServices } from '../support/services.js';

async function signInDemo(): Promise<string> {
  const response = await fetch(
    `http://${getServices().authHost}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=any`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO_EMAIL, password: DEMO_PASSWORD, returnSecureToken: true }),
      signal: AbortSignal.timeout(15_000),
    },
  );
  const body = (await response.json()) as { idToken?: string };
  if (!body.idToken) throw new Error(`demo sign-in failed: HTTP ${response.status}`);
  return body.idToken;
}

async function callFunction(name: string, idToken: string, body?: unknown) {
  const res = await fetch(functionUrl(name), {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${idToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  // Quarantined `any`: the bodies are asserted field by field.
  return { status: res.status, headers: res.headers, json: (await res.json()) as any };
}

describe('matching through the Functions emulator with the demo seed', () => {
  let demoUid: string;
  let idToken: string;

  beforeAll(async () => {
    applyServiceEnv();
    await clearFirestore();
    const db = getFirestore(getAdminApp());
    await seedDemoData(db);
    demoUid = await seedDemoUser(getAuth(getAdminApp()), db);
    idToken = await signInDemo();
  });

  it('matchUsers returns sensible people for the demo user', async () => {
    const res = await callFunction('matchUsers', idToken, {});
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const ids = res.json.matches.map((m: { userId: string }) => m.userId);
    // Maya shares hiking, photography, coffee and friendship, 13 km away: the best match.
    expect(ids[0]).toBe('seed-maya');
    expect(ids).toContain('seed-leo');
    expect(ids).not.toContain('seed-tom'); // not discoverable
    expect(ids).not.toContain(demoUid);
    for (const match of res.json.matches) {
      expect(match.explanation.length).toBeGreaterThan(0);
      expect(['model', 'template']).toContain(match.explanationSource);
    }
    expect(res.json.matches[0].explanationSource).toBe('model');
    // The read count stays in the log: as a header it would reveal hidden profiles (docs/security.md).
    expect(res.headers.get('x-documents-read')).toBeNull();
  });

  it('matchEvents ranks the seeded upcoming events', async () => {
    const res = await callFunction('matchEvents', idToken, {});
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const ids = res.json.matches.map((m: { eventId: string }) => m.eventId);
    expect(ids).toContain('seed-sunrise-hike');
    expect(ids).not.toContain('seed-jazz-dinner'); // nothing in common, 560 km away
  });

  it('suggestions returns both lists for the caller', async () => {
    const res = await callFunction(`suggestions/${demoUid}`, idToken);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.users.length).toBeGreaterThan(0);
    expect(res.json.events.length).toBeGreaterThan(0);
  });
});
