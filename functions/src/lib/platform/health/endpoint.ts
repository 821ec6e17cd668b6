// GET health: the service's dependencies, for an uptime check (docs/health.md). No sign-in, no secret
// and no user data in the answer; not rate-limited per user, and cheap: one instance answers from its
// last report for a few seconds (concurrent checks share one run), so a burst of checks costs one
// probe of each dependency, and no check ever calls a model.
//   200 {status: "ok", checks: {<dependency>: {status: ok|down|not_configured, ms}}, down: []}
//   503 {status: "down", checks, down: [<required dependencies not ok>]}
import type { Request, Response } from 'express';
import { systemClock, type Clock } from '../clock.js';
import { getConfig, type AppConfig } from '../config/index.js';
import { describeError, rootLogger } from '../logging.js';
import { errorBody } from '../http/errors.js';
import { applySecurityHeaders, resolveRequestId } from '../http/responses.js';
import { runHealthChecks, type HealthProbe, type HealthReport } from './checks.js';

export interface HealthEndpointOptions {
  probes(config: AppConfig): HealthProbe[];
  /** Every probe must answer within this. */
  timeoutMs?: number;
  /** A report is reused this long. */
  cacheMs?: number;
  clock?: Clock;
}

export const HEALTH_TIMEOUT_MS = 2_000;
const HEALTH_CACHE_MS = 5_000;

export function healthEndpoint(options: HealthEndpointOptions): (req: Request, res: Response) => Promise<void> {
  const clock = options.clock ?? systemClock;
  const log = rootLogger.child({ function: 'health' });
  let last: { at: number; report: Promise<HealthReport> } | undefined;

  const report = (): Promise<HealthReport> => {
    const now = clock();
    if (last && now - last.at < (options.cacheMs ?? HEALTH_CACHE_MS)) return last.report;
    const running = runHealthChecks(options.probes(getConfig()), {
      timeoutMs: options.timeoutMs ?? HEALTH_TIMEOUT_MS,
      onFailure: (name, error) => log.warn('health check failed', { dependency: name, ...describeError(error) }),
    });
    last = { at: now, report: running };
    return running;
  };

  return async (req, res) => {
    const requestId = resolveRequestId(req.headers['x-request-id']);
    res.setHeader('X-Request-Id', requestId);
    applySecurityHeaders(res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      res.status(405).json(errorBody('method_not_allowed', 'Use GET for this endpoint', requestId));
      return;
    }
    const result = await report();
    res.status(result.status === 'ok' ? 200 : 503);
    if (req.method === 'HEAD') res.end();
    else res.json(result);
  };
}
