// Deadlines on S3 calls, and clean-ups (AbortMultipartUpload, DeleteObject) that outlive a failed
// request. S3 can stall (connections open, no bytes moving) or go away in the middle of an upload:
//
// - every S3 call gets a deadline (callSignal): a part upload S3_PART_DEADLINE_MS, any other call
//   S3_CALL_DEADLINE_MS, and the client's sockets an idle timeout (s3-target.ts), so no call waits
//   on a silent S3 for longer;
// - a failed upload's clean-up is awaited at most CLEANUP_WAIT_MS, so the request answers in bounded
//   time whatever S3 does. One that failed or is still running is kept here and tried again: at the
//   start of this instance's next upload, and in the background after 5 s, 30 s, 2 min and 10 min.
//   After that it is logged and left to the bucket's lifecycle rule (AbortIncompleteMultipartUpload
//   after 1 day, docs/images.md), which is also the backstop for an instance that goes away.
import { createLogger, describeError, type Logger } from '../logging.js';

/** One part (up to 5 MiB) must move at >= 256 KB/s. */
export const S3_PART_DEADLINE_MS = 20_000;
/** CreateMultipartUpload, CompleteMultipartUpload, PutObject headers, AbortMultipartUpload, DeleteObject. */
export const S3_CALL_DEADLINE_MS = 10_000;
/** How long a failed upload waits for its clean-up before it answers (the rest happens later). */
export const CLEANUP_WAIT_MS = 1_000;
/** Background retries of a clean-up that failed, after the first attempt. */
export const CLEANUP_RETRY_DELAYS_MS: readonly number[] = [5_000, 30_000, 120_000, 600_000];

/** The caller's signal, plus a deadline of its own for one S3 call. */
export function callSignal(signal: AbortSignal | undefined, deadlineMs: number): AbortSignal {
  const deadline = AbortSignal.timeout(deadlineMs);
  return signal === undefined ? deadline : AbortSignal.any([signal, deadline]);
}

export interface S3Cleanup {
  /** For logs: e.g. "abort multipart upload media/generated-images/x.png". */
  readonly what: string;
  run(signal: AbortSignal): Promise<void>;
}

interface Pending {
  cleanup: S3Cleanup;
  attempts: number;
  running?: Promise<boolean>;
  timer?: NodeJS.Timeout;
}

export class S3CleanupQueue {
  private readonly pending = new Set<Pending>();

  constructor(
    private readonly log: Logger = createLogger({ component: 's3-cleanup' }),
    private readonly retryDelaysMs: readonly number[] = CLEANUP_RETRY_DELAYS_MS,
  ) {}

  /** Clean-ups not done yet (failed, or still running). */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Runs `cleanup` now and waits for it at most `waitMs`. If it fails, or is still running then, it
   * stays pending and is tried again later. Never throws.
   */
  async settle(cleanup: S3Cleanup, waitMs = CLEANUP_WAIT_MS): Promise<void> {
    const entry: Pending = { cleanup, attempts: 0 };
    this.pending.add(entry);
    const attempt = this.attempt(entry);
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)));
    await Promise.race([attempt, waited]);
    clearTimeout(timer);
  }

  /** Tries every pending clean-up again now (an upload calls it when it starts). */
  retryPending(): void {
    for (const entry of this.pending) if (entry.running === undefined) void this.attempt(entry);
  }

  private attempt(entry: Pending): Promise<boolean> {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.attempts++;
    const running = entry.cleanup.run(AbortSignal.timeout(S3_CALL_DEADLINE_MS)).then(
      () => {
        this.pending.delete(entry);
        if (entry.attempts > 1)
          this.log.info('s3 clean-up done on retry', { what: entry.cleanup.what, attempts: entry.attempts });
        return true;
      },
      (error: unknown) => {
        this.schedule(entry, error);
        return false;
      },
    );
    entry.running = running;
    void running.finally(() => {
      if (entry.running === running) entry.running = undefined;
    });
    return running;
  }

  private schedule(entry: Pending, error: unknown): void {
    const delay = this.retryDelaysMs[entry.attempts - 1];
    const fields = {
      what: entry.cleanup.what,
      attempts: entry.attempts,
      error: describeError(error, { stack: false }),
    };
    if (delay === undefined) {
      this.pending.delete(entry);
      this.log.error('s3 clean-up given up: the bucket lifecycle rule removes it', fields);
      return;
    }
    this.log.warn('s3 clean-up failed, will retry', { ...fields, retryInMs: delay });
    entry.timer = setTimeout(() => void this.attempt(entry), delay);
    entry.timer.unref();
  }
}

/** The process's queue: every upload of this instance shares it. */
export const s3Cleanups = new S3CleanupQueue();
