import { describe, expect, it } from 'vitest';
import { MemoryLruCache } from '../../../../src/lib/platform/cache/memory-lru.js';

describe('MemoryLruCache', () => {
  it('round-trips JSON values as copies', async () => {
    const cache = new MemoryLruCache();
    const value = { a: [1, 'two', null], b: { c: true } };
    await cache.set('k', value, 60);
    const read = await cache.get<typeof value>('k');
    expect(read).toEqual(value);
    expect(read).not.toBe(value);
    await cache.set('s', '123', 60);
    expect(await cache.get('s')).toBe('123');
  });

  it('honours the TTL', async () => {
    let now = 0;
    const cache = new MemoryLruCache({ clock: () => now });
    await cache.set('k', 1, 1.2); // rounds up to 2 s
    now = 1_999;
    expect(await cache.get('k')).toBe(1);
    now = 2_000;
    expect(await cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used entry past maxEntries', async () => {
    const cache = new MemoryLruCache({ maxEntries: 2 });
    await cache.set('a', 1, 60);
    await cache.set('b', 2, 60);
    await cache.get('a'); // a is now most recent
    await cache.set('c', 3, 60);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBe(1);
    expect(await cache.get('c')).toBe(3);
  });

  it('stays within maxBytes and skips values larger than the whole budget', async () => {
    const cache = new MemoryLruCache({ maxBytes: 100 });
    for (let i = 0; i < 10; i++) await cache.set(`k${i}`, 'x'.repeat(30), 60);
    expect(cache.size).toBeLessThanOrEqual(3);
    expect(await cache.get('k9')).toBe('x'.repeat(30));
    await cache.set('huge', 'y'.repeat(200), 60);
    expect(await cache.get('huge')).toBeUndefined();
  });

  it('deletes, and rejects non-positive TTLs and non-JSON values', async () => {
    const cache = new MemoryLruCache();
    await cache.set('k', 1, 60);
    await cache.delete('k');
    expect(await cache.get('k')).toBeUndefined();
    await expect(cache.set('k', 1, 0)).rejects.toThrow(RangeError);
    await expect(cache.set('k', undefined, 10)).rejects.toThrow(TypeError);
  });
});
