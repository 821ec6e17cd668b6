// The shared counters: plain atomic Redis counters in Upstash, one key per (kind, uid, UTC day).
//
// Why plain counters and not @upstash/ratelimit's weighted `rate`: a daily budget must add up exactly.
// INCRBY is atomic and exact (any amount, negative for a refund), GET reads without charging, and the
// key name carries the day, so the reset is exactly midnight UTC. Ratelimit's slidingWindow weights the
// previous window by an estimate (not exact), its tokenBucket refills continuously (not a day), and
// its fixedWindow is INCRBY in a Lua script with an ephemeral cache in front, plus EVALSHA and its
// fail-open timeout answer to undo: the same counter with more parts. Two commands per charge
// (INCRBY + EXPIREAT, one pipelined HTTP call), one per check (GET).
import type { Redis } from '@upstash/redis';
import { SharedStoreUnavailable } from '../shared-store.js';
import type { CounterStore } from './types.js';

/** Keys are `budget:<kind>:<day>:<uid>` (redis-key-owner.ts reads them back). */
export const BUDGET_KEY_PREFIX = 'budget';

export class UpstashCounterStore implements CounterStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = BUDGET_KEY_PREFIX,
  ) {}

  async get(key: string): Promise<number> {
    return toCount(await this.redis.get<number | string | null>(`${this.prefix}:${key}`));
  }

  async add(key: string, amount: number, expireAtMs: number): Promise<number> {
    const redisKey = `${this.prefix}:${key}`;
    // EXPIREAT with the same absolute time on every charge is idempotent: no "first write" race.
    const [value] = await this.redis
      .pipeline()
      .incrby(redisKey, amount)
      .expireat(redisKey, Math.ceil(expireAtMs / 1000))
      .exec<[number, number]>();
    return toCount(value);
  }
}

function toCount(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const count = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(count)) throw new SharedStoreUnavailable(`not a counter: ${typeof value}`);
  return count;
}
