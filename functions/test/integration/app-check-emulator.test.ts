// App Check through a Functions emulator of its own started with APP_CHECK=enforce (the shared one
// runs with the local default, off): the deployed code refuses a request without a valid
// X-Firebase-AppCheck token with 401 app_check_failed, before any upstream work, on every AI endpoint.
// Valid tokens cannot be made here (they need Google's key set); the verification path with a token
// that does verify is tested in-process against a local key set (test/unit/platform/app-check/, and
// with the SDK's own tokens in callable-sdk.test.ts). The official SDK without App Check is refused the
// same way, by callable.
import { httpsCallableFromURL } from 'firebase/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFirebaseEmulators, type FirebaseEmulators } from '../../dev/services/firebase-emulators.js';
import { MANAGED_ENV_KEYS, SECRET_ENV_KEYS } from '../../dev/services/index.js';
import { functionsError, readCallableStream, sdkApp, type SdkApp } from '../support/firebase-sdk.js';
import { getServices, signUp, type SignedUpUser } from '../support/services.js';

let emulators: FirebaseEmulators;
let user: SignedUpUser;
let app: SdkApp;

beforeAll(async () => {
  const services = getServices();
  emulators = await startFirebaseEmulators({
    only: ['functions'],
    projectId: services.projectId,
    env: { ...services.functionsEnv, FIREBASE_AUTH_EMULATOR_HOST: services.authHost, APP_CHECK: 'enforce' },
    secretNames: SECRET_ENV_KEYS,
    scrubEnv: MANAGED_ENV_KEYS,
  });
  user = await signUp();
  app = await sdkApp();
}, 240_000);
afterAll(async () => {
  await app?.close();
  await emulators?.stop();
});

const REQUESTS: Record<string, { method: string; body?: unknown }> = {
  chatMessage: { method: 'POST', body: { message: 'hi' } },
  generateImage: { method: 'POST', body: { prompt: 'a lighthouse', aspectRatio: '1:1' } },
  matchUsers: { method: 'POST', body: {} },
};

async function call(name: string, headers: Record<string, string> = {}) {
  const { method, body } = REQUESTS[name];
  const res = await fetch(`${emulators.functionsBaseUrl}/${name}`, {
    method,
    headers: { authorization: `Bearer ${user.idToken}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(120_000),
  });
  return { status: res.status, json: (await res.json()) as { error?: { code: string; details?: unknown } } };
}

describe('APP_CHECK=enforce in the Functions emulator', () => {
  it.each(Object.keys(REQUESTS))(
    '%s: 401 app_check_failed without a token',
    async (name) => {
      expect(await call(name)).toEqual({
        status: 401,
        json: { error: expect.objectContaining({ code: 'app_check_failed', details: { reason: 'missing' } }) },
      });
    },
    150_000,
  );

  it('401 app_check_failed for a token that is not an App Check token', async () => {
    const res = await call('generateImage', { 'x-firebase-appcheck': 'not-an-app-check-token' });
    expect(res.status).toBe(401);
    expect(res.json.error).toMatchObject({ code: 'app_check_failed', details: { reason: 'invalid' } });
  }, 150_000);
});

describe('APP_CHECK=enforce refuses the official SDK without App Check', () => {
  it('a call: unauthenticated, details.code app_check_failed (missing)', async () => {
    const error = await functionsError(
      httpsCallableFromURL(app.functions, `${emulators.functionsBaseUrl}/chatMessage`)({ message: 'hi' }),
    );
    expect(error).toMatchObject({
      code: 'functions/unauthenticated',
      details: { code: 'app_check_failed', reason: 'missing', requestId: expect.any(String) },
    });
  }, 150_000);

  it('a stream: the refusal inside it, no chunk', async () => {
    const call = await httpsCallableFromURL(app.functions, `${emulators.functionsBaseUrl}/chatStream`).stream({
      message: 'hi',
    });
    const { chunks, error } = await readCallableStream(call);
    expect(chunks).toEqual([]);
    expect(error).toMatchObject({ code: 'functions/unauthenticated', details: { code: 'app_check_failed' } });
  }, 150_000);
});
