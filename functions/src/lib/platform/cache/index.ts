// getCache(namespace): the process-wide cache for a namespace, Upstash-backed when configured, with an
// in-memory LRU fallback. Keys are stored as `cache:<namespace>:<key>`.
import { getRedis } from '../redis.js';
import { rootLogger } from '../logging.js';
import { MemoryLruCache } from './memory-lru.js';
import { ResilientCache } from './resilient-cache.js';
import { UpstashCache } from './upstash-cache.js';
import type { Cache } from './types.js';

export type { Cache } from './types.js';
export { MemoryLruCache } from './memory-lru.js';
export { ResilientCache } from './resilient-cache.js';
export { UpstashCache } from './upstash-cache.js';

const caches = new Map<string, { redis: unknown; cache: Cache }>();

export function getCache(namespace = 'default'): Cache {
  const redis = getRedis();
  const existing = caches.get(namespace);
  if (existing && existing.redis === redis) return existing.cache;
  const cache = new ResilientCache({
    primary: redis ? new UpstashCache(redis, `cache:${namespace}:`) : null,
    fallback: new MemoryLruCache(),
    log: rootLogger.child({ component: 'cache', namespace }),
  });
  caches.set(namespace, { redis, cache });
  return cache;
}
