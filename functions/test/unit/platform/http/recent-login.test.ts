// deleteAccount's recent sign-in rule (src/lib/platform/http/auth.ts), on a test clock.
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../../src/lib/platform/http/errors.js';
import { RECENT_LOGIN_MAX_AGE_MS, requireRecentLogin } from '../../../../src/lib/platform/http/auth.js';

const NOW = Date.parse('2031-03-04T05:06:07Z');
const clock = () => NOW;
const signedIn = (msAgo: number) => ({ auth_time: Math.floor((NOW - msAgo) / 1000) });

describe('requireRecentLogin', () => {
  it('accepts a sign-in up to 5 minutes old, and one from a clock slightly ahead', () => {
    expect(RECENT_LOGIN_MAX_AGE_MS).toBe(300_000);
    for (const age of [0, 60_000, 299_000, 300_000, -30_000])
      expect(() => requireRecentLogin(signedIn(age), clock)).not.toThrow();
  });

  it('refuses an older one with 401 requires_recent_login, saying how old it is', () => {
    let error: unknown;
    try {
      requireRecentLogin(signedIn(301_000), clock);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({
      status: 401,
      code: 'requires_recent_login',
      details: { maxAgeSeconds: 300, signedInSecondsAgo: 301 },
    });
  });

  it('refuses a token without a usable auth_time', () => {
    for (const auth_time of [Number.NaN, undefined as unknown as number])
      expect(() => requireRecentLogin({ auth_time }, clock)).toThrow(/Sign in again/);
  });
});
