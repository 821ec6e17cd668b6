// The instance's counters of a budget kind: the shared counters first, this instance's memory when they
// are absent or failing (shared-store.ts). A budget is never lifted by an outage and an outage never
// becomes a 5xx: each instance keeps counting in memory.
//
// Memory also mirrors Redis: every charge is added there too, and raised to what Redis reports, so
// memory holds max(Redis, this instance's own charges). Decisions use that maximum, which keeps
// charges made here during an outage counted after Redis comes back (they are not replayed into Redis:
// other instances do not see them).
import { instanceStore, StoreWithFallback, type FallbackOptions } from '../shared-store.js';
import { DailyBudget } from './daily-budget.js';
import { MemoryCounterStore } from './memory-store.js';
import type { BudgetKind, CounterStore } from './types.js';
import { UpstashCounterStore } from './upstash-store.js';

export interface CounterReading {
  value: number;
  source: 'redis' | 'memory';
}

export class ResilientCounterStore extends StoreWithFallback<CounterStore, MemoryCounterStore> {
  /** The memory's clock is the store's clock (cool-downs, expiries, budget days). */
  constructor(options: Omit<FallbackOptions<CounterStore, MemoryCounterStore>, 'clock'>) {
    super({ ...options, clock: options.fallback.clock }, 'budget store unavailable; counting in memory');
  }

  async get(key: string, expireAtMs: number): Promise<CounterReading> {
    const shared = await this.attempt('get', (primary) => primary.get(key));
    if (shared) this.fallback.raise(key, shared.value, expireAtMs);
    return { value: this.fallback.getSync(key), source: shared ? 'redis' : 'memory' };
  }

  async add(key: string, amount: number, expireAtMs: number): Promise<CounterReading> {
    const shared = await this.attempt('add', (primary) => primary.add(key, amount, expireAtMs));
    const local = this.fallback.addSync(key, amount, expireAtMs);
    if (!shared) return { value: local, source: 'memory' };
    this.fallback.raise(key, shared.value, expireAtMs);
    return { value: this.fallback.getSync(key), source: 'redis' };
  }
}

/** Counter keys are `<kind>:<day>:<uid>` (daily-budget.ts): the uid is what follows the day. */
const OWNER = /^[a-z]+:\d{4}-\d{2}-\d{2}:([\s\S]*)$/;

/** The daily budget of `kind` at `limit` units, or undefined when the limit is 0 (off). */
export function getDailyBudget(kind: BudgetKind, limit: number): DailyBudget | undefined {
  if (limit <= 0) return undefined;
  const counters = instanceStore<CounterStore, MemoryCounterStore, ResilientCounterStore>({
    component: 'budget',
    name: kind,
    logFields: { budget: kind },
    memory: () => new MemoryCounterStore(),
    shared: (redis) => new UpstashCounterStore(redis),
    create: (options) => new ResilientCounterStore(options),
    forgetUser: (memory, uid) => memory.forgetWhere((key) => OWNER.exec(key)?.[1] === uid),
  });
  return new DailyBudget(kind, limit, counters);
}
