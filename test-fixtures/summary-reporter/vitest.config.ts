// Fixture runs for vitest.summary-reporter.test.ts: each test there runs vitest on one or more of
// these *.fixture.ts files, with the project's closing-line reporter, and reads its last line.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['*.fixture.ts'],
    pool: 'forks',
    reporters: ['default', fileURLToPath(new URL('../../vitest.summary-reporter.ts', import.meta.url))],
  },
});
