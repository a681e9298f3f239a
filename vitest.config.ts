import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          globalSetup: ['tests/global-setup.ts'],
          include: ['tests/domain/**/*.test.{ts,tsx}', 'tests/api/**/*.test.{ts,tsx}'],
          // Each file gets its own fresh database; two workers match the two cores CI has.
          pool: 'forks',
          maxWorkers: 2,
          // Files share a worker's loaded modules (the app, drizzle, PGlite's WebAssembly) instead of loading them
          // again for each file; every file still gets its own database and app (tests/helpers/test-app.ts).
          isolate: false,
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          globalSetup: ['tests/global-setup.ts'],
          include: ['tests/e2e/**/*.test.{ts,tsx}'],
          pool: 'forks',
          maxWorkers: 1,
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // A page loads its code and data after each click; on a busy CI machine that can take seconds.
          expect: { poll: { timeout: 10_000 } },
        },
      },
    ],
  },
});
