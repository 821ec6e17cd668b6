import { defineConfig } from 'vitest/config';

// Security-rules tests: they need the OFFICIAL Firestore emulator (it evaluates rules; the embedded
// Node emulator does not). The root `npm run test:rules` starts it with `firebase emulators:exec`.
export default defineConfig({
  test: {
    name: 'rules',
    include: ['test/rules/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
