// Fixture run for e2e/support/find-browser.test.ts: the project's browser global setup in front of
// two tests that only say they ran, so the test can check the setup stopped the run before them.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  test: {
    include: ['*.fixture.ts'],
    pool: 'forks',
    globalSetup: [here('../../e2e/support/browsers-setup.ts')],
    reporters: ['default', here('../../vitest.summary-reporter.ts')],
  },
});
