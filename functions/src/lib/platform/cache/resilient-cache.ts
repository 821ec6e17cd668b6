// Shared cache first, this instance's memory when the shared one is absent or failing.
// A cache failure never fails a request: it is logged as a warning and reads become misses
// (or hits on what this instance stored in memory meanwhile); the cool-down is shared-store.ts's.
import type { Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import { SharedStore } from '../shared-store.js';
import type { Cache } from './types.js';
import type { MemoryLruCache } from './memory-lru.js';

export interface ResilientCacheOptions {
  primary: Cache | null;
  fallback: MemoryLruCache;
  log: Logger;
  coolDownMs?: number;
  clock?: Clock;
}

export class ResilientCache implements Cache {
  private readonly shared: SharedStore<Cache>;

  constructor(private readonly options: ResilientCacheOptions) {
    this.shared = new SharedStore({
      store: options.primary,
      log: options.log,
      failureMessage: 'cache store unavailable; using in-memory cache',
      coolDownMs: options.coolDownMs,
      clock: options.clock,
    });
  }

  async get<T>(key: string): Promise<T | undefined> {
    const shared = await this.shared.attempt('get', (primary) => primary.get<T>(key));
    return shared ? shared.value : this.options.fallback.get<T>(key);
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    const shared = await this.shared.attempt('set', (primary) => primary.set(key, value, ttlSeconds));
    if (!shared) await this.options.fallback.set(key, value, ttlSeconds);
  }

  async delete(key: string): Promise<void> {
    // Always clear memory too: it may hold a value written during an outage.
    await this.options.fallback.delete(key);
    await this.shared.attempt('delete', (primary) => primary.delete(key));
  }
}
