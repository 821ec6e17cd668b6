// This instance's counters: the fallback when Redis is absent or failing, and a mirror of what Redis
// last said, so a fallback starts from the user's known usage instead of from zero.
// Memory is bounded: expired keys go first, then the least recently used beyond `maxKeys` (they lose
// their counts: bounded memory wins, as in rate-limit/memory-sliding-window.ts).
import { systemClock, type Clock } from '../clock.js';
import type { CounterStore } from './types.js';

interface Counter {
  value: number;
  expireAtMs: number;
}

export interface MemoryCounterStoreOptions {
  maxKeys?: number;
  clock?: Clock;
}

export class MemoryCounterStore implements CounterStore {
  private readonly counters = new Map<string, Counter>(); // insertion order = least recently used first
  private readonly maxKeys: number;
  readonly clock: Clock;

  constructor(options: MemoryCounterStoreOptions = {}) {
    this.maxKeys = options.maxKeys ?? 10_000;
    this.clock = options.clock ?? systemClock;
  }

  get size(): number {
    return this.counters.size;
  }

  get(key: string): Promise<number> {
    return Promise.resolve(this.getSync(key));
  }

  add(key: string, amount: number, expireAtMs: number): Promise<number> {
    return Promise.resolve(this.addSync(key, amount, expireAtMs));
  }

  getSync(key: string): number {
    return this.live(key)?.value ?? 0;
  }

  addSync(key: string, amount: number, expireAtMs: number): number {
    const value = (this.live(key)?.value ?? 0) + amount;
    this.store(key, { value, expireAtMs });
    return value;
  }

  /** Drops every counter whose key `matches` (a user's data being erased); returns how many. */
  forgetWhere(matches: (key: string) => boolean): number {
    let dropped = 0;
    for (const key of [...this.counters.keys()]) if (matches(key) && this.counters.delete(key)) dropped++;
    return dropped;
  }

  /** Records a value the shared store reported, unless this instance already knows a higher one. */
  raise(key: string, value: number, expireAtMs: number): void {
    if (value > (this.live(key)?.value ?? 0)) this.store(key, { value, expireAtMs });
  }

  private live(key: string): Counter | undefined {
    const counter = this.counters.get(key);
    if (counter && counter.expireAtMs <= this.clock()) {
      this.counters.delete(key);
      return undefined;
    }
    return counter;
  }

  private store(key: string, counter: Counter): void {
    this.counters.delete(key); // re-insert: most recently used
    this.counters.set(key, counter);
    const now = this.clock();
    for (const [oldKey, old] of this.counters) {
      if (old.expireAtMs > now && this.counters.size <= this.maxKeys) break;
      this.counters.delete(oldKey);
    }
  }
}
