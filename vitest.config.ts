import { defineConfig } from 'vitest/config';

// Three projects: fast unit tests, integration tests against real ffmpeg/RTSP/SQLite,
// and browser e2e tests in Debian's Chromium. Integration and e2e files run one at a time:
// the machine has 2 cores and they start real media pipelines.
export default defineConfig({
  test: {
    env: { WATCHPOST_LOG_LEVEL: process.env.WATCHPOST_LOG_LEVEL ?? 'warn' },
    // the default report, plus a FLAKY line for every test that passed only on its retry (test/support/flaky-reporter.ts)
    reporters: ['default', './test/support/flaky-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 10_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/build-console.ts'],
          // In CI one retry: a browser, a server and ffmpeg on a shared 2-core box. Every retry is named (FLAKY lines);
          // a test that fails twice fails the run. Off elsewhere, so a developer sees each failure.
          retry: process.env.CI === 'true' ? 1 : 0,
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
