// What every caller's matching request reads alike, kept per instance for a short while: the
// prepared people and event pools (and, for the assistant's find_events, the upcoming events with
// their attendance). None of it is per-caller, none of it leaves the server, and nothing stale can
// show a hidden person or a gone event: both rankings re-read their winners on every request
// (exclusions.ts, event-pool-retrieval.ts), and blocks are read fresh. What staleness can do, for at
// most the TTL: a new or edited profile or event is ranked a little late, and find_events may still
// show someone an event they just joined. Tests that write between requests turn it off
// (MatchingOptions.sharedCache).
//
// Concurrent requests share one load (the promise is cached); a failed load is not kept.

import { systemClock, type Clock } from '../../platform/clock.js';
export const SHARED_CACHE_TTL_MS = 60_000;
/** Keys held at once (the pool, and a few event windows): the oldest goes first. */
export const SHARED_CACHE_MAX_KEYS = 8;

export class SharedMatchCache {
  private readonly entries = new Map<string, { expires: number; value: Promise<unknown> }>();

  constructor(
    private readonly ttlMs = SHARED_CACHE_TTL_MS,
    private readonly clock: Clock = systemClock,
  ) {}

  /** The cached value for `key`, or what `load` gives (then cached for the TTL). */
  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.clock();
    const hit = this.entries.get(key);
    if (hit !== undefined && hit.expires > now) return hit.value as Promise<T>;
    this.entries.delete(key);
    const value = load();
    this.entries.set(key, { expires: now + this.ttlMs, value });
    while (this.entries.size > SHARED_CACHE_MAX_KEYS) this.entries.delete(this.entries.keys().next().value as string);
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The instance's cache (matchServiceDeps hands it out unless MatchingOptions.sharedCache is false). */
export const instanceSharedCache = new SharedMatchCache();
