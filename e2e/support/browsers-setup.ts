// vitest's global setup for the browser tests (vitest.config.ts's "browser" project): finds every
// browser they drive before any test runs. When one is missing the run stops here, saying in one
// line per browser where it looked and how to install one, and closes with the same plain line
// as every run ("tests: 0 passed, 1 failed"), with exit code 1: a suite of skipped or
// half-set-up browser tests would say far less.
import { closingLine } from '../../vitest.summary-reporter.ts';
import { findBrowser, type BrowserKind } from './find-browser.ts';

export const BROWSERS: readonly BrowserKind[] = ['chromium', 'firefox'];

export default function setup(): void {
  const missing = BROWSERS.map((kind) => findBrowser(kind)).flatMap((d) => (d.ok ? [] : [d.message]));
  if (missing.length === 0) return;
  process.stderr.write(`\n${missing.join('\n')}\n`);
  process.stdout.write(`\n${closingLine({ passed: 0, failed: missing.length, skipped: 0 })}`);
  // Not a thrown error: vitest would print its stack and "No test files found" around the line.
  process.exit(1);
}
