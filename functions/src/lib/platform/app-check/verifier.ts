// Verifying an App Check token, behind an interface: production uses firebase-admin's
// getAppCheck().verifyToken (signature against Google's JWKS, cached 6 h by firebase-admin; audience =
// this project; issuer = App Check), which tests run for real against a local JWKS server by giving
// the admin app an `httpAgent` (test/support/app-check.ts): the seam firebase-admin itself offers.
import type { App } from 'firebase-admin/app';
import { getAppCheck } from 'firebase-admin/app-check';

export interface AppCheckVerdict {
  /** The Firebase app id the token was issued to. */
  appId: string;
  /** With `consume`: whether this token had been used before (a replay). */
  alreadyConsumed?: boolean;
}

export interface AppCheckVerifier {
  /** Resolves for a valid token, rejects for an invalid, expired or foreign one. */
  verify(token: string, options: { consume: boolean }): Promise<AppCheckVerdict>;
}

/**
 * `consume: true` adds a call to the App Check API (verifyAppCheckToken, firebaseappcheck.googleapis.com)
 * that marks the token used: one network round trip per request, where plain verification is local
 * once the keys are cached.
 */
export function firebaseAppCheckVerifier(app: () => App): AppCheckVerifier {
  return {
    async verify(token, { consume }) {
      const result = await getAppCheck(app()).verifyToken(token, consume ? { consume: true } : undefined);
      return {
        appId: result.appId,
        ...(result.alreadyConsumed === undefined ? {} : { alreadyConsumed: result.alreadyConsumed }),
      };
    },
  };
}
