// Shared counters first, this instance's memory when they are absent or failing: the same policy as the
// rate limits (rate-limit/resilient-limiter.ts). A budget is never lifted by an outage and an outage
// never becomes a 5xx: each instance keeps counting in memory. After a failure Redis is skipped for a
// cool-down, so an outage costs one timeout per cool-down rather than one per request.
//
// Memory also mirrors Redis: every charge is added there too, and raised to what Redis reports, so
// memory holds max(Redis, this instance's own charges). Decisions use that maximum, which keeps
// charges made here during an outage counted after Redis comes back (they are not replayed into Redis:
// other instances do not see them).
import type { Clock } from '../clock.js';
import type { Logger } from '../logging.js';
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
  private skipPrimaryUntil = 0;
  private readonly coolDownMs: number;
  readonly clock: Clock;

  constructor(private readonly options: ResilientCounterStoreOptions) {
    this.coolDownMs = options.coolDownMs ?? 15_000;
    this.clock = options.fallback.clock;
  }

  /** This instance's counters (kept when the shared store is replaced). */
  get fallback(): MemoryCounterStore {
    return this.options.fallback;
  }

  async get(key: string, expireAtMs: number): Promise<CounterReading> {
    const { fallback } = this.options;
    const shared = await this.tryPrimary((primary) => primary.get(key));
    if (shared !== undefined) fallback.raise(key, shared, expireAtMs);
    return { value: fallback.getSync(key), source: shared === undefined ? 'memory' : 'redis' };
  }

  async add(key: string, amount: number, expireAtMs: number): Promise<CounterReading> {
    const { fallback } = this.options;
    const shared = await this.tryPrimary((primary) => primary.add(key, amount, expireAtMs));
    const local = fallback.addSync(key, amount, expireAtMs);
    if (shared === undefined) return { value: local, source: 'memory' };
    fallback.raise(key, shared, expireAtMs);
    return { value: fallback.getSync(key), source: 'redis' };
  }

  private async tryPrimary(operation: (primary: CounterStore) => Promise<number>): Promise<number | undefined> {
    const { primary, log } = this.options;
    if (!primary || this.clock() < this.skipPrimaryUntil) return undefined;
    try {
      return await operation(primary);
    } catch (err) {
      this.skipPrimaryUntil = this.clock() + this.coolDownMs;
      log.warn('budget store unavailable; counting in memory', { error: err, coolDownMs: this.coolDownMs });
      return undefined;
    }
  }
}
