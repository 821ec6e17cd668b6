// Sensitive operations (deleting the account) want a recent sign-in, as Firebase Auth itself does for
// deleteUser or a password change: a token minted by refreshing an old session is not enough. The ID
// token's `auth_time` is when the user last actually signed in (refreshing keeps it); more than
// RECENT_LOGIN_MAX_AGE_MS ago answers 401 requires_recent_login, and the app re-authenticates
// (reauthenticateWithCredential / a fresh sign-in) and retries.
import type { DecodedIdToken } from 'firebase-admin/auth';
import type { Clock } from '../clock.js';
import { HttpError } from './errors.js';

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
