// Revocation-aware token verification (src/lib/platform/http/auth.ts) and how authenticate() answers
// each firebase-admin outcome (src/lib/platform/http/auth.ts). The firebase-admin verifier is replaced by a
// recording one: these are the decisions our code makes around it. The real Auth emulator path is
// test/integration/auth-revocation.test.ts.
import type { Request } from 'express';
import type { DecodedIdToken } from 'firebase-admin/auth';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getAdminAuth } from '../../../../src/lib/platform/firebase.js';
import { authenticate, verifyWithFirebaseAdmin } from '../../../../src/lib/platform/http/auth.js';
import { HttpError } from '../../../../src/lib/platform/http/errors.js';
import { revocationCheckingVerifier, type FirebaseTokenVerifier } from '../../../../src/lib/platform/http/auth.js';

/** Tokens are "uid:auth_time"; `revoked` holds uids whose revocation check fails. */
function recordingVerifier(revoked: Set<string> = new Set()) {
  const calls: Array<{ token: string; checkRevoked: boolean }> = [];
  const verify: FirebaseTokenVerifier = async (token, checkRevoked) => {
    calls.push({ token, checkRevoked });
    const [uid, authTime] = token.split(':');
    if (checkRevoked && revoked.has(uid)) throw Object.assign(new Error('revoked'), { code: 'auth/id-token-revoked' });
    return { uid, auth_time: Number(authTime) } as DecodedIdToken;
  };
  const revocationChecks = () => calls.filter((call) => call.checkRevoked).length;
  return { verify, calls, revocationChecks };
}

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('revocationCheckingVerifier', () => {
  it('with a 0 s window asks firebase-admin to check revocation on every request', async () => {
    const admin = recordingVerifier();
    const verify = revocationCheckingVerifier({ verify: admin.verify, cacheSeconds: () => 0 });
    for (let i = 0; i < 3; i++) await verify('alice:100');
    expect(admin.calls).toEqual(Array.from({ length: 3 }, () => ({ token: 'alice:100', checkRevoked: true })));
  });

  it('trusts a passed check of a sign-in for the window only, then checks again', async () => {
    const admin = recordingVerifier();
    const time = clock();
    const verify = revocationCheckingVerifier({ verify: admin.verify, cacheSeconds: () => 30, clock: time.now });
    await verify('alice:100');
    await verify('alice:100');
    time.advance(29_000);
    expect((await verify('alice:100')).uid).toBe('alice');
    expect(admin.revocationChecks()).toBe(1);
    // Every request still verifies the token itself (signature, expiry) without the revocation check.
    expect(admin.calls.filter((call) => !call.checkRevoked)).toHaveLength(3);
    time.advance(1_000);
    await verify('alice:100');
    expect(admin.revocationChecks()).toBe(2);
  });

  it('forgets a user’s passed checks at once when asked (their account is deleted), and only theirs', async () => {
    const admin = recordingVerifier();
    const verify = revocationCheckingVerifier({ verify: admin.verify, cacheSeconds: () => 300 });
    await verify('alice:100');
    await verify('alice:200');
    await verify('alice2:100');
    verify.forget('alice');
    await verify('alice:100');
    await verify('alice:200');
    await verify('alice2:100');
    // alice's two sign-ins are checked again; alice2 (a uid alice is a prefix of) stays trusted.
    expect(admin.revocationChecks()).toBe(5);
  });

  it('a revocation is seen once the window of the last passed check is over', async () => {
    const revoked = new Set<string>();
    const admin = recordingVerifier(revoked);
    const time = clock();
    const verify = revocationCheckingVerifier({ verify: admin.verify, cacheSeconds: () => 30, clock: time.now });
    await verify('alice:100');
    revoked.add('alice');
    time.advance(30_000);
    await expect(verify('alice:100')).rejects.toMatchObject({ code: 'auth/id-token-revoked' });
    // A failed check is never remembered: it fails again, at once.
    await expect(verify('alice:100')).rejects.toMatchObject({ code: 'auth/id-token-revoked' });
    expect(admin.revocationChecks()).toBe(3);
  });

  it('checks a new sign-in (another auth_time) and another user at once, inside the window', async () => {
    const admin = recordingVerifier();
    const verify = revocationCheckingVerifier({ verify: admin.verify, cacheSeconds: () => 30, clock: clock().now });
    await verify('alice:100');
    await verify('alice:200');
    await verify('bob:100');
    expect(admin.revocationChecks()).toBe(3);
  });

  it('remembers a bounded number of sign-ins (least recently used forgotten first)', async () => {
    const admin = recordingVerifier();
    const verify = revocationCheckingVerifier({
      verify: admin.verify,
      cacheSeconds: () => 30,
      maxEntries: 2,
      clock: clock().now,
    });
    await verify('a:1');
    await verify('b:1');
    await verify('c:1'); // forgets a
    await verify('c:1');
    await verify('a:1');
    expect(admin.revocationChecks()).toBe(4);
  });

  it('reads the window on every request: setting it to 0 stops trusting remembered checks', async () => {
    const admin = recordingVerifier();
    let seconds = 30;
    const verify = revocationCheckingVerifier({
      verify: admin.verify,
      cacheSeconds: () => seconds,
      clock: clock().now,
    });
    await verify('alice:100');
    seconds = 0;
    await verify('alice:100');
    expect(admin.revocationChecks()).toBe(2);
  });
});

