// The cost of one model call from its billable token counts and the model's price. Thinking tokens are
// output; cached input is billed at the cache price only when the caller may see the discount (see
// `cacheDiscount`); image output is billed per image token, or per image by size when the response did
// not break its output down.
import { matchModelFamily } from '../model/family.js';
import type { ModelPrice, PricedImageSize, PriceTable } from './price-table.js';

/** What a call is billed for, in the terms every backend maps its usage report to. */
export interface BillableTokens {
  /** Every prompt token, cached ones included. */
  input: number;
  /** Of `input`, the tokens read from a context cache. */
  cachedInput: number;
  /** Output billed at the output price: answer and thinking tokens (image tokens too when not broken down). */
  output: number;
  /** Image output tokens, when the response reported them apart (then not in `output`). */
  imageOutput?: number;
  /** The images the call produced: priced by size when `imageOutput` is unknown. */
  images?: { count: number; size: PricedImageSize };
}

export interface CostOptions {
  /**
   * Bill cached input at the cache price. Off for every figure a caller sees: Gemini's implicit cache
   * is shared by the whole project, so a discount would tell a user that someone else recently sent
   * the same prompt prefix. Those figures are the price without the discount (an upper bound).
   */
  cacheDiscount: boolean;
}

const PER_MILLION = 1_000_000;

/** The price of `model` on `day` (YYYY-MM-DD, UTC): the latest entry that has started, by family. */
export function findPrice(table: PriceTable, model: string, day: string): ModelPrice | undefined {
  const family = matchModelFamily(model, Object.keys(table));
  if (family === undefined) return undefined;
  let current: ModelPrice | undefined;
  for (const entry of table[family]) {
    if (entry.from === undefined || entry.from <= day) current = entry;
  }
  return current;
}

/** USD, rounded to a millionth of a dollar. */
export function callCostUsd(price: ModelPrice, tokens: BillableTokens, options: CostOptions): number {
  const cached = options.cacheDiscount ? Math.min(tokens.cachedInput, tokens.input) : 0;
  let cost = (tokens.input - cached) * price.input + cached * (price.cachedInput ?? price.input);
  let output = tokens.output;
  if (tokens.imageOutput !== undefined) {
    cost += tokens.imageOutput * (price.imageOutput ?? price.output);
  } else if (tokens.images && tokens.images.count > 0) {
    const perImage = price.image?.[tokens.images.size];
    if (perImage !== undefined) {
      // The image's tokens are inside `output`: take them out at the image rate's token count.
      const tokensPerImage = price.imageOutput ? (perImage / price.imageOutput) * PER_MILLION : 0;
      output = Math.max(0, output - tokens.images.count * tokensPerImage);
      cost += tokens.images.count * perImage * PER_MILLION;
    }
  }
  cost += output * price.output;
  return Math.round(cost) / PER_MILLION;
}

/**
 * The call's cost priced by the first of `models` the table knows (the model the server says answered,
 * then the one asked for), or null when it knows none: an unpriced model's cost is unknown, not zero.
 */
export function priceCall(
  table: PriceTable,
  models: readonly (string | undefined)[],
  tokens: BillableTokens,
  day: string,
  options: CostOptions,
): number | null {
  for (const model of models) {
    if (!model) continue;
    const price = findPrice(table, model, day);
    if (price) return callCostUsd(price, tokens, options);
  }
  return null;
}

/** Sums costs; unknown (null) wins: a total with an unpriced part is unknown. */
export function addCosts(a: number | null | undefined, b: number | null | undefined): number | null | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a === null || b === null) return null;
  return Math.round((a + b) * PER_MILLION) / PER_MILLION;
}
