// Vertex AI through a Functions emulator of its own (the deployed code path, params from the
// environment): GEMINI_BACKEND=vertex-ai, no GEMINI_API_KEY, and Application Default Credentials from
// an `external_account` file whose token exchange is the local STS server (dev/adc). The functions'
// google-auth-library, in the emulator's worker process, exchanges the subject token; the local Gemini
// server of this file accepts only that bearer token on its Vertex paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfflineAdc, type OfflineAdc } from '../../dev/adc/index.js';
import { startGeminiServer, type GeminiServer } from '../../dev/gemini-server/index.js';
import { startFirebaseEmulators, type FirebaseEmulators } from '../../dev/services/firebase-emulators.js';
import { MANAGED_ENV_KEYS, SECRET_ENV_KEYS } from '../../dev/services/index.js';
import { getServices, signUp, type SignedUpUser } from '../support/services.js';

let adc: OfflineAdc;
let gemini: GeminiServer;
let emulators: FirebaseEmulators;
let user: SignedUpUser;

beforeAll(async () => {
  const services = getServices();
  adc = await startOfflineAdc();
  gemini = await startGeminiServer({ accessTokenKey: adc.signingKey });
  const env: Record<string, string> = {
    ...services.functionsEnv,
    FIREBASE_AUTH_EMULATOR_HOST: services.authHost,
    GEMINI_BACKEND: 'vertex-ai',
    GEMINI_VERTEX_PROJECT: 'demo-vertex-emulator',
    GEMINI_VERTEX_LOCATION: 'europe-west4',
    GEMINI_BASE_URL: gemini.url,
    ...adc.env,
  };
  delete env.GEMINI_API_KEY;
  emulators = await startFirebaseEmulators({
    only: ['functions'],
    projectId: services.projectId,
    env,
    secretNames: SECRET_ENV_KEYS,
    scrubEnv: [...MANAGED_ENV_KEYS, 'GOOGLE_APPLICATION_CREDENTIALS'],
  });
  user = await signUp();
}, 240_000);
afterAll(async () => {
  await emulators?.stop();
  await gemini?.close();
  await adc?.close();
});

async function call(name: string, body: unknown) {
  const res = await fetch(`${emulators.functionsBaseUrl}/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.idToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(120_000),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('GEMINI_BACKEND=vertex-ai in the Functions emulator', () => {
  it('chatMessage and generateImage answer through Vertex with ADC, no API key anywhere', async () => {
    const chat = await call('chatMessage', { message: 'hello from vertex' });
    expect(chat.status).toBe(200);
    expect(chat.json.reply).toMatch(/^\[offline model\]/);
    const image = await call('generateImage', { prompt: 'a lighthouse', aspectRatio: '1:1' });
    expect(image.status).toBe(200);
    const records = gemini.requests();
    expect(records.map((record) => [record.api, record.auth, record.apiKeyPresent, record.vertex])).toEqual([
      ['vertex', 'oauth', false, { project: 'demo-vertex-emulator', location: 'europe-west4' }],
      ['vertex', 'oauth', false, { project: 'demo-vertex-emulator', location: 'europe-west4' }],
    ]);
    const exchanges = adc.tokenServer.exchanges();
    expect(exchanges.length).toBeGreaterThanOrEqual(1);
    expect(exchanges.every((exchange) => exchange.ok)).toBe(true);
  }, 240_000);
});
