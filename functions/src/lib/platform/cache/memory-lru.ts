// In-memory LRU cache: bounded by entry count and by total stored bytes, TTL honoured on read.
import { systemClock, type Clock } from '../clock.js';
import { ttlToWholeSeconds, type Cache } from './types.js';

interface Entry {
  json: string;
  expiresAt: number;
}

export interface MemoryLruOptions {
  maxEntries?: number;
  /** Budget for all stored values, counted in JSON characters (about bytes for mostly-ASCII data). */
  maxBytes?: number;
  clock?: Clock;
}

export class MemoryLruCache implements Cache {
  private readonly entries = new Map<string, Entry>(); // insertion order = least recently used first
  private bytes = 0;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly clock: Clock;

  constructor(options: MemoryLruOptions = {}) {
    this.maxEntries = options.maxEntries ?? 1000;
    this.maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
    this.clock = options.clock ?? systemClock;
  }

  get size(): number {
    return this.entries.size;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock()) {
      this.remove(key, entry);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return JSON.parse(entry.json) as T;
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    const expiresAt = this.clock() + ttlToWholeSeconds(ttlSeconds) * 1000;
    const json = JSON.stringify(value);
    if (json === undefined) throw new TypeError('value is not JSON-serialisable');
    const existing = this.entries.get(key);
    if (existing) this.remove(key, existing);
    // A single value larger than the whole budget is not cached at all.
    if (json.length > this.maxBytes) return;
    this.entries.set(key, { json, expiresAt });
    this.bytes += json.length;
    this.evict();
  }

  async delete(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (entry) this.remove(key, entry);
  }

  /** Deletes every entry whose key `matches` (a user's data being erased); returns how many. */
  deleteWhere(matches: (key: string) => boolean): number {
    let deleted = 0;
    for (const [key, entry] of [...this.entries]) {
      if (!matches(key)) continue;
      this.remove(key, entry);
      deleted++;
    }
    return deleted;
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.json.length;
  }

  private evict(): void {
    const now = this.clock();
    for (const [key, entry] of this.entries) {
      const overBudget = this.entries.size > this.maxEntries || this.bytes > this.maxBytes;
      if (!overBudget && entry.expiresAt > now) break;
      this.remove(key, entry);
    }
  }
}
