// The pricer a request uses: the configured table, today's prices (the clock's UTC day), and the two
// figures of every call: what callers see and are charged (no cache discount, see cost.ts), and the
// exact one, logged for the operator.
import { systemClock, type Clock } from '../clock.js';
import { utcDay } from '../budget/day.js';
import { priceCall, type BillableTokens } from './cost.js';
import type { PriceTable } from './price-table.js';

export interface CallPricer {
  /** USD a caller is shown and charged for the call; null: none of `models` has a price. */
  costUsd(models: readonly (string | undefined)[], tokens: BillableTokens): number | null;
  /** USD with the shared cache's discount: for the operator's logs only. */
  exactCostUsd(models: readonly (string | undefined)[], tokens: BillableTokens): number | null;
}

export function callPricer(table: PriceTable, clock: Clock = systemClock): CallPricer {
  const day = (): string => utcDay(clock());
  return {
    costUsd: (models, tokens) => priceCall(table, models, tokens, day(), { cacheDiscount: false }),
    exactCostUsd: (models, tokens) => priceCall(table, models, tokens, day(), { cacheDiscount: true }),
  };
}
