// The health report and endpoint with scripted probes: required against optional dependencies, one
// deadline for all, nothing but names, statuses and milliseconds in the answer, a burst of checks
// served by one run, and the plain GET (no sign-in) over real loopback HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHealthChecks, type HealthProbe } from '../../../../src/lib/platform/health/checks.js';
import { healthEndpoint } from '../../../../src/lib/platform/health/endpoint.js';
import { SECURITY_HEADERS } from '../../../../src/lib/platform/http/responses.js';
import { mountFunctions, type MountedFunctions } from '../../../support/mount.js';

const ok = (name: string, required = true): HealthProbe => ({ name, required, probe: async () => 'ok' });
const failing = (name: string, required = true): HealthProbe => ({
  name,
  required,
  probe: async () => {
    throw new Error(`connect ECONNREFUSED 10.1.2.3:443 with secret sk-123 for ${name}`);
  },
});
const hanging = (name: string): HealthProbe => ({ name, required: true, probe: () => new Promise(() => undefined) });

describe('runHealthChecks', () => {
  it('is ok when every required dependency is; an optional one that is down or unconfigured is only reported', async () => {
    const report = await runHealthChecks(
      [
        ok('firestore'),
        ok('s3'),
        failing('redis', false),
        { name: 'cache', required: false, probe: async () => 'not_configured' },
      ],
      { timeoutMs: 500 },
    );
    expect(report.status).toBe('ok');
    expect(report.down).toEqual([]);
    expect(report.checks).toMatchObject({
      firestore: { status: 'ok' },
      s3: { status: 'ok' },
      redis: { status: 'down' },
      cache: { status: 'not_configured' },
    });
  });

  it('is down naming each required dependency that is down or not configured, and says nothing of why', async () => {
    const failures: string[] = [];
    const report = await runHealthChecks(
      [ok('firestore'), failing('s3'), { name: 'textModel', required: true, probe: async () => 'not_configured' }],
      { timeoutMs: 500, onFailure: (name) => failures.push(name) },
    );
    expect(report).toMatchObject({ status: 'down', down: ['s3', 'textModel'] });
    expect(failures).toEqual(['s3']); // the cause goes to the log
    expect(JSON.stringify(report)).not.toMatch(/ECONNREFUSED|10\.1\.2\.3|sk-123/);
  });

  it('answers within its deadline: a probe that never answers is down, the others unaffected', async () => {
    const started = performance.now();
    const report = await runHealthChecks([hanging('firestore'), ok('s3')], { timeoutMs: 200 });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(report).toMatchObject({ status: 'down', down: ['firestore'], checks: { s3: { status: 'ok' } } });
    expect(report.checks.firestore.ms).toBeGreaterThanOrEqual(150);
  });
});

describe('GET health', () => {
  let mounted: MountedFunctions;
  let runs = 0;
  let s3Up = true;
  let now = Date.parse('2026-12-07T12:00:00Z');

  beforeAll(async () => {
    const endpoint = healthEndpoint({
      probes: () => {
        runs++;
        return [ok('firestore'), s3Up ? ok('s3') : failing('s3'), failing('redis', false)];
      },
      timeoutMs: 500,
      cacheMs: 5_000,
      clock: () => now,
    });
    mounted = await mountFunctions({ health: endpoint as never });
  });
  afterAll(async () => {
    await mounted?.close();
  });

  it('answers 200 with each dependency, without any sign-in, with the security headers', async () => {
    const response = await fetch(mounted.url('health'));
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      status: string;
      checks: Record<string, { status: string }>;
      down: string[];
    };
    expect(body).toMatchObject({
      status: 'ok',
      down: [],
      checks: { firestore: { status: 'ok' }, redis: { status: 'down' } },
    });
    expect(Object.keys(body)).toEqual(['status', 'checks', 'down']);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(response.headers.get(name)).toBe(value);
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });

  it('serves a burst of checks from one run, then runs again after the cache time; 503 names what is down', async () => {
    const before = runs;
    await Promise.all(Array.from({ length: 10 }, () => fetch(mounted.url('health')).then((r) => r.arrayBuffer())));
    expect(runs - before).toBeLessThanOrEqual(1);
    s3Up = false;
    now += 6_000;
    const response = await fetch(mounted.url('health'));
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: 'down', down: ['s3'], checks: { s3: { status: 'down' } } });
    s3Up = true;
    now += 6_000;
  });

  it('takes GET and HEAD only', async () => {
    const head = await fetch(mounted.url('health'), { method: 'HEAD' });
    expect(head.status).toBe(200);
    const post = await fetch(mounted.url('health'), { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(((await post.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
  });
});
