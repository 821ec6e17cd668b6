// The request layer's part of the daily budgets: a meter for every request (ctx.budget), and for an
// endpoint that declares a budget, the check (tokens) or the reservation of one unit (images) before
// the handler, the AI-Budget-* headers, and after the handler the refund of what was not used plus
// the one usage write. With `whenExhausted: 'continue'` an exhausted budget does not refuse the request:
// the handler sees ctx.budget.canSpend(kind) === false and answers without the model (match templates).
import type { Response } from 'express';
import type { Clock } from '../clock.js';
import type { AppConfig } from '../config/index.js';
import type { Logger } from '../logging.js';
import type { DailyBudget } from '../budget/daily-budget.js';
import { quotaExceededError, setBudgetHeaders } from '../budget/http-headers.js';
import { RequestBudgetMeter } from '../budget/meter.js';
import type { BudgetKind } from '../budget/types.js';
import type { UsageRecorder } from '../budget/usage-record.js';

export interface BudgetSpec {
  kind: BudgetKind;
  /** `reject` (default): 429 quota_exceeded before the handler. `continue`: the handler decides. */
  whenExhausted?: 'reject' | 'continue';
}

export interface BudgetDeps {
  dailyBudget(kind: BudgetKind, limit: number): DailyBudget | undefined;
  usageRecorder: UsageRecorder;
  /** The budgets' days, the usage document's day and the AI-Budget-Reset header read this clock. */
  clock: Clock;
}

export function normalizeBudgetSpec(spec: BudgetKind | BudgetSpec | undefined): BudgetSpec | undefined {
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
  if (tokens) budgets.tokens = tokens;
  if (images) budgets.images = images;
  const meter = new RequestBudgetMeter({ uid, budgets, usage: deps.usageRecorder, log, clock: deps.clock });
  if (!spec || !meter.isOn(spec.kind)) return meter;

  const status =
    spec.kind === 'images' && spec.whenExhausted !== 'continue'
      ? await meter.reserve('images', IMAGES_PER_REQUEST)
      : await meter.check(spec.kind);
  const now = deps.clock();
  if (status) setBudgetHeaders(res, status, now);
  if (status && !meter.canSpend(spec.kind) && spec.whenExhausted !== 'continue') throw quotaExceededError(status, now);
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
