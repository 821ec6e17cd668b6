// The per-request budget meter (ctx.budget): what the request layer checked or reserved before the
// handler ran, what the handler charged after its model calls, and the one usage write at the end.
//
//   request layer: check(kind) or reserve(kind, 1)  -> 429 quota_exceeded when nothing is left
//   handler:       chargeTokens(usage.totalTokenCount) after every model call, aborted ones included;
//                  chargeImages(1) once an image was generated (Gemini bills it even if the client left)
//   request layer: settle() -> unused reservation refunded, usage document written
//
// Charging never throws: a failure is logged, the memory fallback has counted it.
import { systemClock, type Clock } from '../clock.js';
import { describeError, type Logger } from '../logging.js';
import type { DailyBudget } from './daily-budget.js';
import { nextUtcMidnight, utcDay } from './day.js';
import type { UsageRecorder } from './usage-record.js';
import type { BudgetKind, BudgetMeter, BudgetStatus } from './types.js';

export interface RequestBudgetMeterOptions {
  uid: string;
  /** Only the kinds whose daily limit is on (> 0). */
  budgets: Partial<Record<BudgetKind, DailyBudget>>;
  usage: UsageRecorder;
  log: Logger;
  clock?: Clock;
}

interface Reservation {
  kind: BudgetKind;
  /** Units reserved and not yet covered by a charge. */
  unused: number;
  day: string;
}

export class RequestBudgetMeter implements BudgetMeter {
  private readonly statuses = new Map<BudgetKind, BudgetStatus>();
  private readonly exhausted = new Set<BudgetKind>();
  private reservation: Reservation | undefined;
  private pending = { tokens: 0, images: 0 };
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
    if (result.allowed) this.reservation = { kind, unused: amount, day: result.day };
    else this.exhausted.add(kind);
    return result.status;
  }

  chargeTokens(tokens: number): Promise<void> {
    return this.charge('tokens', tokens);
  }

  chargeImages(images: number): Promise<void> {
    return this.charge('images', images);
  }

  /** After the handler (also after errors and aborts): refunds the unused reservation, writes usage. */
  async settle(): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    const reservation = this.reservation;
    this.reservation = undefined;
    if (reservation && reservation.unused > 0) {
      const budget = this.options.budgets[reservation.kind]!;
      await this.safely('refund', async () => {
        this.note(await budget.refund(this.options.uid, reservation.unused, reservation.day));
      });
    }
    await this.flushUsage();
  }

  private async charge(kind: BudgetKind, amount: number): Promise<void> {
    const budget = this.options.budgets[kind];
    const units = Math.floor(amount);
    if (!budget || !Number.isFinite(units) || units <= 0) return;
    this.pending[kind] += units;
    let rest = units;
    if (this.reservation?.kind === kind) {
      // Already counted by the reservation: only what exceeds it is charged again.
      const covered = Math.min(rest, this.reservation.unused);
      this.reservation.unused -= covered;
      rest -= covered;
    }
    if (rest > 0) {
      await this.safely('charge', async () => this.note(await budget.charge(this.options.uid, rest)));
    }
    if (this.settled) await this.flushUsage(); // a charge after the response: still recorded
  }

  private async flushUsage(): Promise<void> {
    const delta = this.pending;
    if (delta.tokens === 0 && delta.images === 0) return;
    this.pending = { tokens: 0, images: 0 };
    const now = this.clock();
    const { budgets, usage, uid } = this.options;
    const limits = { tokens: budgets.tokens?.limit ?? 0, images: budgets.images?.limit ?? 0 };
    await this.safely('usage record', () => usage.record(uid, utcDay(now), delta, limits, nextUtcMidnight(now)));
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
  canSpend: () => true,
  remaining: () => undefined,
};
