// The instance's cache of a namespace: the shared cache first, this instance's memory when it is absent
// or failing (shared-store.ts). A cache failure never fails a request: reads become misses, or hits on
// what this instance stored in memory meanwhile.
import { instanceStore, StoreWithFallback, type FallbackOptions } from '../shared-store.js';
import { MemoryLruCache } from './memory-lru.js';
import type { Cache } from './types.js';
import { UpstashCache } from './upstash-cache.js';
import { isUserCacheKey } from './user-keys.js';

export const CACHE_KEY_PREFIX = 'cache:';

export class ResilientCache extends StoreWithFallback<Cache, MemoryLruCache> implements Cache {
  constructor(options: FallbackOptions<Cache, MemoryLruCache>) {
    super(options, 'cache store unavailable; using in-memory cache');
  }

  async get<T>(key: string): Promise<T | undefined> {
    const shared = await this.attempt('get', (primary) => primary.get<T>(key));
    return shared ? shared.value : this.fallback.get<T>(key);
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    const shared = await this.attempt('set', (primary) => primary.set(key, value, ttlSeconds));
    if (!shared) await this.fallback.set(key, value, ttlSeconds);
  }

  async delete(key: string): Promise<void> {
    // Always clear memory too: it may hold a value written during an outage.
    await this.fallback.delete(key);
    await this.attempt('delete', (primary) => primary.delete(key));
  }
}

/** The process-wide cache of `namespace`; its Redis keys are `cache:<namespace>:<key>`. */
export function getCache(namespace = 'default'): ResilientCache {
  return instanceStore<Cache, MemoryLruCache, ResilientCache>({
    component: 'cache',
    name: namespace,
    logFields: { namespace },
    memory: () => new MemoryLruCache(),
    shared: (redis) => new UpstashCache(redis, `${CACHE_KEY_PREFIX}${namespace}:`),
    create: (options) => new ResilientCache(options),
    forgetUser: (memory, uid) => memory.deleteWhere((key) => isUserCacheKey(key, uid)),
  });
}
