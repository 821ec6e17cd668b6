/**
 * A vitest reporter that fails the run when any security-rules test (project `rules`) was skipped
 * on a machine that has the official Firestore emulator. Skipping is right only where the emulator
 * is absent (rules-global.ts says so); anywhere else a skip means the suite lost a case without
 * anyone noticing (a stray `.skip`, a gate that misfired).
 *
 * A run filtered by test name (`-t`) skips tests on purpose, so the guard then only reports.
 */
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import { findOfficialFirestoreEmulator } from '../../dev/services/firestore-official.js';

export const RULES_PROJECT = 'rules';

export default class RulesSkipGuard implements Reporter {
  private filteredByName = false;

  onInit(vitest: Vitest): void {
    this.filteredByName = Boolean(vitest.config.testNamePattern);
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const rulesModules = testModules.filter((module) => module.project.name === RULES_PROJECT);
    if (rulesModules.length === 0) return; // the rules project was not part of this run
    const skipped = rulesModules.flatMap((module) => [...module.children.allTests('skipped')]);
    const ran =
      rulesModules.reduce((count, module) => count + [...module.children.allTests()].length, 0) - skipped.length;
    const emulatorHere = Boolean(process.env.FIRESTORE_EMULATOR_HOST) || findOfficialFirestoreEmulator().found;
    if (!emulatorHere) {
      console.log(`[rules] ${skipped.length} rules tests skipped: no official Firestore emulator available here`);
      return;
    }
    console.log(`[rules] ${ran} rules tests ran on the official Firestore emulator, ${skipped.length} skipped`);
    if (skipped.length === 0 || this.filteredByName) return;
    const names = skipped
      .slice(0, 10)
      .map((test) => `  - ${test.module.moduleId.replace(/^.*\/test\//, 'test/')}: ${test.fullName}`);
    console.error(
      `[rules] FAIL: the official Firestore emulator is here, so no rules test may be skipped:\n${names.join('\n')}`,
    );
    process.exitCode = 1;
  }
}
