import { defineConfig } from 'vitest/config';

// Three projects: `unit` needs no services; `integration` shares the services that
// test/setup/global.ts starts once on loopback (or takes from the environment); `rules` runs the
// firestore.rules suite on the official Cloud Firestore emulator (test/setup/rules-global.ts), and the
// rules skip guard fails the run if any of it was skipped where that emulator exists.
export default defineConfig({
  test: {
    reporters: ['default', './test/setup/rules-skip-guard.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/setup/quiet-logs.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/setup/global.ts'],
          setupFiles: ['test/setup/quiet-logs.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'rules',
          include: ['test/rules/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/setup/rules-global.ts'],
          testTimeout: 30_000,
          hookTimeout: 90_000,
          // One emulator and one rules set: files must not clear each other's data mid-test.
          fileParallelism: false,
        },
      },
    ],
  },
});
