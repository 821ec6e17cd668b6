// StoreWithFallback: the shared side of the cache, the rate limits and the budgets, with its cool-down;
// and the registry of this instance's stores.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/lib/platform/logging.js';
import {
  forgetUserInInstanceStores,
  instanceStore,
  StoreWithFallback,
  type FallbackOptions,
} from '../../../src/lib/platform/shared-store.js';
import { scopedEnv } from '../../support/env.js';

interface Readable {
  read(): Promise<number>;
}

/** Reads the shared store, or answers `fallback.value` without one. */
class Probe extends StoreWithFallback<Readable, { value: number }> {
  constructor(options: FallbackOptions<Readable, { value: number }>) {
    super(options, 'store down; using memory');
  }
  async read(): Promise<number> {
    const shared = await this.attempt('read', (store) => store.read());
    return shared ? shared.value : this.fallback.value;
  }
}

function setup(primary: Readable | null) {
  let now = 1_000;
  const warnings: Array<{ message: string; fields: Record<string, unknown> }> = [];
  const log = { ...createLogger(), warn: (message: string, fields = {}) => warnings.push({ message, fields }) };
  const probe = new Probe({ primary, fallback: { value: -1 }, log, coolDownMs: 5_000, clock: () => now });
  return { probe, warnings, advance: (ms: number) => (now += ms) };
}

describe('StoreWithFallback', () => {
  it('answers from memory without a store, and with the value of a working one', async () => {
    expect(await setup(null).probe.read()).toBe(-1);
    const { probe, warnings } = setup({ read: async () => 7 });
    expect(await probe.read()).toBe(7);
    expect(warnings).toEqual([]);
  });

  it('after a failure skips the store for the cool-down, logging once, then tries it again', async () => {
    let calls = 0;
    let failing = true;
    const store = {
      read: async () => {
        calls++;
        if (failing) throw new Error('ETIMEDOUT');
        return 3;
      },
    };
    const { probe, warnings, advance } = setup(store);
    expect(await probe.read()).toBe(-1);
    advance(4_999);
    expect(await probe.read()).toBe(-1);
    expect(calls).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toBe('store down; using memory');
    expect(warnings[0].fields).toMatchObject({ operation: 'read', coolDownMs: 5_000 });
    failing = false;
    advance(1);
    expect(await probe.read()).toBe(3);
    expect(calls).toBe(2);
  });
});

describe('instanceStore', () => {
  const setEnv = scopedEnv();

  function spec(name: string, forgotten: string[], built: { shared: number }) {
    return {
      component: 'test',
      name,
      logFields: { name },
      memory: () => ({ value: 0 }),
      shared: (): Readable => {
        built.shared++;
        return { read: async () => 1 };
      },
      create: (options: FallbackOptions<Readable, { value: number }>) => new Probe(options),
      forgetUser: (_memory: { value: number }, uid: string) => void forgotten.push(`${name}:${uid}`),
    };
  }

  it('keeps one store per name, rebuilds only its shared side when the Redis client changes, and forgets users in all', async () => {
    setEnv({ UPSTASH_REDIS_REST_URL: '', UPSTASH_REDIS_REST_TOKEN: '' });
    const forgotten: string[] = [];
    const built = { shared: 0 };
    const a = instanceStore(spec('a', forgotten, built));
    expect(instanceStore(spec('a', forgotten, built))).toBe(a);
    expect(await a.read()).toBe(0); // no Redis configured: memory answers
    a.fallback.value = 5;
    const b = instanceStore(spec('b', forgotten, built));
    expect(b).not.toBe(a);

    setEnv({ UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:9', UPSTASH_REDIS_REST_TOKEN: 'test-token' });
    const a2 = instanceStore(spec('a', forgotten, built));
    expect(a2).not.toBe(a);
    expect(a2.fallback).toBe(a.fallback); // this instance's memory outlives the client change
    expect(built.shared).toBe(1);
    expect(await a2.read()).toBe(1);

    forgetUserInInstanceStores('u1');
    expect(forgotten).toEqual(expect.arrayContaining(['a:u1', 'b:u1']));
  });
});
