// A request's scope for calling a feature directly, as the request layer would build it: uid u1, no
// budget (UNMETERED, with any charge hooks a test passes), the settings read from the environment now.
import type { BudgetMeter } from '../../src/lib/platform/budget/types.js';
import { UNMETERED } from '../../src/lib/platform/budget/meter.js';
import { getConfig } from '../../src/lib/platform/config/index.js';
import { createLogger } from '../../src/lib/platform/logging.js';
import type { RequestScope } from '../../src/lib/platform/request-scope.js';

export function testScope(
  overrides: Partial<Omit<RequestScope, 'budget'>> & { budget?: Partial<BudgetMeter> } = {},
): RequestScope {
  const { budget, ...rest } = overrides;
  return {
    uid: 'u1',
    log: createLogger({ test: 'scope' }),
    signal: new AbortController().signal,
    config: getConfig(),
    ...rest,
    budget: { ...UNMETERED, ...budget },
  };
}
