// A deadline on every Firestore call a request waits for. The client library retries an unreachable
// Firestore for up to a minute (gRPC UNAVAILABLE, with backoff) before it gives up, so a request whose
// database is down answered 500 after 44-48 s. With this, the request stops waiting after
// FIRESTORE_DEADLINE_MS and answers 503 `unavailable` with Retry-After; the call itself may still
// finish in the background (the library cannot cancel it), which changes nothing the caller relies on.
import { HttpError } from './http/errors.js';

/** Longest wait for one Firestore call (a healthy one takes milliseconds). */
export const FIRESTORE_DEADLINE_MS = 5_000;
/**
 * Until a call has succeeded in this process: the client library's first call loads gRPC and its
 * protos and opens the channel, measured at 6.8 s on a 2-core machine under load.
 */
export const FIRESTORE_FIRST_CALL_DEADLINE_MS = 15_000;
/** What the 503 tells the caller to wait before retrying. */
export const FIRESTORE_RETRY_AFTER_SECONDS = 5;

let answeredOnce = false;

/** gRPC codes that mean "Firestore cannot be reached or did not answer", not "your request is wrong". */
const UNREACHABLE_CODES = new Set([4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */]);

/** 503 unavailable: the database cannot be reached now; the request changed nothing the caller sees. */
export class FirestoreUnavailableError extends HttpError {
  constructor(
    readonly operation: string,
    cause?: unknown,
  ) {
    super(503, 'unavailable', 'The service cannot reach its database right now. Please retry shortly.', {
      headers: { 'Retry-After': String(FIRESTORE_RETRY_AFTER_SECONDS) },
      details: { retryAfterSeconds: FIRESTORE_RETRY_AFTER_SECONDS },
      cause,
    });
    this.name = 'FirestoreUnavailableError';
  }
}

export function isFirestoreUnreachable(error: unknown): boolean {
  if (error instanceof FirestoreUnavailableError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' && UNREACHABLE_CODES.has(code);
}

/**
 * Waits for a Firestore call at most `deadlineMs` (the process's first, FIRESTORE_FIRST_CALL_DEADLINE_MS). A call that does not answer in time, or fails
 * because Firestore is unreachable, rejects with FirestoreUnavailableError; any other failure as is.
 */
export async function withFirestoreDeadline<T>(
  operation: string,
  call: Promise<T>,
  deadlineMs: number = FIRESTORE_DEADLINE_MS,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const waitMs = answeredOnce ? deadlineMs : Math.max(deadlineMs, FIRESTORE_FIRST_CALL_DEADLINE_MS);
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FirestoreUnavailableError(operation)), waitMs);
  });
  call.catch(() => undefined); // a late failure after the deadline is nobody's to handle
  try {
    const answer = await Promise.race([call, deadline]);
    answeredOnce = true;
    return answer;
  } catch (error) {
    if (!(error instanceof FirestoreUnavailableError) && isFirestoreUnreachable(error))
      throw new FirestoreUnavailableError(operation, error);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
