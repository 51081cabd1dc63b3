import { defineConfig } from 'vitest/config';

// Three projects: fast unit tests, integration tests against real ffmpeg/RTSP/SQLite,
// and browser e2e tests in Debian's Chromium. Integration and e2e files run one at a time:
// the machine has 2 cores and they start real media pipelines.
export default defineConfig({
  test: {
    env: { WATCHPOST_LOG_LEVEL: process.env.WATCHPOST_LOG_LEVEL ?? 'warn' },
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
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
