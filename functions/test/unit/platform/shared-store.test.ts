// SharedStore: the shared side of the cache, the rate limits and the budgets, with its cool-down.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/lib/platform/logging.js';
import { SharedStore } from '../../../src/lib/platform/shared-store.js';

function setup(store: { read(): Promise<number> } | null) {
  let now = 1_000;
  const warnings: Array<{ message: string; fields: Record<string, unknown> }> = [];
  const log = { ...createLogger(), warn: (message: string, fields = {}) => warnings.push({ message, fields }) };
  const shared = new SharedStore({
    store,
    log,
    failureMessage: 'store down; using memory',
    coolDownMs: 5_000,
    clock: () => now,
  });
  return { shared, warnings, advance: (ms: number) => (now += ms) };
}

describe('SharedStore', () => {
  it('answers undefined without a store, and the value of a working one', async () => {
    expect(await setup(null).shared.attempt('read', (s) => s.read())).toBeUndefined();
    const { shared, warnings } = setup({ read: async () => 7 });
    expect(await shared.attempt('read', (s) => s.read())).toEqual({ value: 7 });
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
    const { shared, warnings, advance } = setup(store);
    expect(await shared.attempt('read', (s) => s.read())).toBeUndefined();
    advance(4_999);
    expect(await shared.attempt('read', (s) => s.read())).toBeUndefined();
    expect(calls).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toBe('store down; using memory');
    expect(warnings[0].fields).toMatchObject({ operation: 'read', coolDownMs: 5_000 });
    failing = false;
    advance(1);
    expect(await shared.attempt('read', (s) => s.read())).toEqual({ value: 3 });
    expect(calls).toBe(2);
  });

  it('keeps a value of undefined apart from no answer', async () => {
    const { shared } = setup({ read: async () => undefined as unknown as number });
    expect(await shared.attempt('read', (s) => s.read())).toEqual({ value: undefined });
  });
});
