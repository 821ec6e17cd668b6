// What a daily AI budget is made of: the two kinds, what one check answers, and the store seam.

/**
 * `tokens`: Gemini tokens (usageMetadata.totalTokenCount) for chat and match explanations; `images`: a
 * count; `cost`: money, for every AI call together, counted in millionths of a US dollar (whole units,
 * so Redis counts it exactly) and shown in dollars.
 */
export type BudgetKind = 'tokens' | 'images' | 'cost';

export const BUDGET_KINDS: readonly BudgetKind[] = ['tokens', 'images', 'cost'];

/** The cost budget's unit: a millionth of a dollar. */
export const MICRO_USD_PER_USD = 1_000_000;

/** Dollars to the cost budget's whole units, rounded up: a budget never undercounts. */
export function toMicroUsd(usd: number): number {
  return Math.ceil(Math.round(usd * MICRO_USD_PER_USD * 1000) / 1000);
}

export interface BudgetStatus {
  kind: BudgetKind;
  /** Units per UTC day. */
  limit: number;
  /** Units charged today, as far as the deciding store knows. */
  used: number;
  /** max(0, limit - used). */
  remaining: number;
  /** Epoch ms of the next midnight UTC, when the day's count starts again from 0. */
  resetAt: number;
  /** Which store answered: the shared Redis one, or this instance's memory (Redis absent or failing). */
  source: 'redis' | 'memory';
}

/**
 * Integer counters per key, each living until an absolute time. Both operations are single atomic
 * Redis commands (GET, INCRBY), so concurrent requests on any number of instances add up exactly.
 */
export interface CounterStore {
  /** The counter's value, 0 when absent or expired. */
  get(key: string): Promise<number>;
  /** Adds `amount` (negative to refund) and returns the new value; the key expires at `expireAtMs`. */
  add(key: string, amount: number, expireAtMs: number): Promise<number>;
}

/**
 * What handlers and features see (ctx.scope.budget): charge real usage after each model call, aborted calls
 * included. Never throws: a store failure is logged, and the memory fallback still counts.
 */
export interface BudgetMeter {
  /** Adds Gemini tokens to today's token budget (no-op when DAILY_TOKEN_BUDGET is 0). */
  chargeTokens(tokens: number): Promise<void>;
  /** Adds images to today's image budget (no-op when DAILY_IMAGE_BUDGET is 0). */
  chargeImages(images: number): Promise<void>;
  /**
   * Adds a call's cost in USD to today's cost budget (when DAILY_COST_BUDGET_USD is on) and to the
   * usage document (always). null (a model with no price) adds nothing.
   */
  chargeCost(usd: number | null): Promise<void>;
  /**
   * Whether `kind` had budget left when the request started. Only false on endpoints declared with
   * `whenExhausted: 'continue'` (the others were answered 429 before the handler ran).
   */
  canSpend(kind: BudgetKind): boolean;
  /**
   * Units of `kind` left today as last known to this request (after its own charges so far), or
   * undefined when that budget is off: e.g. a tool loop stops calling the model at 0.
   */
  remaining(kind: BudgetKind): number | undefined;
}
