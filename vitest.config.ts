import { defineConfig } from 'vitest/config';

// One run for every package: tests live in packages/*/test (each package's own, never running a
// package above it) and e2e/ (fleets, the CLI's processes, several packages at once); all talk to real processes.
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'e2e/**/*.test.ts', 'benchmarks/test/**/*.test.ts', 'scripts/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 90_000,
    setupFiles: ['scripts/vitest-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
  },
});
