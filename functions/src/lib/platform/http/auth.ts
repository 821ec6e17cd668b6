// Identity = the uid of a verified Firebase ID token (`Authorization: Bearer <token>`), nothing else.
// There is no bypass: locally the Auth emulator issues the tokens (FIREBASE_AUTH_EMULATOR_HOST makes
// firebase-admin accept them). The verifier is a parameter only so unit tests can run without services.
// Revocation counts: a token of a user whose sessions were revoked (revokeRefreshTokens) or whose account
// is disabled is refused, within AUTH_REVOCATION_CACHE_SECONDS (revocation-check.ts), not at its expiry.
import type { Request } from 'express';
import type { DecodedIdToken } from 'firebase-admin/auth';
import { getConfig } from '../config/index.js';
import { getAdminAuth } from '../firebase.js';
import { HttpError } from './errors.js';
import { revocationCheckingVerifier } from './revocation-check.js';

export type IdTokenVerifier = (idToken: string) => Promise<DecodedIdToken>;

/** The production verifier: one per instance, so its memory of passed revocation checks is too. */
export const verifyWithFirebaseAdmin = revocationCheckingVerifier({
  verify: (idToken, checkRevoked) => getAdminAuth().verifyIdToken(idToken, checkRevoked),
  cacheSeconds: () => getConfig().auth.revocationCacheSeconds,
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
