// Who is calling: a verified Firebase ID token, its revocation checked with a per-instance memory,
// and a recent sign-in where an operation is sensitive.
import type { Request } from 'express';
import type { DecodedIdToken } from 'firebase-admin/auth';
import { MemoryLruCache } from '../cache/memory-lru.js';
import type { Clock } from '../clock.js';
import { getAdminAuth } from '../firebase.js';
import { HttpError } from './errors.js';

// ID-token verification that honours revocation (revokeRefreshTokens, a disabled account) without an
// Auth-backend call on every request.
//
// A Firebase ID token verifies locally (signature with cached Google keys, expiry, audience: ~0.03 ms).
// Checking revocation needs the user record: firebase-admin's verifyIdToken(token, true) adds a getUser,
// an HTTPS call to the Identity Toolkit API (~2 ms against the loopback Auth emulator; a network round
// trip, and one more Google API quota and failure point, in production). So a PASSED check is remembered
// per instance for a few seconds, keyed by the sign-in it covers: uid + auth_time. Revocation invalidates
// every token whose auth_time is older than the revocation, so a fresh sign-in (new auth_time) is checked
// at once, and a revoked or disabled user is refused at the latest `cacheSeconds` after the change, on an
// instance that checked them just before it. Failed checks are never remembered.
/** firebase-admin's verifyIdToken: with `checkRevoked`, also reads the user record. */
export type FirebaseTokenVerifier = (idToken: string, checkRevoked: boolean) => Promise<DecodedIdToken>;

export interface RevocationCheckOptions {
  verify: FirebaseTokenVerifier;
  /** Read on every request (a deploy-time param): seconds a passed check is trusted; 0 = never trusted. */
  cacheSeconds: () => number;
  /** Sign-ins remembered per instance (least recently used go first). */
  maxEntries?: number;
  clock?: Clock;
}

/** About 100 bytes each: 10k active sign-ins per instance cost about a megabyte. */
const DEFAULT_MAX_ENTRIES = 10_000;

/** A verifier that can also forget a user's passed checks (their account is being deleted). */
export type ForgettingVerifier = IdTokenVerifier & { forget(uid: string): void };

export function revocationCheckingVerifier(options: RevocationCheckOptions): ForgettingVerifier {
  const passed = new MemoryLruCache({ maxEntries: options.maxEntries ?? DEFAULT_MAX_ENTRIES, clock: options.clock });
  const verifier: IdTokenVerifier = async (idToken) => {
    const ttlSeconds = options.cacheSeconds();
    if (!(ttlSeconds > 0)) return options.verify(idToken, true);
    // Local checks first: a forged or expired token never reaches the cache or the Auth backend.
    const decoded = await options.verify(idToken, false);
    const signIn = `${decoded.uid}\n${decoded.auth_time}`;
    if ((await passed.get<boolean>(signIn)) === true) return decoded;
    const checked = await options.verify(idToken, true);
    await passed.set(signIn, true, ttlSeconds);
    return checked;
  };
  const forget = (uid: string): void => {
    passed.deleteWhere((signIn) => signIn.slice(0, signIn.lastIndexOf('\n')) === uid);
  };
  return Object.assign(verifier, { forget });
}

// Sensitive operations (deleting the account) want a recent sign-in, as Firebase Auth itself does for
// deleteUser or a password change: a token minted by refreshing an old session is not enough. The ID
// token's `auth_time` is when the user last actually signed in (refreshing keeps it); more than
// RECENT_LOGIN_MAX_AGE_MS ago answers 401 requires_recent_login, and the app re-authenticates
// (reauthenticateWithCredential / a fresh sign-in) and retries.
export const RECENT_LOGIN_MAX_AGE_MS = 5 * 60_000;

