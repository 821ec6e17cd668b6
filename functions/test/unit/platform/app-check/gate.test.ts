// App Check through firebase-admin's REAL verifier (getAppCheck().verifyToken): signature against a
// local JWKS, audience, issuer, expiry, and the consume (replay) call, served on 127.0.0.1 through the
// admin app's httpAgent (test/support/app-check.ts). Then the rule per APP_CHECK mode.
import type { App } from 'firebase-admin/app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAppCheck } from '../../../../src/lib/platform/app-check/gate.js';
import { firebaseAppCheckVerifier, type AppCheckVerifier } from '../../../../src/lib/platform/app-check/verifier.js';
import { isHttpError } from '../../../../src/lib/platform/http/errors.js';
import type { LogFields, Logger } from '../../../../src/lib/platform/logging.js';
import { LOCAL_APP_ID, startLocalAppCheck, type LocalAppCheck } from '../../../support/app-check.js';

const PROJECT = 'demo-app-check';
let local: LocalAppCheck;
let app: App;
let verifier: AppCheckVerifier;

beforeAll(async () => {
  process.env.METADATA_SERVER_DETECTION = 'none';
  local = await startLocalAppCheck({ projectId: PROJECT });
  app = local.adminApp();
  verifier = firebaseAppCheckVerifier(() => app);
});
afterAll(async () => {
  await local?.stop();
});

function recordingLog() {
  const lines: Array<{ message: string; fields?: LogFields }> = [];
  const log: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message, fields) => void lines.push({ message, fields }),
    error: () => undefined,
    child: () => log,
  };
  return { log, lines };
}

async function rejection(promise: Promise<unknown>): Promise<{ status: number; code: string; details: unknown }> {
  const error = await promise.then(
    () => expect.fail('expected a rejection'),
    (err: unknown) => err,
  );
  if (!isHttpError(error)) throw error;
  return { status: error.status, code: error.code, details: error.details };
}

describe('firebase-admin App Check verification against a local key set', () => {
  it('accepts a token signed by the key set, for this project', async () => {
    await expect(verifier.verify(local.mint(), { consume: false })).resolves.toEqual({ appId: LOCAL_APP_ID });
  });

  it.each([
    ['signed by another key', () => local.mintWithForeignKey()],
    ['expired', () => local.mint({ expiresInSeconds: -60 })],
    ['for another project', () => local.mint({ audience: ['projects/999', 'projects/someone-else'] })],
    ['from another issuer', () => local.mint({ issuer: 'https://evil.example/123' })],
    ['not a JWT', () => 'not-a-token'],
  ])('rejects a token %s', async (_, token) => {
    await expect(verifier.verify(token(), { consume: false })).rejects.toMatchObject({
      code: expect.stringMatching(/^app-check\//),
    });
  });

  it('fetches the keys once and then verifies from the cache', async () => {
    const before = local.requests.jwks;
    for (let i = 0; i < 5; i++) await verifier.verify(local.mint(), { consume: false });
    expect(local.requests.jwks - before).toBe(0);
  });

  it('with consume, reports a second use of the same token (one API call each)', async () => {
    const token = local.mint();
    const before = local.requests.consume;
    await expect(verifier.verify(token, { consume: true })).resolves.toMatchObject({ alreadyConsumed: false });
    await expect(verifier.verify(token, { consume: true })).resolves.toMatchObject({ alreadyConsumed: true });
    expect(local.requests.consume - before).toBe(2);
  });
});

describe('checkAppCheck per APP_CHECK mode', () => {
  it('off: does not even read the header', async () => {
    const { log, lines } = recordingLog();
    const throwing: AppCheckVerifier = { verify: () => expect.fail('must not verify') };
    await expect(checkAppCheck({ mode: 'off', header: 'x', consume: false, verifier: throwing, log })).resolves.toEqual(
      { status: 'skipped' },
    );
    expect(lines).toEqual([]);
  });

  it('enforce: a valid token passes', async () => {
    const { log } = recordingLog();
    await expect(
      checkAppCheck({ mode: 'enforce', header: local.mint(), consume: false, verifier, log }),
    ).resolves.toEqual({ status: 'verified', appId: LOCAL_APP_ID });
  });

  it.each([
    ['missing', undefined],
    ['missing', '  '],
    ['missing', ['a', 'b']],
    ['invalid', 'forged'],
  ] as const)('enforce: a %s token answers 401 app_check_failed', async (reason, header) => {
    const { log } = recordingLog();
    const value = header === 'forged' ? local.mintWithForeignKey() : (header as string | string[] | undefined);
    expect(await rejection(checkAppCheck({ mode: 'enforce', header: value, consume: false, verifier, log }))).toEqual({
      status: 401,
      code: 'app_check_failed',
      details: { reason },
    });
  });

  it('enforce with consume: a replayed token answers 401 (reason replayed)', async () => {
    const { log } = recordingLog();
    const token = local.mint();
    await checkAppCheck({ mode: 'enforce', header: token, consume: true, verifier, log });
    expect(await rejection(checkAppCheck({ mode: 'enforce', header: token, consume: true, verifier, log }))).toEqual({
      status: 401,
      code: 'app_check_failed',
      details: { reason: 'replayed' },
    });
  });

  it('enforce: a verifier that cannot answer is 503 app_check_unavailable, not a client error', async () => {
    const { log } = recordingLog();
    const down: AppCheckVerifier = {
      verify: () => Promise.reject(Object.assign(new Error('ECONNRESET'), { code: 'app-check/internal-error' })),
    };
    const result = await rejection(checkAppCheck({ mode: 'enforce', header: 't', consume: true, verifier: down, log }));
    expect(result).toMatchObject({ status: 503, code: 'app_check_unavailable' });
  });

  it('monitor: an invalid or missing token passes, with one structured log line each', async () => {
    const { log, lines } = recordingLog();
    const forged = local.mintWithForeignKey();
    await expect(checkAppCheck({ mode: 'monitor', header: forged, consume: false, verifier, log })).resolves.toEqual({
      status: 'failed',
      reason: 'invalid',
    });
    await checkAppCheck({ mode: 'monitor', header: undefined, consume: false, verifier, log });
    await checkAppCheck({ mode: 'monitor', header: local.mint(), consume: false, verifier, log });
    expect(lines).toEqual([
      { message: 'app check failed', fields: { appCheck: { mode: 'monitor', reason: 'invalid', consume: false } } },
      { message: 'app check failed', fields: { appCheck: { mode: 'monitor', reason: 'missing', consume: false } } },
    ]);
    // The token never reaches the log.
    expect(JSON.stringify(lines)).not.toContain(forged.slice(0, 20));
  });
});
