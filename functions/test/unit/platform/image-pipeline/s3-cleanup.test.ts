// Clean-ups S3 cannot take at once (it stalls or is down): awaited at most the wait, then retried
// in the background and at the next upload, then given up to the bucket's lifecycle rule. Fake
// timers; the clean-ups are functions that fail or succeed as the test says.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { S3CleanupQueue, callSignal } from '../../../../src/lib/platform/image-pipeline/s3-cleanup.js';
import { createLogger } from '../../../../src/lib/platform/logging.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const log = createLogger({ test: 's3-cleanup' });

/** A clean-up whose S3 is down until `up()`; counts its attempts. */
function cleanup(what = 'abort multipart upload b/k') {
  let s3Up = false;
  let stall = false;
  const attempts: number[] = [];
  return {
    what,
    attempts,
    up: () => (s3Up = true),
    stalls: () => (stall = true),
    run: (signal: AbortSignal) => {
      attempts.push(Date.now());
      if (stall) return new Promise<void>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      return s3Up ? Promise.resolve() : Promise.reject(new Error('connect ECONNREFUSED'));
    },
  };
}

describe('S3CleanupQueue', () => {
  it('is done at once when S3 answers', async () => {
    const queue = new S3CleanupQueue(log, [1_000]);
    const job = cleanup();
    job.up();
    await queue.settle(job, 1_000);
    expect(job.attempts).toHaveLength(1);
    expect(queue.size).toBe(0);
  });

  it('waits at most the wait when S3 stalls, and keeps the clean-up for later', async () => {
    const queue = new S3CleanupQueue(log, [5_000]);
    const job = cleanup();
    job.stalls();
    const settled = queue.settle(job, 1_000);
    let done = false;
    void settled.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
    expect(queue.size).toBe(1);
  });

  it('retries a failed clean-up in the background on its schedule, then gives it up', async () => {
    const queue = new S3CleanupQueue(log, [5_000, 30_000]);
    const job = cleanup();
    await queue.settle(job, 1_000);
    expect(job.attempts).toHaveLength(1);
    expect(queue.size).toBe(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(job.attempts).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(job.attempts).toHaveLength(3);
    expect(queue.size).toBe(0); // given up: the lifecycle rule's
    await vi.advanceTimersByTimeAsync(600_000);
    expect(job.attempts).toHaveLength(3);
  });

  it('tries the pending ones again when the next upload starts, and forgets them once done', async () => {
    const queue = new S3CleanupQueue(log, [600_000]);
    const job = cleanup();
    await queue.settle(job, 1_000);
    job.up(); // S3 is back
    queue.retryPending();
    await vi.advanceTimersByTimeAsync(0);
    expect(job.attempts).toHaveLength(2);
    expect(queue.size).toBe(0);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(job.attempts).toHaveLength(2);
  });
});

describe('callSignal', () => {
  it('fires at the deadline, or with the caller', async () => {
    vi.useRealTimers(); // AbortSignal.timeout runs on Node's own timers
    const deadline = callSignal(undefined, 30);
    expect(deadline.aborted).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(deadline.aborted).toBe(true);
    const caller = new AbortController();
    const both = callSignal(caller.signal, 60_000);
    caller.abort(new Error('client left'));
    expect(both.reason).toMatchObject({ message: 'client left' });
  });
});
