// getCache(namespace): the process-wide cache for a namespace, Upstash-backed when configured, with an
// in-memory LRU fallback. Keys are stored as `cache:<namespace>:<key>`; a user's entries have keys
// made by userCacheKey (user-keys.ts), so forgetUserCacheEntries can remove them.
import { getRedis } from '../redis.js';
import { rootLogger } from '../logging.js';
import { deleteScannedKeys, globLiteral } from '../redis-scan.js';
import { MemoryLruCache } from './memory-lru.js';
import { ResilientCache } from './resilient-cache.js';
import { UpstashCache } from './upstash-cache.js';
import type { Cache } from './types.js';
import { isUserCacheKey, userCacheKey } from './user-keys.js';

export type { Cache } from './types.js';
export { MemoryLruCache } from './memory-lru.js';
export { ResilientCache } from './resilient-cache.js';
export { UpstashCache } from './upstash-cache.js';
export { userCacheKey } from './user-keys.js';

export const CACHE_KEY_PREFIX = 'cache:';

const caches = new Map<string, { redis: unknown; cache: Cache; memory: MemoryLruCache }>();

export function getCache(namespace = 'default'): Cache {
  const redis = getRedis();
  const existing = caches.get(namespace);
  if (existing && existing.redis === redis) return existing.cache;
  const memory = new MemoryLruCache();
  const cache = new ResilientCache({
    primary: redis ? new UpstashCache(redis, `${CACHE_KEY_PREFIX}${namespace}:`) : null,
    fallback: memory,
    log: rootLogger.child({ component: 'cache', namespace }),
  });
  caches.set(namespace, { redis, cache, memory });
  return cache;
}

/**
 * Removes `uid`'s entries of `namespace` (only those whose key, after the owner, starts with
 * `restPrefix`) from this instance's memory and from Redis. Returns the Redis keys deleted. Redis
 * failures are thrown: the caller decides what a left-over entry means.
 */
export async function forgetUserCacheEntries(
  uid: string,
  scope: { namespace: string; restPrefix?: string },
): Promise<number> {
  const restPrefix = scope.restPrefix ?? '';
  caches.get(scope.namespace)?.memory.deleteWhere((key) => isUserCacheKey(key, uid, restPrefix));
  const redis = getRedis();
  if (!redis) return 0;
  const prefix = `${CACHE_KEY_PREFIX}${scope.namespace}:`;
  return deleteScannedKeys(
    redis,
    `${globLiteral(prefix + userCacheKey(uid, restPrefix))}*`,
    (key) => key.startsWith(prefix) && isUserCacheKey(key.slice(prefix.length), uid, restPrefix),
  );
}

/** Removes every entry of `uid`, in every namespace, from this instance's memory (Redis: redis-key-owner.ts). */
export function forgetUserCacheEntriesInMemory(uid: string): void {
  for (const { memory } of caches.values()) memory.deleteWhere((key) => isUserCacheKey(key, uid));
}
