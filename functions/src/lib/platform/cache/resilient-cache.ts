// Shared cache first, this instance's memory when the shared one is absent or failing.
// A cache failure never fails a request: it is logged as a warning and reads become misses
// (or hits on what this instance stored in memory meanwhile). After a failure the shared cache is
// skipped for a cool-down, so a hung Redis costs one timeout per cool-down, not one per call.
import { systemClock, type Clock } from '../clock.js';
import { describeError, type Logger } from '../logging.js';
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
  private skipPrimaryUntil = 0;
  private readonly coolDownMs: number;
  private readonly clock: Clock;

  constructor(private readonly options: ResilientCacheOptions) {
    this.coolDownMs = options.coolDownMs ?? 15_000;
    this.clock = options.clock ?? systemClock;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const primary = this.usablePrimary();
    if (primary) {
      try {
        return await primary.get<T>(key);
      } catch (err) {
        this.markFailed('get', err);
      }
    }
    return this.options.fallback.get<T>(key);
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    const primary = this.usablePrimary();
    if (primary) {
      try {
        await primary.set(key, value, ttlSeconds);
        return;
      } catch (err) {
        this.markFailed('set', err);
      }
    }
    await this.options.fallback.set(key, value, ttlSeconds);
  }

  async delete(key: string): Promise<void> {
    // Always clear memory too: it may hold a value written during an outage.
    await this.options.fallback.delete(key);
    const primary = this.usablePrimary();
    if (!primary) return;
    try {
      await primary.delete(key);
    } catch (err) {
      this.markFailed('delete', err);
    }
  }

  private usablePrimary(): Cache | null {
    return this.options.primary && this.clock() >= this.skipPrimaryUntil ? this.options.primary : null;
  }

  private markFailed(operation: string, err: unknown): void {
    this.skipPrimaryUntil = this.clock() + this.coolDownMs;
    this.options.log.warn('cache store unavailable; using in-memory cache', {
      operation,
      error: describeError(err),
      coolDownMs: this.coolDownMs,
    });
  }
}
