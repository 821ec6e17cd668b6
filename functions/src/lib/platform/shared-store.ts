// The policy the cache, the rate limits and the budgets share for their Redis side: use the shared
// store while it works; when a call fails, log a warning and skip it for a cool-down, so a hung Redis
// costs one timeout per cool-down instead of one per request. Each caller then falls back to this
// instance's memory in its own way; an outage never becomes a 5xx.
import { systemClock, type Clock } from './clock.js';
import { describeError, type Logger } from './logging.js';

export interface SharedStoreOptions<Store> {
  /** The shared store, or null when none is configured. */
  store: Store | null;
  log: Logger;
  /** The warning logged when a call fails (what the caller does instead). */
  failureMessage: string;
  /** How long to stay off the shared store after a failure. */
  coolDownMs?: number;
  clock?: Clock;
}

export class SharedStore<Store> {
  private skipUntil = 0;
  private readonly coolDownMs: number;
  readonly clock: Clock;

  constructor(private readonly options: SharedStoreOptions<Store>) {
    this.coolDownMs = options.coolDownMs ?? 15_000;
    this.clock = options.clock ?? systemClock;
  }

  /** Runs `call` on the shared store: its result, or undefined when there is none, it cools down or it failed. */
  async attempt<T>(operation: string, call: (store: Store) => Promise<T>): Promise<{ value: T } | undefined> {
    const { store, log, failureMessage } = this.options;
    if (!store || this.clock() < this.skipUntil) return undefined;
    try {
      return { value: await call(store) };
    } catch (err) {
      this.skipUntil = this.clock() + this.coolDownMs;
      log.warn(failureMessage, { operation, error: describeError(err), coolDownMs: this.coolDownMs });
      return undefined;
    }
  }
}
