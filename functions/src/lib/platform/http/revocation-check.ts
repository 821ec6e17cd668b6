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
import type { Clock } from '../clock.js';
import type { DecodedIdToken } from 'firebase-admin/auth';
import { MemoryLruCache } from '../cache/memory-lru.js';
import type { IdTokenVerifier } from './auth.js';

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
