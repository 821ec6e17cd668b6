// The request layer's part of the daily budgets: a meter for every request (ctx.scope.budget), and for an
// endpoint that declares a budget, the check (tokens) or the reservation of one unit (images) before
// the handler, the AI-Budget-* headers, and after the handler the refund of what was not used plus
// the one usage write. With DAILY_COST_BUDGET_USD on, every such endpoint also checks the money
// budget (or reserves what its call may cost, `reserveCostUsd`, under the same rules as images). With `whenExhausted: 'continue'` an exhausted budget does not refuse the request:
// the feature sees scope.budget.canSpend(kind) === false and answers without the model (match templates).
import type { Response } from 'express';
import type { Clock } from '../clock.js';
import type { AppConfig } from '../config/index.js';
import type { Logger } from '../logging.js';
import type { DailyBudget } from '../budget/daily-budget.js';
import { quotaExceededError, setBudgetHeaders } from '../budget/http-headers.js';
import { RequestBudgetMeter } from '../budget/meter.js';
import { toMicroUsd, type BudgetKind } from '../budget/types.js';
import type { UsageRecorder } from '../budget/usage-record.js';

export interface BudgetSpec {
  kind: Exclude<BudgetKind, 'cost'>;
  /** `reject` (default): 429 quota_exceeded before the handler. `continue`: the handler decides. */
  whenExhausted?: 'reject' | 'continue';
  /**
   * USD to reserve from the cost budget before the handler (the most the request's call may cost),
   * when it must not be oversold (images); without it the cost budget is checked, as tokens are.
   */
  reserveCostUsd?(config: AppConfig): number;
}

export interface BudgetDeps {
  dailyBudget(kind: BudgetKind, limit: number): DailyBudget | undefined;
  usageRecorder: UsageRecorder;
  /** The budgets' days, the usage document's day and the AI-Budget-Reset header read this clock. */
  clock: Clock;
}

export function normalizeBudgetSpec(spec: BudgetSpec['kind'] | BudgetSpec | undefined): BudgetSpec | undefined {
  return typeof spec === 'string' ? { kind: spec } : spec;
}

/** Units reserved before an image request: one image per request. */
const IMAGES_PER_REQUEST = 1;

export async function openBudget(options: {
  spec: BudgetSpec | undefined;
  config: AppConfig;
  uid: string;
  deps: BudgetDeps;
  log: Logger;
  res: Response;
}): Promise<RequestBudgetMeter> {
  const { spec, config, uid, deps, log, res } = options;
  const budgets: Partial<Record<BudgetKind, DailyBudget>> = {};
  const tokens = deps.dailyBudget('tokens', config.budget.dailyTokens);
  const images = deps.dailyBudget('images', config.budget.dailyImages);
  const cost = deps.dailyBudget('cost', toMicroUsd(config.budget.dailyCostUsd));
  if (tokens) budgets.tokens = tokens;
  if (images) budgets.images = images;
  if (cost) budgets.cost = cost;
  const meter = new RequestBudgetMeter({ uid, budgets, usage: deps.usageRecorder, log, clock: deps.clock });
  if (!spec) return meter;
  const reject = spec.whenExhausted !== 'continue';

  if (meter.isOn(spec.kind)) {
    const status =
      spec.kind === 'images' && reject
        ? await meter.reserve('images', IMAGES_PER_REQUEST)
        : await meter.check(spec.kind);
    const now = deps.clock();
    if (status) setBudgetHeaders(res, status, now);
    if (status && !meter.canSpend(spec.kind) && reject) throw quotaExceededError(status, now);
  }
  if (meter.isOn('cost')) {
    const reservation = spec.reserveCostUsd && reject ? toMicroUsd(spec.reserveCostUsd(config)) : 0;
    const status = reservation > 0 ? await meter.reserve('cost', reservation) : await meter.check('cost');
    if (status && !meter.canSpend('cost') && reject) {
      await meter.settle(); // gives back what was reserved above (an image)
      throw quotaExceededError(status, deps.clock());
    }
  }
  return meter;
}

/** After the handler, errors and aborts included: refund, usage write, then fresher headers if still unsent. */
export async function closeBudget(
  meter: RequestBudgetMeter | undefined,
  spec: BudgetSpec | undefined,
  res: Response,
  clock: Clock,
) {
  if (!meter) return;
  await meter.settle();
  const status = spec ? meter.latest(spec.kind) : undefined;
  if (status) setBudgetHeaders(res, status, clock());
}
