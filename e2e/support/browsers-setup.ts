// vitest's global setup for the browser tests (vitest.config.ts's "browser" project): finds every
// browser the files of this run drive before any test runs. A file whose name says "firefox"
// drives Firefox, every other one Chromium, so `vitest run e2e/ui.test.ts` needs no Firefox. When
// one is missing the run stops here, saying in one line per browser where it looked and how to
// install one, and closes with the same plain line as every run ("tests: 0 passed, 1 failed"),
// with exit code 1: a suite of skipped or half-set-up browser tests would say far less.
import { basename } from 'node:path';
import type { TestProject } from 'vitest/node';
import { closingLine } from '../../vitest.summary-reporter.ts';
import { findBrowser, type BrowserKind } from './find-browser.ts';

/** The browsers the test files at `paths` drive (both when the paths are not known). */
export function browsersFor(paths: readonly string[]): BrowserKind[] {
  if (paths.length === 0) return ['chromium', 'firefox'];
  const firefox = paths.map((p) => basename(p).includes('firefox'));
  return [...(firefox.some((f) => !f) ? ['chromium' as const] : []), ...(firefox.some((f) => f) ? ['firefox' as const] : [])];
}

export default function setup(project: TestProject): void {
  // The files of this run (all of them, of every project): vitest's state API, marked experimental.
  const paths = project.vitest.state.getPaths().filter((p) => project.matchesTestGlob(p));
  const missing = browsersFor(paths).map((kind) => findBrowser(kind)).flatMap((d) => (d.ok ? [] : [d.message]));
  if (missing.length === 0) return;
  process.stderr.write(`\n${missing.join('\n')}\n`);
  process.stdout.write(`\n${closingLine({ passed: 0, failed: missing.length, skipped: 0 })}`);
  // Not a thrown error: vitest would print its stack and "No test files found" around the line.
  process.exit(1);
}
