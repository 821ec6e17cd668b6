// One daily budget (a kind and its limit) over counters: check before a call, reserve a unit that must
// not be oversold (images), charge real usage after a call, refund what a reservation did not use.
// Pure logic over the BudgetCounters seam: unit-tested with memory counters on a test clock
// (the budget reads the counters' clock, so a day and an expiry can never come from two clocks).
//
// Exactness: a reservation is INCRBY then, if that crossed the limit, INCRBY -n: concurrent requests
// can never together pass the limit. Token charges are known only after the call, so a check lets a
// request start while anything is left, and its charge may end above the limit (by at most what the
// requests in flight at that moment use); the next check then answers 429 until the reset.
import type { Clock } from '../clock.js';
import { nextUtcMidnight, utcDay } from './day.js';
import type { CounterReading } from './resilient-store.js';
import type { BudgetKind, BudgetStatus } from './types.js';

export interface BudgetCounters {
  /** The clock the counters expire by: the budget's days are read from the same one. */
  readonly clock: Clock;
  get(key: string, expireAtMs: number): Promise<CounterReading>;
  add(key: string, amount: number, expireAtMs: number): Promise<CounterReading>;
}

/** Counters outlive their day by an hour: clock skew between instances must not reset a day early. */
const EXPIRY_GRACE_MS = 3_600_000;

/** The counter key: the uid last, so no uid (any text) can collide with another kind or day. */
export function budgetKey(kind: BudgetKind, day: string, uid: string): string {
  return `${kind}:${day}:${uid}`;
}

export function budgetStatus(kind: BudgetKind, limit: number, reading: CounterReading, nowMs: number): BudgetStatus {
  const used = Math.max(0, reading.value);
  return {
    kind,
    limit,
    used,
    remaining: Math.max(0, limit - used),
    resetAt: nextUtcMidnight(nowMs),
    source: reading.source,
  };
}

export interface ReserveResult {
  allowed: boolean;
  status: BudgetStatus;
  /** The day the units were taken from: a refund goes back to that day, even after midnight. */
  day: string;
}

export class DailyBudget {
  constructor(
    readonly kind: BudgetKind,
    readonly limit: number,
    private readonly counters: BudgetCounters,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('a daily budget limit is a whole number >= 1');
  }

  /** Today's status; `remaining > 0` means a call may start. */
  async check(uid: string): Promise<BudgetStatus> {
    const now = this.counters.clock();
    return budgetStatus(this.kind, this.limit, await this.counters.get(this.key(uid, now), this.expiry(now)), now);
  }

  /** Takes `amount` units now if they all fit in what is left, atomically; otherwise takes nothing. */
  async reserve(uid: string, amount: number): Promise<ReserveResult> {
    const now = this.counters.clock();
    const key = this.key(uid, now);
    const day = utcDay(now);
    const reading = await this.counters.add(key, amount, this.expiry(now));
    if (reading.value <= this.limit) {
      return { allowed: true, status: budgetStatus(this.kind, this.limit, reading, now), day };
    }
    const undone = await this.counters.add(key, -amount, this.expiry(now));
    return { allowed: false, status: budgetStatus(this.kind, this.limit, undone, now), day };
  }

  /** Gives back reserved units to the day they were taken from (an old day's counter simply expires). */
  async refund(uid: string, amount: number, day: string): Promise<BudgetStatus> {
    const now = this.counters.clock();
    const expiry = Date.parse(`${day}T00:00:00Z`) + 86_400_000 + EXPIRY_GRACE_MS;
    const reading = await this.counters.add(budgetKey(this.kind, day, uid), -amount, expiry);
    return budgetStatus(this.kind, this.limit, reading, now);
  }

  /** Adds real usage (negative: a refund). Counted on the day the call ends. */
  async charge(uid: string, amount: number): Promise<BudgetStatus> {
    const now = this.counters.clock();
    const reading = await this.counters.add(this.key(uid, now), amount, this.expiry(now));
    return budgetStatus(this.kind, this.limit, reading, now);
  }

  private key(uid: string, now: number): string {
    return budgetKey(this.kind, utcDay(now), uid);
  }

  private expiry(now: number): number {
    return nextUtcMidnight(now) + EXPIRY_GRACE_MS;
  }
}
