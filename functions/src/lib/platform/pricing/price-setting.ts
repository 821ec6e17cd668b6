// MODEL_PRICES: JSON that adds or replaces entries of the built-in price table, by model (or family):
//   {"my-model": {"input": 0.1, "output": 0.4},
//    "gemini-3.8-flash": [{"input": 0.75, "output": 3.75}, {"from": "2027-01-01", "input": 1.5, "output": 7.5}],
//    "gemini-flash-latest": null}
// A model mapped to null is removed (its calls' cost becomes unknown). Text that is not such JSON leaves
// the built-in table in force and says why (the config logs it once): a typo must not price calls at 0.
import * as z from 'zod/mini';
import { check } from '../validation.js';
import { DEFAULT_PRICE_TABLE, IMAGE_SIZES, type DatedPrice, type PriceTable } from './price-table.js';

// zod numbers are finite: Infinity and NaN are refused.
const usd = z.number().check(z.nonnegative());
const price = z.strictObject({
  from: z.optional(z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/))),
  input: usd,
  output: usd,
  cachedInput: z.optional(usd),
  imageOutput: z.optional(usd),
  image: z.optional(z.partialRecord(z.enum(IMAGE_SIZES), usd)),
});
const entry = z.union([price, z.array(price).check(z.minLength(1)), z.null()]);
const table = z.record(z.string().check(z.trim(), z.minLength(1)), entry);

export interface ParsedPriceTable {
  table: PriceTable;
  /** Why MODEL_PRICES was not used, when it was not. */
  problem?: string;
}

export function parsePriceTable(text: string, base: PriceTable = DEFAULT_PRICE_TABLE): ParsedPriceTable {
  if (text.trim() === '') return { table: base };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { table: base, problem: 'MODEL_PRICES is not JSON' };
  }
  const parsed = check(table, json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { table: base, problem: `MODEL_PRICES: ${issue.path.join('.') || '(top)'}: ${issue.message}` };
  }
  const merged: PriceTable = { ...base };
  for (const [model, value] of Object.entries(parsed.data)) {
    if (value === null) {
      delete merged[model];
      continue;
    }
    const list: DatedPrice[] = Array.isArray(value) ? value : [value];
    // Dated entries in date order; an undated one is where the list starts.
    merged[model] = [...list].sort((a, b) => (a.from ?? '').localeCompare(b.from ?? ''));
  }
  return { table: merged };
}
