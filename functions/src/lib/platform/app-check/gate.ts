// The App Check rule of the request layer, by APP_CHECK mode:
//   off      the header is not read;
//   monitor  a missing, invalid or replayed token writes one structured log line (`app check failed`
//            with reason, mode, endpoint, uid) and the request goes on;
//   enforce  the same cases answer 401 `app_check_failed`.
// A verifier that cannot answer (the App Check API unreachable for a consume) is 503
// `app_check_unavailable` in enforce mode: the token may be fine, the client should retry.
import type { AppCheckMode } from '../config/setting-values.js';
import { HttpError } from '../http/errors.js';
import { describeError, type Logger } from '../logging.js';
import type { AppCheckVerifier } from './verifier.js';

export const APP_CHECK_HEADER = 'x-firebase-appcheck';

export type AppCheckFailure = 'missing' | 'invalid' | 'replayed' | 'unavailable';

export type AppCheckOutcome =
  { status: 'skipped' } | { status: 'verified'; appId: string } | { status: 'failed'; reason: AppCheckFailure };

export interface AppCheckInput {
  mode: AppCheckMode;
  /** The X-Firebase-AppCheck header as received (Express joins repeats; an array is refused). */
  header: string | string[] | undefined;
  consume: boolean;
  verifier: AppCheckVerifier;
  log: Logger;
}

/** firebase-admin codes that mean "could not ask", not "the token is bad". */
const UNAVAILABLE_CODES = new Set(['app-check/internal-error', 'app-check/unknown-error', 'app-check/unavailable']);

const MESSAGES: Record<AppCheckFailure, string> = {
  missing: 'This request needs an App Check token (X-Firebase-AppCheck header)',
  invalid: 'The App Check token is not valid',
  replayed: 'The App Check token was already used; get a fresh one (limited-use token)',
  unavailable: 'App Check could not be verified right now; retry',
};

async function verdict(input: AppCheckInput): Promise<AppCheckOutcome> {
  const { header, consume, verifier, log } = input;
  const token = typeof header === 'string' ? header.trim() : '';
  if (token === '') return { status: 'failed', reason: 'missing' };
  try {
    const result = await verifier.verify(token, { consume });
    if (consume && result.alreadyConsumed) return { status: 'failed', reason: 'replayed' };
    return { status: 'verified', appId: result.appId };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const reason = typeof code === 'string' && UNAVAILABLE_CODES.has(code) ? 'unavailable' : 'invalid';
    log.debug('app check verification failed', { reason, error: describeError(err, { stack: false }) });
    return { status: 'failed', reason };
  }
}

/** Runs the rule; throws the 401/503 in enforce mode, logs in monitor mode. */
export async function checkAppCheck(input: AppCheckInput): Promise<AppCheckOutcome> {
  if (input.mode === 'off') return { status: 'skipped' };
  const outcome = await verdict(input);
  if (outcome.status !== 'failed') return outcome;
  if (input.mode === 'monitor') {
    input.log.warn('app check failed', {
      appCheck: { mode: 'monitor', reason: outcome.reason, consume: input.consume },
    });
    return outcome;
  }
  if (outcome.reason === 'unavailable') {
    throw new HttpError(503, 'app_check_unavailable', MESSAGES.unavailable, { headers: { 'Retry-After': '1' } });
  }
  throw new HttpError(401, 'app_check_failed', MESSAGES[outcome.reason], { details: { reason: outcome.reason } });
}
