// Which user a Redis key names, for every key family the functions write (the data map,
// docs/data.md, lists them):
//
//   ratelimit:<bucket>:<uid>:<window>         @upstash/ratelimit's sliding window (rate-limit/)
//   budget:<tokens|images>:<YYYY-MM-DD>:<uid> the daily AI budgets (budget/)
//   cache:<namespace>:u<n>:<uid>:<rest>       per-user cache entries (cache/user-keys.ts)
//
// Each layout fixes where the uid starts and ends, so the owner is exact for any uid; keys of other
// layouts (shared cache entries) name nobody.
import { ownerOfCacheKey } from './cache/user-keys.js';
import { CACHE_KEY_PREFIX } from './cache/index.js';
import { BUDGET_KEY_PREFIX } from './budget/upstash-store.js';
import { RATE_LIMIT_KEY_PREFIX } from './rate-limit/upstash-limiter.js';
import { deleteScannedKeys, globLiteral, type ScanningRedis } from './redis-scan.js';

const RATE_LIMIT_KEY = new RegExp(`^${RATE_LIMIT_KEY_PREFIX}:[^:]+:([\\s\\S]*):\\d+$`);
const BUDGET_KEY = new RegExp(`^${BUDGET_KEY_PREFIX}:(?:tokens|images):\\d{4}-\\d{2}-\\d{2}:([\\s\\S]*)$`);
const CACHE_KEY = new RegExp(`^${CACHE_KEY_PREFIX}[^:]+:([\\s\\S]*)$`);

/** The uid a key belongs to, or undefined when it belongs to nobody. */
export function redisKeyOwner(key: string): string | undefined {
  const limit = RATE_LIMIT_KEY.exec(key);
  if (limit) return limit[1];
  const budget = BUDGET_KEY.exec(key);
  if (budget) return budget[1];
  const cache = CACHE_KEY.exec(key);
  return cache ? ownerOfCacheKey(cache[1])?.uid : undefined;
}

/** Deletes every key that names `uid` (one SCAN pass over the keys containing it); returns how many. */
export function deleteUserRedisKeys(redis: ScanningRedis, uid: string): Promise<number> {
  return deleteScannedKeys(redis, `*${globLiteral(uid)}*`, (key) => redisKeyOwner(key) === uid);
}
