import { defineConfig } from 'vitest/config';

// One run for every package: tests live in packages/*/test and talk to real processes.
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'benchmarks/test/**/*.test.ts', 'scripts/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 90_000,
    setupFiles: ['scripts/vitest-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
  },
});
