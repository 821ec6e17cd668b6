// Which user a Redis key names (src/lib/platform/redis-key-owner.ts), for every key family the
// functions write, with uids that hold the separators, and the one-pass SCAN deletion over a fake
// keyspace that answers SCAN with real glob semantics.
import { describe, expect, it } from 'vitest';
import { userCacheKey } from '../../../src/lib/platform/cache/user-keys.js';
import { deleteUserRedisKeys, redisKeyOwner } from '../../../src/lib/platform/redis-key-owner.js';
import { globLiteral, type ScanningRedis } from '../../../src/lib/platform/redis-scan.js';

const ODD_UIDS = ['Zk3q9', 'a:b', 'x*y?[z]\\', 'ü🙂', 'budget:tokens:2026-12-01:x', '123'];

describe('redisKeyOwner', () => {
  it.each(ODD_UIDS)('reads uid %j back from every family', (uid) => {
    expect(redisKeyOwner(`ratelimit:chat:${uid}:29456789`)).toBe(uid);
    expect(redisKeyOwner(`budget:tokens:2026-12-07:${uid}`)).toBe(uid);
    expect(redisKeyOwner(`budget:images:2026-12-07:${uid}`)).toBe(uid);
    expect(redisKeyOwner(`cache:chat:${userCacheKey(uid, 'v3:abc')}`)).toBe(uid);
    expect(redisKeyOwner(`cache:match-explanations:${userCacheKey(uid, 'digest')}`)).toBe(uid);
  });

  it('names nobody for keys of other layouts', () => {
    for (const key of [
      'cache:chat:v2:0123abcd',
      'cache:pool:s01',
      'ratelimit:chat',
      'budget:tokens:x',
      'other:u3:abc:x',
      'u3:abc:x',
    ])
      expect([key, redisKeyOwner(key)]).toEqual([key, undefined]);
  });
});

/** A keyspace that answers SCAN with MATCH as Redis does (glob with \\ escapes), two keys per page. */
function fakeRedis(keys: string[]): ScanningRedis & { keys: Set<string> } {
  const store = new Set(keys);
  const ordered = [...keys].sort();
  const toRegex = (glob: string) => {
    let source = '';
    for (let i = 0; i < glob.length; i++) {
      const c = glob[i];
      if (c === '\\') source += glob[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      else if (c === '*') source += '[\\s\\S]*';
      else if (c === '?') source += '[\\s\\S]';
      else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
    return new RegExp(`^${source}$`);
  };
  return {
    keys: store,
    scan: (async (cursor: string | number, opts: { match: string }) => {
      // As Redis guarantees: a key present for the whole scan is returned, deletions in between or not.
      const start = Number(cursor);
      const page = ordered.slice(start, start + 2).filter((key) => store.has(key) && toRegex(opts.match).test(key));
      const next = start + 2 >= ordered.length ? '0' : String(start + 2);
      return [next, page];
    }) as ScanningRedis['scan'],
    del: (async (...names: string[]) => names.filter((name) => store.delete(name)).length) as ScanningRedis['del'],
  };
}

describe('deleteUserRedisKeys', () => {
  it('deletes every key naming the uid, across pages, and no key of a uid that contains it', async () => {
    const uid = 'a*b';
    const ours = [
      `ratelimit:chat:${uid}:1`,
      `ratelimit:image:${uid}:2`,
      `budget:tokens:2026-12-07:${uid}`,
      `cache:chat:${userCacheKey(uid, 'v3:d1')}`,
      `cache:match-explanations:${userCacheKey(uid, 'd2')}`,
    ];
    const theirs = [
      'ratelimit:chat:xa*by:1',
      `budget:tokens:2026-12-07:${uid}x`,
      `cache:chat:${userCacheKey(`${uid}:`, 'v3:d1')}`,
      'cache:chat:v2:a*b',
      'ratelimit:chat:axb:1', // what an unescaped * would have matched
    ];
    const redis = fakeRedis([...ours, ...theirs]);
    expect(await deleteUserRedisKeys(redis, uid)).toBe(ours.length);
    expect([...redis.keys].sort()).toEqual([...theirs].sort());
  });

  it('escapes every glob character', () => {
    expect(globLiteral('a*b?c[d]e\\f')).toBe('a\\*b\\?c\\[d\\]e\\\\f');
  });
});
