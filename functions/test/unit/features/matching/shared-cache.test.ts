import { describe, expect, it } from 'vitest';
import { SharedMatchCache, SHARED_CACHE_MAX_KEYS } from '../../../../src/lib/features/matching/shared-cache.js';

describe('SharedMatchCache', () => {
  it('loads once per key within the TTL, again after it, and shares one load between concurrent callers', async () => {
    let now = 0;
    let loads = 0;
    const cache = new SharedMatchCache(1_000, () => now);
    const load = async () => ++loads;
    const [a, b] = await Promise.all([cache.get('pool', load), cache.get('pool', load)]);
    expect([a, b, loads]).toEqual([1, 1, 1]);
    now = 999;
    expect(await cache.get('pool', load)).toBe(1);
    now = 1_000;
    expect(await cache.get('pool', load)).toBe(2);
    expect(await cache.get('events:1', load)).toBe(3);
  });

  it('does not keep a failed load, and holds at most a few keys', async () => {
    const cache = new SharedMatchCache(60_000, () => 0);
    await expect(cache.get('pool', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('pool', async () => 'ok')).toBe('ok');
    let loads = 0;
    for (let i = 0; i <= SHARED_CACHE_MAX_KEYS; i++) await cache.get(`k${i}`, async () => ++loads);
    // k0 was the oldest and went when the limit was passed: it loads again.
    await cache.get('k0', async () => ++loads);
    expect(loads).toBe(SHARED_CACHE_MAX_KEYS + 2);
  });
});
