import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/domain/**/*.test.{ts,tsx}', 'tests/api/**/*.test.{ts,tsx}'],
          // Each file gets its own fresh database; two workers match the two cores CI has.
          pool: 'forks',
          maxWorkers: 2,
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
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
