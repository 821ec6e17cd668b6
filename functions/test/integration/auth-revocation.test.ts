// Revoked sessions and disabled accounts against the real Auth emulator: a token that verified a moment
// ago is refused once its sign-in is revoked (401 token_revoked) or its account disabled (401
// user_disabled), in-process and through the real Functions emulator; a fresh sign-in, or re-enabling
// the account, works again at once (refusals are never remembered).
// Under the Auth emulator firebase-admin checks revocation on EVERY verification (even without
// checkRevoked), so the per-instance window of the revocation cache window (http/auth.ts, 30 s) cannot be seen here: the
// window is tested in test/unit/platform/http/auth-revocation.test.ts, with this default configuration in force.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAdminAuth } from '../../src/lib/platform/firebase.js';
import { loadFunctions } from '../support/functions.js';
import { mountFunctions, type MountedFunctions } from '../support/mount.js';
import { applyServiceEnv, functionUrl, getServices, signUp, type SignedUpUser } from '../support/services.js';

const savedEnv = { ...process.env };
let mounted: MountedFunctions;

beforeAll(async () => {
  applyServiceEnv();
  process.env.RATE_LIMIT_PER_MINUTE = '1000';
  delete process.env.UPSTASH_REDIS_REST_URL;
  delete process.env.UPSTASH_REDIS_REST_TOKEN;
  mounted = await mountFunctions(await loadFunctions(['suggestions']));
});
afterAll(async () => {
  await mounted?.close();
  process.env = { ...savedEnv };
});

/** GET suggestions/<uid>: any answer but a 401 means the token was accepted. */
async function callSuggestions(base: string, user: SignedUpUser, idToken = user.idToken) {
  const res = await fetch(`${base}/${user.uid}`, {
    headers: { authorization: `Bearer ${idToken}` },
    signal: AbortSignal.timeout(60_000),
  });
  const body = (await res.json()) as { error?: { code?: string } };
  return { status: res.status, code: body.error?.code, challenge: res.headers.get('www-authenticate') };
}

function authTimeOf(idToken: string): number {
  return (JSON.parse(Buffer.from(idToken.split('.')[1], 'base64url').toString('utf8')) as { auth_time: number })
    .auth_time;
}

/**
 * Revocation refuses tokens whose auth_time (whole seconds) is BEFORE the revocation time (whole
 * seconds): a revocation in the very second of the sign-in would not cover it. Wait for the next second.
 */
async function afterSignInSecond(idToken: string): Promise<void> {
  const authTime = authTimeOf(idToken);
  while (Math.floor(Date.now() / 1000) <= authTime) await new Promise((resolve) => setTimeout(resolve, 50));
}

async function signInAgain(user: SignedUpUser): Promise<string> {
  const res = await fetch(
    `http://${getServices().authHost}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=any`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: user.password, returnSecureToken: true }),
    },
  );
  const body = (await res.json()) as { idToken?: string };
  if (!body.idToken) throw new Error(`sign-in failed: HTTP ${res.status}`);
  return body.idToken;
}

describe('revocation and disabled accounts', () => {
  it('a revoked sign-in is 401 token_revoked, in-process and through the Functions emulator; a new sign-in works', async () => {
    const user = await signUp();
    const inProcess = mounted.url('suggestions');
    const emulator = functionUrl('suggestions');
    expect((await callSuggestions(inProcess, user)).status).not.toBe(401);
    expect((await callSuggestions(emulator, user)).status).not.toBe(401);

    await afterSignInSecond(user.idToken);
    await getAdminAuth().revokeRefreshTokens(user.uid);

    const refused = { status: 401, code: 'token_revoked', challenge: 'Bearer error="invalid_token"' };
    expect(await callSuggestions(inProcess, user)).toEqual(refused);
    expect(await callSuggestions(emulator, user)).toEqual(refused);

    const fresh = await signInAgain(user);
    expect((await callSuggestions(inProcess, user, fresh)).status).not.toBe(401);
  });

  it('a disabled account is 401 user_disabled; once re-enabled the same token works again', async () => {
    const user = await signUp();
    const inProcess = mounted.url('suggestions');
    expect((await callSuggestions(inProcess, user)).status).not.toBe(401);

    await getAdminAuth().updateUser(user.uid, { disabled: true });
    expect(await callSuggestions(inProcess, user)).toEqual({
      status: 401,
      code: 'user_disabled',
      challenge: 'Bearer error="invalid_token"',
    });
    expect((await callSuggestions(functionUrl('suggestions'), user)).code).toBe('user_disabled');

    await getAdminAuth().updateUser(user.uid, { disabled: false });
    expect((await callSuggestions(inProcess, user)).status).not.toBe(401);
  });
});
