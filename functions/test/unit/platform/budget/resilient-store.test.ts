// The Redis-down policy of the budgets: the limit still holds per instance and is never lifted, an
// outage costs one failed attempt per cool-down, and what Redis said before the outage is remembered.
import { describe, expect, it } from 'vitest';
import { DailyBudget } from '../../../../src/lib/platform/budget/daily-budget.js';
import { MemoryCounterStore } from '../../../../src/lib/platform/budget/memory-store.js';
import { ResilientCounterStore } from '../../../../src/lib/platform/budget/resilient-store.js';
import type { CounterStore } from '../../../../src/lib/platform/budget/types.js';
import { SharedStoreUnavailable } from '../../../../src/lib/platform/shared-store.js';
import type { Logger } from '../../../../src/lib/platform/logging.js';

/** A shared store that can be switched off, backed by its own memory (as Redis would be). */
function flakyShared(clock: { now: number }) {
  const data = new MemoryCounterStore({ clock: () => clock.now });
  const state = { down: false, calls: 0 };
  const store: CounterStore = {
    get: async (key) => {
      state.calls++;
      if (state.down) throw new SharedStoreUnavailable('down');
      return data.getSync(key);
    },
    add: async (key, amount, expireAt) => {
      state.calls++;
      if (state.down) throw new SharedStoreUnavailable('down');
      return data.addSync(key, amount, expireAt);
    },
  };
  return { store, state, data };
}

function recordingLog() {
  const warnings: string[] = [];
  const log: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message) => void warnings.push(message),
    error: () => undefined,
    child: () => log,
  };
  return { log, warnings };
}

function instance(shared: CounterStore, clock: { now: number }, log: Logger) {
  const store = new ResilientCounterStore({
    primary: shared,
    fallback: new MemoryCounterStore({ clock: () => clock.now }),
    log,
    coolDownMs: 10_000,
  });
  return new DailyBudget('images', 3, store);
}

describe('ResilientCounterStore', () => {
  it('counts in the shared store, so two instances share one budget', async () => {
    const clock = { now: Date.parse('2026-12-02T10:00:00Z') };
    const { store } = flakyShared(clock);
    const { log } = recordingLog();
    const a = instance(store, clock, log);
    const b = instance(store, clock, log);
    expect((await a.reserve('u', 1)).status.source).toBe('redis');
    await b.reserve('u', 1);
    await a.reserve('u', 1);
    expect((await b.reserve('u', 1)).allowed).toBe(false);
  });

  it('keeps enforcing from memory when Redis is down: no error, never unlimited', async () => {
    const clock = { now: Date.parse('2026-12-02T10:00:00Z') };
    const { store, state } = flakyShared(clock);
    const { log, warnings } = recordingLog();
    const budget = instance(store, clock, log);
    await budget.reserve('u', 1); // known from Redis: 1 used
    state.down = true;
    const second = await budget.reserve('u', 1);
    expect(second).toMatchObject({ allowed: true, status: { used: 2, source: 'memory' } });
    expect((await budget.reserve('u', 1)).allowed).toBe(true);
    const refused = await budget.reserve('u', 1);
    expect(refused).toMatchObject({ allowed: false, status: { source: 'memory', remaining: 0 } });
    expect(warnings.filter((w) => /budget store unavailable/.test(w))).toHaveLength(1);
  });

  it('skips Redis for the cool-down after a failure, then tries it again', async () => {
    const clock = { now: Date.parse('2026-12-02T10:00:00Z') };
    const { store, state } = flakyShared(clock);
    const { log, warnings } = recordingLog();
    const budget = instance(store, clock, log);
    state.down = true;
    await budget.check('u');
    const callsAfterFailure = state.calls;
    await budget.check('u');
    await budget.reserve('u', 1);
    expect(state.calls).toBe(callsAfterFailure);
    state.down = false;
    clock.now += 10_001;
    expect((await budget.check('u')).source).toBe('redis');
    expect(warnings).toHaveLength(1);
  });

  it('still counts what this instance charged during the outage after Redis is back', async () => {
    const clock = { now: Date.parse('2026-12-02T10:00:00Z') };
    const { store, state } = flakyShared(clock);
    const { log } = recordingLog();
    const budget = instance(store, clock, log);
    state.down = true;
    await budget.reserve('u', 1);
    await budget.reserve('u', 1);
    state.down = false;
    clock.now += 10_001;
    // Redis holds 0 for u; this instance knows 2: it decides with the larger.
    expect((await budget.check('u')).used).toBe(2);
    expect((await budget.reserve('u', 1)).allowed).toBe(true);
    expect((await budget.reserve('u', 1)).allowed).toBe(false);
  });
});

describe('MemoryCounterStore', () => {
  it('forgets a counter at its expiry and keeps at most maxKeys counters', () => {
    const clock = { now: 1000 };
    const memory = new MemoryCounterStore({ maxKeys: 2, clock: () => clock.now });
    memory.addSync('a', 5, 2000);
    expect(memory.getSync('a')).toBe(5);
    clock.now = 2000;
    expect(memory.getSync('a')).toBe(0);
    memory.addSync('x', 1, 9000);
    memory.addSync('y', 1, 9000);
    memory.addSync('z', 1, 9000);
    expect(memory.size).toBe(2);
    expect(memory.getSync('x')).toBe(0);
    expect(memory.getSync('z')).toBe(1);
  });

  it('raise() keeps the higher of its own count and the reported one', () => {
    const now = Date.parse('2026-12-02T10:00:00Z');
    const memory = new MemoryCounterStore({ clock: () => now });
    memory.addSync('k', 3, now + 60_000);
    memory.raise('k', 2, now + 60_000);
    expect(memory.getSync('k')).toBe(3);
    memory.raise('k', 7, now + 60_000);
    expect(memory.getSync('k')).toBe(7);
  });
});