/** Throws 401 requires_recent_login unless the token's sign-in is at most `maxAgeMs` old at `clock()`. */
export function requireRecentLogin(
  token: Pick<DecodedIdToken, 'auth_time'>,
  clock: Clock,
  maxAgeMs = RECENT_LOGIN_MAX_AGE_MS,
): void {
  const signedInAt = token.auth_time * 1000;
  const age = clock() - signedInAt;
  if (Number.isFinite(signedInAt) && age <= maxAgeMs) return;
  throw new HttpError(401, 'requires_recent_login', 'Sign in again to confirm, then retry within 5 minutes.', {
    details: {
      maxAgeSeconds: maxAgeMs / 1000,
      signedInSecondsAgo: Number.isFinite(age) ? Math.floor(age / 1000) : null,
    },
  });
}

// Identity = the uid of a verified Firebase ID token (`Authorization: Bearer <token>`), nothing else.
// There is no bypass: locally the Auth emulator issues the tokens (FIREBASE_AUTH_EMULATOR_HOST makes
// firebase-admin accept them). The verifier is a parameter only so unit tests can run without services.
// Revocation counts: a token of a user whose sessions were revoked (revokeRefreshTokens) or whose account
// is disabled is refused, within REVOCATION_CACHE_SECONDS (below), not at its expiry.
export type IdTokenVerifier = (idToken: string) => Promise<DecodedIdToken>;

/**
 * How long one instance trusts a passed revocation check of a sign-in (uid + auth_time): the most a
 * revoked or disabled user can still be served, against one Auth backend call per request.
 */
const REVOCATION_CACHE_SECONDS = 30;

/** The production verifier: one per instance, so its memory of passed revocation checks is too. */
export const verifyWithFirebaseAdmin = revocationCheckingVerifier({
  verify: (idToken, checkRevoked) => getAdminAuth().verifyIdToken(idToken, checkRevoked),
  cacheSeconds: () => REVOCATION_CACHE_SECONDS,
});

const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-_.=+/]+)[ \t]*$/i;
const WWW_AUTHENTICATE = { 'WWW-Authenticate': 'Bearer' };

export function readBearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  return header ? BEARER.exec(header)?.[1] : undefined;
}

const INVALID_TOKEN = { code: 'invalid_token', message: 'The ID token is invalid or expired' };

/**
 * What firebase-admin throws when the TOKEN is at fault. Anything else (internal-error, quota-exceeded,
 * insufficient-permission, invalid-credential, network errors...) means we could not check it: that is
 * our 503, never a 401 that would make the app sign a valid user out. A revoked sign-in must sign in
 * again (refreshing the token will not help); a disabled account cannot.
 */
const TOKEN_REJECTIONS: Readonly<Record<string, { code: string; message: string }>> = {
  'auth/argument-error': INVALID_TOKEN, // malformed, another project's, bad signature
  'auth/invalid-id-token': INVALID_TOKEN,
  'auth/id-token-expired': INVALID_TOKEN,
  'auth/tenant-id-mismatch': INVALID_TOKEN,
  'auth/user-not-found': INVALID_TOKEN, // the account was deleted
  'auth/id-token-revoked': { code: 'token_revoked', message: 'This sign-in was revoked; sign in again' },
  'auth/user-disabled': { code: 'user_disabled', message: 'This account is disabled' },
};

function tokenRejection(err: unknown): { code: string; message: string } | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && Object.hasOwn(TOKEN_REJECTIONS, code) ? TOKEN_REJECTIONS[code] : undefined;
}

export async function authenticate(
  req: Request,
  verify: IdTokenVerifier,
): Promise<{ uid: string; token: DecodedIdToken }> {
  const idToken = readBearerToken(req);
  if (!idToken) {
    throw new HttpError(401, 'unauthenticated', 'Send a Firebase ID token as "Authorization: Bearer <token>"', {
      headers: WWW_AUTHENTICATE,
    });
  }
  let token: DecodedIdToken;
  try {
    token = await verify(idToken);
  } catch (err) {
    const rejection = tokenRejection(err);
    if (rejection) {
      throw new HttpError(401, rejection.code, rejection.message, {
        headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
        cause: err,
      });
    }
    throw new HttpError(503, 'auth_unavailable', 'Could not verify the ID token right now; retry shortly', {
      headers: { 'Retry-After': '5' },
      cause: err,
    });
  }
  return { uid: token.uid, token };
}
