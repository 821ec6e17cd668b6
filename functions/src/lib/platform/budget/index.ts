// Per-user daily AI budgets: tokens, images and cost, counted in Upstash Redis with a per-instance
// memory fallback, checked by the request layer, charged by features through scope.budget (a BudgetMeter).
export type { BudgetKind, BudgetMeter, BudgetStatus, CounterStore } from './types.js';
export { BUDGET_KINDS } from './types.js';
export { DailyBudget, budgetKey, type BudgetCounters, type ReserveResult } from './daily-budget.js';
export { nextUtcMidnight, utcDay } from './day.js';
export { MemoryCounterStore } from './memory-store.js';
export { ResilientCounterStore, getDailyBudget } from './resilient-store.js';
export { UpstashCounterStore } from './upstash-store.js';
export { RequestBudgetMeter, UNMETERED } from './meter.js';
export {
  defaultUsageRecorder,
  firestoreUsageRecorder,
  usageDocPath,
  type UsageRecorder,
  type UsageDelta,
} from './usage-record.js';
export { BUDGET_HEADERS, quotaExceededError, setBudgetHeaders } from './http-headers.js';
