// The rules skip guard fails a run that skipped a rules test where the official emulator exists,
// and only reports where it does not, or where a name filter skipped tests on purpose.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TestModule, Vitest } from 'vitest/node';
import RulesSkipGuard from '../../setup/rules-skip-guard.js';

type State = 'passed' | 'skipped';

function module(project: string, states: State[]): TestModule {
  const tests = states.map((state, i) => ({
    state,
    fullName: `case ${i}`,
    module: { moduleId: '/repo/functions/test/rules/x.test.ts' },
  }));
  return {
    project: { name: project },
    children: {
      *allTests(state?: State) {
        yield* tests.filter((test) => state === undefined || test.state === state);
      },
    },
  } as unknown as TestModule;
}

function run(modules: TestModule[], options: { emulatorHost?: string; nameFilter?: string } = {}): number | undefined {
  process.env.FIRESTORE_EMULATOR_HOST = options.emulatorHost ?? '';
  if (!options.emulatorHost) process.env.FIRESTORE_EMULATOR_JAR = 'none';
  const guard = new RulesSkipGuard();
  guard.onInit({ config: { testNamePattern: options.nameFilter } } as unknown as Vitest);
  process.exitCode = undefined;
  guard.onTestRunEnd(modules);
  const code = process.exitCode;
  process.exitCode = undefined;
  return code as number | undefined;
}

const saved = { ...process.env };
beforeEach(() => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.restoreAllMocks();
  process.env = { ...saved };
});

describe('RulesSkipGuard', () => {
  it('fails the run when a rules test was skipped and the official emulator is here', () => {
    expect(run([module('rules', ['passed', 'skipped'])], { emulatorHost: '127.0.0.1:1' })).toBe(1);
    expect(console.error).toHaveBeenCalledWith(expect.stringContaining('test/rules/x.test.ts: case 1'));
  });

  it('passes when every rules test ran', () => {
    expect(run([module('rules', ['passed', 'passed'])], { emulatorHost: '127.0.0.1:1' })).toBeUndefined();
  });

  it('only reports where the official emulator is absent, or when a -t filter skipped tests on purpose', () => {
    expect(run([module('rules', ['skipped', 'skipped'])])).toBeUndefined();
    expect(
      run([module('rules', ['passed', 'skipped'])], { emulatorHost: '127.0.0.1:1', nameFilter: 'users' }),
    ).toBeUndefined();
  });

  it('ignores skips in other projects', () => {
    expect(
      run([module('unit', ['skipped']), module('rules', ['passed'])], { emulatorHost: '127.0.0.1:1' }),
    ).toBeUndefined();
  });
});
