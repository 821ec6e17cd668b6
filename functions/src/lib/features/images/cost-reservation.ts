// What the cost budget reserves before an image request runs (DAILY_COST_BUDGET_USD): the most one
// call of the model may cost, so concurrent requests can never together pass the budget; the job then
// charges the real cost and the request layer gives back the rest. 0 (nothing reserved, the budget
// only checked) for a model with no price.
import type { AppConfig } from '../../platform/config/index.js';
import { utcDay } from '../../platform/budget/day.js';
import { findPrice } from '../../platform/pricing/cost.js';
import { systemClock, type Clock } from '../../platform/clock.js';

/** Generous bounds of a request's other tokens: three reference images and a long prompt in, thinking out. */
const INPUT_TOKENS_ALLOWANCE = 8_000;
const OUTPUT_TOKENS_ALLOWANCE = 4_000;
/** A 4K image's tokens, Gemini's largest output (2,520 on the 3.1 flash image family). */
const LARGEST_IMAGE_TOKENS = 2_520;

export function imageCostReservationUsd(config: AppConfig, model: string, clock: Clock = systemClock): number {
  const price = findPrice(config.pricing.table, model, utcDay(clock()));
  if (!price) return 0;
  const byToken = price.imageOutput !== undefined ? (price.imageOutput * LARGEST_IMAGE_TOKENS) / 1e6 : 0;
  const image = Math.max(byToken, ...Object.values(price.image ?? {}));
  return image + (INPUT_TOKENS_ALLOWANCE * price.input + OUTPUT_TOKENS_ALLOWANCE * price.output) / 1e6;
}
