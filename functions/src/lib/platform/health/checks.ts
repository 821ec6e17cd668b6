// The health report: every dependency probed at once, each within one deadline, none failing the
// others. A probe answers "ok" by resolving, "down" by throwing or not answering in time, or reports
// that its dependency is not configured. Which dependencies are required decides 200 or 503: the
// optional ones (Redis, whose absence the functions absorb with per-instance memory) are reported but
// never make the service "down".
//
// What a report reveals (it is public, unauthenticated): each dependency's name, ok / down /
// not_configured, and the probe's milliseconds. Never a host, a key, an error message or any user data;
// the cause of a failure goes to the log.

export type CheckStatus = 'ok' | 'down' | 'not_configured';

export interface CheckResult {
  status: CheckStatus;
  /** How long the probe took (up to the deadline). */
  ms: number;
}

export interface HealthProbe {
  name: string;
  /** A required dependency that is down or not configured makes the report 503. */
  required: boolean;
  /** Resolves "not_configured" when there is nothing to probe; throws when the dependency fails. */
  probe(signal: AbortSignal): Promise<'ok' | 'not_configured'>;
}

export interface HealthReport {
  status: 'ok' | 'down';
  checks: Record<string, CheckResult>;
  /** The required dependencies that are not ok (empty when status is "ok"). */
  down: string[];
}

export async function runHealthChecks(
  probes: readonly HealthProbe[],
  options: { timeoutMs: number; onFailure?(name: string, error: unknown): void },
): Promise<HealthReport> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const results = await Promise.all(
    probes.map(async (probe): Promise<[string, CheckResult]> => {
      const started = performance.now();
      const elapsed = (): number => Math.round(performance.now() - started);
      try {
        const status = await withDeadline(probe.probe(deadline), deadline);
        return [probe.name, { status, ms: elapsed() }];
      } catch (error) {
        options.onFailure?.(probe.name, error);
        return [probe.name, { status: 'down', ms: elapsed() }];
      }
    }),
  );
  const checks = Object.fromEntries(results);
  const down = probes
    .filter((probe) => probe.required && checks[probe.name].status !== 'ok')
    .map((probe) => probe.name);
  return { status: down.length === 0 ? 'ok' : 'down', checks, down };
}

/** The probe's answer, or a rejection once the deadline passes (a probe that ignores its signal too). */
function withDeadline<T>(work: Promise<T>, deadline: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(deadline.reason);
    if (deadline.aborted) return onAbort();
    deadline.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        deadline.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        deadline.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
