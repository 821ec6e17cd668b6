// Identity = the uid of a verified Firebase ID token (`Authorization: Bearer <token>`), nothing else.
// There is no bypass: locally the Auth emulator issues the tokens (FIREBASE_AUTH_EMULATOR_HOST makes
// firebase-admin accept them). The verifier is a parameter only so unit tests can run without services.
import type { Request } from 'express';
import type { DecodedIdToken } from 'firebase-admin/auth';
import { getAdminAuth } from '../firebase.js';
import { HttpError } from './errors.js';

export type IdTokenVerifier = (idToken: string) => Promise<DecodedIdToken>;

export const verifyWithFirebaseAdmin: IdTokenVerifier = (idToken) => getAdminAuth().verifyIdToken(idToken);

const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-_.=+/]+)[ \t]*$/i;
const WWW_AUTHENTICATE = { 'WWW-Authenticate': 'Bearer' };

export function readBearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  return header ? BEARER.exec(header)?.[1] : undefined;
}

/** firebase-admin says `auth/internal-error` when it could not check at all (e.g. key fetch failed). */
function isTokenRejection(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('auth/') && code !== 'auth/internal-error';
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
    if (isTokenRejection(err)) {
      throw new HttpError(401, 'invalid_token', 'The ID token is invalid or expired', {
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
