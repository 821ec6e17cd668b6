// The deadline on Firestore calls: a silent call and an unreachable database (gRPC UNAVAILABLE,
// DEADLINE_EXCEEDED) become 503 unavailable with Retry-After; any other failure passes as it is.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FirestoreUnavailableError, withFirestoreDeadline } from '../../../src/lib/platform/firestore-deadline.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('withFirestoreDeadline', () => {
  it("waits longer for the process's first call (the client library's cold start), then passes an answer through", async () => {
    const first = withFirestoreDeadline('read', new Promise((resolve) => setTimeout(() => resolve(7), 10_000)), 5_000);
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(first).resolves.toBe(7);
    await expect(withFirestoreDeadline('read', Promise.resolve(8), 1_000)).resolves.toBe(8);
  });

  it('gives up on a call that does not answer by the deadline: 503 unavailable, Retry-After', async () => {
    const waiting = withFirestoreDeadline('read the profile', new Promise(() => undefined), 5_000);
    const failure = waiting.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(4_999);
    await vi.advanceTimersByTimeAsync(1);
    const error = await failure;
    expect(error).toBeInstanceOf(FirestoreUnavailableError);
    expect(error).toMatchObject({
      status: 503,
      code: 'unavailable',
      operation: 'read the profile',
      headers: { 'Retry-After': '5' },
      details: { retryAfterSeconds: 5 },
    });
  });

  it('maps an unreachable database to the same 503, and leaves other errors alone', async () => {
    const unavailable = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 });
    await expect(withFirestoreDeadline('commit', Promise.reject(unavailable))).rejects.toMatchObject({
      code: 'unavailable',
      cause: unavailable,
    });
    const notFound = Object.assign(new Error('5 NOT_FOUND'), { code: 5 });
    await expect(withFirestoreDeadline('update', Promise.reject(notFound))).rejects.toBe(notFound);
  });
});
