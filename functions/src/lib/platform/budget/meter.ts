// The per-request budget meter (ctx.scope.budget): what the request layer checked or reserved before the
// handler ran, what the handler charged after its model calls, and the one usage write at the end.
//
//   request layer: check(kind) or reserve(kind, n)  -> 429 quota_exceeded when nothing is left
//   handler:       chargeTokens(usage.totalTokenCount) after every model call, aborted ones included;
//                  chargeImages(1) once an image was generated (Gemini bills it even if the client left);
//                  chargeCost(usd) for every call, priced (platform/pricing)
//   request layer: settle() -> unused reservations refunded, usage document written
//
// Charging never throws: a failure is logged, the memory fallback has counted it.
import { systemClock, type Clock } from '../clock.js';
import { describeError, type Logger } from '../logging.js';
import type { DailyBudget } from './daily-budget.js';
import { nextUtcMidnight, utcDay } from './day.js';
import type { UsageRecorder } from './usage-record.js';
import { MICRO_USD_PER_USD, toMicroUsd, type BudgetKind, type BudgetMeter, type BudgetStatus } from './types.js';

export interface RequestBudgetMeterOptions {
  uid: string;
  /** Only the kinds whose daily limit is on (> 0). */
  budgets: Partial<Record<BudgetKind, DailyBudget>>;
  usage: UsageRecorder;
  log: Logger;
  clock?: Clock;
}

interface Reservation {
  /** Units reserved and not yet covered by a charge. */
  unused: number;
  day: string;
}

export class RequestBudgetMeter implements BudgetMeter {
  private readonly statuses = new Map<BudgetKind, BudgetStatus>();
  private readonly exhausted = new Set<BudgetKind>();
  private readonly reservations = new Map<BudgetKind, Reservation>();
  /** Charged and not yet in the usage document; cost in millionths of a dollar. */
  private pending: Record<BudgetKind, number> = { tokens: 0, images: 0, cost: 0 };
  private settled = false;
  private readonly clock: Clock;

  constructor(private readonly options: RequestBudgetMeterOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** Whether `kind` is metered at all (its daily limit is not 0). */
  isOn(kind: BudgetKind): boolean {
    return this.options.budgets[kind] !== undefined;
  }

  /** The latest status known for `kind` (for the response headers). */
  latest(kind: BudgetKind): BudgetStatus | undefined {
    return this.statuses.get(kind);
  }

  canSpend(kind: BudgetKind): boolean {
    return !this.exhausted.has(kind);
  }

  remaining(kind: BudgetKind): number | undefined {
    if (!this.isOn(kind)) return undefined;
    return this.statuses.get(kind)?.remaining ?? this.options.budgets[kind]!.limit;
  }

  /** Before the handler: today's status; marks the kind exhausted when nothing is left. */
  async check(kind: BudgetKind): Promise<BudgetStatus | undefined> {
    const budget = this.options.budgets[kind];
    if (!budget) return undefined;
    const status = await budget.check(this.options.uid);
    this.note(status);
    if (status.remaining <= 0) this.exhausted.add(kind);
    return status;
  }

  /** Before the handler: takes `amount` units if they fit (see DailyBudget.reserve). */
  async reserve(kind: BudgetKind, amount: number): Promise<BudgetStatus | undefined> {
    const budget = this.options.budgets[kind];
    if (!budget) return undefined;
    const result = await budget.reserve(this.options.uid, amount);
    this.note(result.status);
    if (result.allowed) this.reservations.set(kind, { unused: amount, day: result.day });
    else this.exhausted.add(kind);
    return result.status;
  }

  chargeTokens(tokens: number): Promise<void> {
    return this.charge('tokens', tokens);
  }

  chargeImages(images: number): Promise<void> {
    return this.charge('images', images);
  }

  chargeCost(usd: number | null): Promise<void> {
    if (usd === null || !Number.isFinite(usd) || usd <= 0) return Promise.resolve();
    return this.charge('cost', toMicroUsd(usd));
  }

  /** After the handler (also after errors and aborts): refunds unused reservations, writes usage. */
  async settle(): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    const reservations = [...this.reservations];
    this.reservations.clear();
    for (const [kind, reservation] of reservations) {
      if (reservation.unused <= 0) continue;
      const budget = this.options.budgets[kind]!;
      await this.safely('refund', async () => {
        this.note(await budget.refund(this.options.uid, reservation.unused, reservation.day));
      });
    }
    await this.flushUsage();
  }

  private async charge(kind: BudgetKind, amount: number): Promise<void> {
    const units = Math.floor(amount);
    if (!Number.isFinite(units) || units <= 0) return;
    const budget = this.options.budgets[kind];
    // Cost goes to the usage document whether or not its budget is on; the others only with a budget.
    if (!budget && kind !== 'cost') return;
    this.pending[kind] += units;
    let rest = units;
    const reservation = this.reservations.get(kind);
    if (reservation) {
      // Already counted by the reservation: only what exceeds it is charged again.
      const covered = Math.min(rest, reservation.unused);
      reservation.unused -= covered;
      rest -= covered;
    }
    if (budget && rest > 0) {
      await this.safely('charge', async () => this.note(await budget.charge(this.options.uid, rest)));
    }
    if (this.settled) await this.flushUsage(); // a charge after the response: still recorded
  }

  private async flushUsage(): Promise<void> {
    const delta = this.pending;
    if (delta.tokens === 0 && delta.images === 0 && delta.cost === 0) return;
    this.pending = { tokens: 0, images: 0, cost: 0 };
    const now = this.clock();
    const { budgets, usage, uid } = this.options;
    const limits = {
      tokens: budgets.tokens?.limit ?? 0,
      images: budgets.images?.limit ?? 0,
      costUsd: (budgets.cost?.limit ?? 0) / MICRO_USD_PER_USD,
    };
    const recorded = { tokens: delta.tokens, images: delta.images, costUsd: delta.cost / MICRO_USD_PER_USD };
    await this.safely('usage record', () => usage.record(uid, utcDay(now), recorded, limits, nextUtcMidnight(now)));
  }

  private note(status: BudgetStatus): void {
    this.statuses.set(status.kind, status);
  }

  private async safely(what: string, operation: () => Promise<void>): Promise<void> {
    try {
      await operation();
    } catch (err) {
      this.options.log.warn(`budget ${what} failed`, { error: describeError(err, { stack: false }) });
    }
  }
}

/** For code run outside a request (scripts, tests of a feature alone): charges nothing. */
export const UNMETERED: BudgetMeter = {
  chargeTokens: () => Promise.resolve(),
  chargeImages: () => Promise.resolve(),
  chargeCost: () => Promise.resolve(),
  canSpend: () => true,
  remaining: () => undefined,
};
