// The OAuth access tokens of the offline stack: what the local STS token server issues and what the
// local Gemini-protocol server accepts on its Vertex AI paths. Google's are opaque; ours are
// HMAC-signed, so the Gemini server can check one without asking the token server (and a guessed or
// expired token is refused exactly like Google refuses one: 401 UNAUTHENTICATED).
//   ya29.offline.<base64url(JSON {sub, scope, exp})>.<base64url(HMAC-SHA256)>
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const PREFIX = 'ya29.offline.';

export interface AccessTokenClaims {
  /** Who it was issued to (the STS audience: the workload identity provider). */
  sub: string;
  scope: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

/** A fresh signing key (tests and the dev stack make one per run). */
export function newSigningKey(): string {
  return randomBytes(32).toString('base64url');
}

function sign(payload: string, key: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

export function issueAccessToken(claims: AccessTokenClaims, key: string): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${PREFIX}${payload}.${sign(payload, key)}`;
}

/** The claims of a token this key signed that has not expired and grants cloud-platform; else undefined. */
export function verifyAccessToken(token: string, key: string, nowMs = Date.now()): AccessTokenClaims | undefined {
  if (!token.startsWith(PREFIX)) return undefined;
  const [payload, signature, extra] = token.slice(PREFIX.length).split('.');
  if (!payload || !signature || extra !== undefined) return undefined;
  const expected = Buffer.from(sign(payload, key));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as AccessTokenClaims;
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= nowMs) return undefined;
    if (typeof claims.scope !== 'string' || !claims.scope.split(' ').includes(CLOUD_PLATFORM_SCOPE)) return undefined;
    return claims;
  } catch {
    return undefined;
  }
}
