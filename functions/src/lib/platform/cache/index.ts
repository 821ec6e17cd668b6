// getCache(namespace): the process-wide cache for a namespace (resilient-cache.ts). A user's entries
// have keys made by userCacheKey (user-keys.ts), so forgetUserCacheEntries can remove them.
import { getRedis } from '../redis.js';
import { deleteScannedKeys, globLiteral } from '../redis-scan.js';
import { CACHE_KEY_PREFIX, getCache } from './resilient-cache.js';
import { isUserCacheKey, userCacheKey } from './user-keys.js';

export type { Cache } from './types.js';
export { MemoryLruCache } from './memory-lru.js';
export { CACHE_KEY_PREFIX, getCache, ResilientCache } from './resilient-cache.js';
export { UpstashCache } from './upstash-cache.js';
export { userCacheKey } from './user-keys.js';

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
  getCache(scope.namespace).fallback.deleteWhere((key) => isUserCacheKey(key, uid, restPrefix));
  const redis = getRedis();
  if (!redis) return 0;
  const prefix = `${CACHE_KEY_PREFIX}${scope.namespace}:`;
  return deleteScannedKeys(
    redis,
    `${globLiteral(prefix + userCacheKey(uid, restPrefix))}*`,
    (key) => key.startsWith(prefix) && isUserCacheKey(key.slice(prefix.length), uid, restPrefix),
  );
}
