// At most a few input images are decoded at once per instance. Decoding is CPU-bound (an instance has
// 1-2 vCPUs, so more at once is not faster) and each decode holds tens of MB: a gate keeps the image
// functions' memory within their sizing whatever the concurrency setting lets in. Waiting requests
// hold only their compressed input. A request that gives up (signal) leaves the queue.

export class DecodeGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>, signal: AbortSignal): Promise<T> {
    await this.enter(signal);
    try {
      return await task();
    } finally {
      this.leave();
    }
  }

  private enter(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const admit = (): void => {
        signal.removeEventListener('abort', abandon);
        this.active++;
        resolve();
      };
      const abandon = (): void => {
        const index = this.waiting.indexOf(admit);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', abandon, { once: true });
      this.waiting.push(admit);
    });
  }

  private leave(): void {
    this.active--;
    this.waiting.shift()?.();
  }
}

/** Two decodes at once: the image functions run on 1 vCPU (runtime-options.ts), a second overlaps I/O. */
export const INPUT_DECODES_AT_ONCE = 2;

export const inputDecodeGate = new DecodeGate(INPUT_DECODES_AT_ONCE);
