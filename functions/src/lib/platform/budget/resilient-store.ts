// Shared counters first, this instance's memory when they are absent or failing (the cool-down is
// shared-store.ts's). A budget is never lifted by an outage and an outage never becomes a 5xx: each
// instance keeps counting in memory.
//
// Memory also mirrors Redis: every charge is added there too, and raised to what Redis reports, so
// memory holds max(Redis, this instance's own charges). Decisions use that maximum, which keeps
// charges made here during an outage counted after Redis comes back (they are not replayed into Redis:
// other instances do not see them).
import type { Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import { SharedStore } from '../shared-store.js';
import type { MemoryCounterStore } from './memory-store.js';
import type { CounterStore } from './types.js';

export interface CounterReading {
  value: number;
  source: 'redis' | 'memory';
}

export interface ResilientCounterStoreOptions {
  primary: CounterStore | null;
  /** This instance's counters; its clock is the store's clock (cool-downs, expiries, budget days). */
  fallback: MemoryCounterStore;
  log: Logger;
  coolDownMs?: number;
}

export class ResilientCounterStore {
  private readonly shared: SharedStore<CounterStore>;
  readonly clock: Clock;

  constructor(private readonly options: ResilientCounterStoreOptions) {
    this.clock = options.fallback.clock;
    this.shared = new SharedStore({
      store: options.primary,
      log: options.log,
      failureMessage: 'budget store unavailable; counting in memory',
      coolDownMs: options.coolDownMs,
      clock: this.clock,
    });
  }

  /** This instance's counters (kept when the shared store is replaced). */
  get fallback(): MemoryCounterStore {
    return this.options.fallback;
  }

  async get(key: string, expireAtMs: number): Promise<CounterReading> {
    const { fallback } = this.options;
    const shared = await this.shared.attempt('get', (primary) => primary.get(key));
    if (shared) fallback.raise(key, shared.value, expireAtMs);
    return { value: fallback.getSync(key), source: shared ? 'redis' : 'memory' };
  }

  async add(key: string, amount: number, expireAtMs: number): Promise<CounterReading> {
    const { fallback } = this.options;
    const shared = await this.shared.attempt('add', (primary) => primary.add(key, amount, expireAtMs));
    const local = fallback.addSync(key, amount, expireAtMs);
    if (!shared) return { value: local, source: 'memory' };
    fallback.raise(key, shared.value, expireAtMs);
    return { value: fallback.getSync(key), source: 'redis' };
  }
}
