import { configDefaults, defineConfig } from 'vitest/config';

// Two projects: the browser tests (e2e/) need a browser, found by their global setup before any
// of them runs (e2e/support/browsers-setup.ts); a run of unit tests alone never looks for one.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './vitest.summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['workers/**/*.test.ts', 'relay/**/*.test.ts', 'src/**/*.test.ts', 'e2e/support/**/*.test.ts', 'vitest.summary-reporter.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['e2e/**/*.test.ts'],
          // The browser tests' own support code is tested without a browser, in 'unit'.
          exclude: [...configDefaults.exclude, 'e2e/support/**'],
          globalSetup: ['./e2e/support/browsers-setup.ts'],
        },
      },
    ],
  },
});