describe('verifyWithFirebaseAdmin (the production verifier)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("asks firebase-admin's verifyIdToken to check revocation (its checkRevoked argument)", async () => {
    process.env.GCLOUD_PROJECT ??= 'demo-unit';
    // The real Auth instance, with only its network-bound method replaced (no Auth backend here).
    const verifyIdToken = vi
      .spyOn(getAdminAuth(), 'verifyIdToken')
      .mockImplementation(async () => ({ uid: `u-${Math.random()}`, auth_time: 1 }) as DecodedIdToken);
    await verifyWithFirebaseAdmin('some.id.token');
    expect(verifyIdToken.mock.calls.map(([, checkRevoked]) => checkRevoked)).toContain(true);
  });
});

describe('authenticate: what each verification outcome answers', () => {
  const request = { headers: { authorization: 'Bearer some.id.token' } } as unknown as Request;
  const failingWith = (code: string) => async (): Promise<DecodedIdToken> => {
    throw Object.assign(new Error(code), { code });
  };
  async function outcome(code: string): Promise<{ status: number; code: string; challenge?: string }> {
    const error = await authenticate(request, failingWith(code)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HttpError);
    const { status, code: answer, headers } = error as HttpError;
    return { status, code: answer, challenge: headers['WWW-Authenticate'] };
  }

  it('a revoked sign-in is 401 token_revoked, a disabled account 401 user_disabled', async () => {
    const challenge = 'Bearer error="invalid_token"';
    expect(await outcome('auth/id-token-revoked')).toEqual({ status: 401, code: 'token_revoked', challenge });
    expect(await outcome('auth/user-disabled')).toEqual({ status: 401, code: 'user_disabled', challenge });
  });

  it('a malformed, expired or orphaned token is 401 invalid_token', async () => {
    for (const code of [
      'auth/argument-error',
      'auth/id-token-expired',
      'auth/invalid-id-token',
      'auth/user-not-found',
    ]) {
      expect(await outcome(code), code).toMatchObject({ status: 401, code: 'invalid_token' });
    }
  });

  it('when the Auth backend cannot answer (quota, permissions, credentials, network) it is 503, never a 401', async () => {
    for (const code of [
      'auth/internal-error',
      'auth/quota-exceeded',
      'auth/insufficient-permission',
      'auth/invalid-credential',
      'app/network-error',
    ]) {
      expect(await outcome(code), code).toMatchObject({ status: 503, code: 'auth_unavailable' });
    }
  });
});
