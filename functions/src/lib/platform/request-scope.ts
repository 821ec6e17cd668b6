// What every feature is given of a request: one object, built once by the request layer (ctx.scope)
// after the caller is known, and passed on whole.
import type { BudgetMeter } from './budget/types.js';
import type { AppConfig } from './config/index.js';
import type { Logger } from './logging.js';

export interface RequestScope {
  /** The caller: the verified ID token's uid. */
  readonly uid: string;
  /** The request's logger (request id, function, uid). */
  readonly log: Logger;
  /** Aborts when the client goes away before the answer is complete: stop streaming, stop model calls. */
  readonly signal: AbortSignal;
  /**
   * The caller's daily AI budgets: charge real usage after every model call, aborted ones included
   * (`chargeTokens`, `chargeImages`, `chargeCost`). Never throws.
   */
  readonly budget: BudgetMeter;
  readonly config: AppConfig;
}
