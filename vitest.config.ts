import { defineConfig } from 'vitest/config';

// One run for every package: tests live in packages/*/test (each package's own, never running a
// package above it) and e2e/ (fleets, the CLI's processes, several packages at once); all talk to real processes.
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'e2e/**/*.test.ts', 'benchmarks/test/**/*.test.ts', 'scripts/test/**/*.test.ts'],
    // Timeouts catch hangs, not slowness: on a loaded 2-core machine (npm test beside three or
    // four busy loops) tests that take 5-6 s on an idle one took 29 s and 39 s (the old limit was
    // 30 s). Setups start several processes at once, so they get more. A test of its own size may
    // say more (docs.test.ts), none says less.
    testTimeout: 90_000,
    hookTimeout: 120_000,
    setupFiles: ['scripts/vitest-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
  },
});
