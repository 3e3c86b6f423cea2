import { defineConfig } from 'vitest/config';

// `npm run test:faults`: the crash and database-restart tests (also part of `npm test`) and the soak.
export default defineConfig({
  test: {
    include: ['packages/server/test/faults/**/*.test.ts', 'packages/server/test-soak/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: 1,
  },
});
