// Per-user cache keys (src/lib/platform/cache/user-keys.ts) and the memory side of forgetting them.
import { describe, expect, it } from 'vitest';
import { MemoryLruCache } from '../../../../src/lib/platform/cache/memory-lru.js';
import { isUserCacheKey, ownerOfCacheKey, userCacheKey } from '../../../../src/lib/platform/cache/user-keys.js';

describe('userCacheKey', () => {
  it.each(['abc', 'a:b', 'u3:abc', '', 'ü🙂'])('round-trips uid %j exactly', (uid) => {
    const key = userCacheKey(uid, 'v3:rest:with:colons');
    expect(ownerOfCacheKey(key)).toEqual({ uid, rest: 'v3:rest:with:colons' });
    expect(isUserCacheKey(key, uid)).toBe(true);
    expect(isUserCacheKey(key, `${uid}x`)).toBe(false);
  });

  it('is never confused between a uid and a longer one that starts with it', () => {
    expect(isUserCacheKey(userCacheKey('ab:c', 'x'), 'ab')).toBe(false);
    expect(isUserCacheKey(userCacheKey('ab', 'c:x'), 'ab:c')).toBe(false);
  });

  it('reads no owner from other keys', () => {
    for (const key of ['v2:abcd', 'u:abc', 'u5:abc', 'u3:abcd', 'u99999:x'])
      expect(ownerOfCacheKey(key)).toBeUndefined();
  });

  it('lets the memory cache drop one user’s entries and keep everyone else’s', async () => {
    const cache = new MemoryLruCache();
    await cache.set(userCacheKey('ab', 'v3:1'), 'a', 60);
    await cache.set(userCacheKey('ab', 'v3:2'), 'b', 60);
    await cache.set(userCacheKey('abc', 'v3:1'), 'c', 60);
    expect(cache.deleteWhere((key) => isUserCacheKey(key, 'ab'))).toBe(2);
    expect(cache.size).toBe(1);
    expect(await cache.get(userCacheKey('abc', 'v3:1'))).toBe('c');
  });
});
