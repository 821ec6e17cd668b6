// One counter store per (budget kind, Redis client) for the life of the instance: the memory counters
// must persist across requests to mean anything. Limits come from params read per request, so the
// DailyBudget (cheap: a kind, a limit, the store) is built per request.
import { getDb } from '../firebase.js';
import { rootLogger } from '../logging.js';
import { getRedis } from '../redis.js';
import { DailyBudget } from './daily-budget.js';
import { MemoryCounterStore } from './memory-store.js';
import { ResilientCounterStore } from './resilient-store.js';
import { UpstashCounterStore } from './upstash-store.js';
import type { BudgetKind } from './types.js';
import { firestoreUsageRecorder, type UsageRecorder } from './usage-record.js';

const stores = new Map<BudgetKind, { redis: unknown; store: ResilientCounterStore }>();

function counterStore(kind: BudgetKind): ResilientCounterStore {
  const redis = getRedis();
  const existing = stores.get(kind);
  if (existing && existing.redis === redis) return existing.store;
  // Memory survives a Redis client change (new credentials): the instance's counts stay.
  const fallback = existing ? existing.store.fallback : new MemoryCounterStore();
  const store = new ResilientCounterStore({
    primary: redis ? new UpstashCounterStore(redis) : null,
    fallback,
    log: rootLogger.child({ component: 'budget', budget: kind }),
  });
  stores.set(kind, { redis, store });
  return store;
}

/** Drops this instance's counters of `uid` (its data is being erased; Redis: redis-key-owner.ts). */
export function forgetUserBudgets(uid: string): void {
  const ofUser = /^(?:tokens|images):\d{4}-\d{2}-\d{2}:([\s\S]*)$/;
  for (const { store } of stores.values()) store.fallback.forgetWhere((key) => ofUser.exec(key)?.[1] === uid);
}

/** The daily budget of `kind` at `limit` units, or undefined when the limit is 0 (off). */
export function getDailyBudget(kind: BudgetKind, limit: number): DailyBudget | undefined {
  return limit > 0 ? new DailyBudget(kind, limit, counterStore(kind)) : undefined;
}

export const defaultUsageRecorder: UsageRecorder = firestoreUsageRecorder(getDb);
