// Prints one plain closing line, "tests: N passed, N failed, N skipped", after vitest's own
// report, so a log reader that does not know vitest's format still sees the count. The line tells
// the truth about the run: whatever made vitest fail it is counted as failed, not only failed
// tests. A test that never ran because its suite's setup (beforeAll) failed counts as failed, not
// skipped; a suite whose teardown (afterAll) failed, a file that failed to load and an unhandled
// error each count as one failure; and a run vitest failed for any other reason (no test files,
// an interrupted run) never closes on "0 failed". A second line above it says what those extra
// failures were, since vitest's own summary counts none of them as failed tests.
import type { Reporter, TestCase, TestModule, TestRunEndReason, TestSuite, Vitest } from 'vitest/node';

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/** The closing line itself; the global setup that stops a run before it starts prints it too. */
export function closingLine(c: Counts): string {
  return `tests: ${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ''}\n`;
}

type Holder = TestModule | TestSuite;

export default class SummaryReporter implements Reporter {
  private readonly started = new Set<string>();
  private passWithNoTests = false;

  onInit(vitest: Vitest): void {
    this.passWithNoTests = vitest.config.passWithNoTests;
  }

  onTestRunStart(): void {
    this.started.clear();
  }

  /** Called when a test starts; one whose suite's setup failed never gets here. */
  onTestCaseReady(test: TestCase): void {
    this.started.add(test.id);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>, reason: TestRunEndReason): void {
    const c: Counts = { passed: 0, failed: 0, skipped: 0 };
    const notes: string[] = [];
    for (const m of modules) {
      // Suites and files with errors of their own (a hook that threw, an import that threw), and
      // how many tests each kept from running.
      const keptFromRunning = new Map<Holder, number>();
      const withErrors: Holder[] = [m, ...m.children.allSuites()].filter((h) => h.errors().length > 0);
      for (const h of withErrors) keptFromRunning.set(h, 0);
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') c.passed++;
        else if (state === 'failed') c.failed++;
        else {
          const holder = t.options.mode === 'run' && state === 'skipped' && !this.started.has(t.id) ? nearestWithErrors(t) : undefined;
          if (holder === undefined) c.skipped++;
          else {
            c.failed++;
            keptFromRunning.set(holder, (keptFromRunning.get(holder) ?? 0) + 1);
          }
        }
      }
      for (const [h, n] of keptFromRunning) {
        const where = h.type === 'module' ? h.relativeModuleId : `${h.module.relativeModuleId} > ${h.fullName}`;
        if (n > 0) notes.push(`${where}: ${n} test${n === 1 ? '' : 's'} not run (setup failed)`);
        else {
          c.failed++; // a teardown that failed after its tests passed, or a file that never loaded
          notes.push(`${where}: ${h.type === 'module' && [...m.children.allTests()].length === 0 ? 'failed to load' : 'setup or teardown failed'}`);
        }
      }
    }
    if (errors.length > 0) {
      c.failed += errors.length;
      notes.push(`${errors.length} unhandled error${errors.length === 1 ? '' : 's'}`);
    }
    if (c.failed === 0) {
      if (modules.length === 0 && !this.passWithNoTests) notes.push('no test files ran');
      else if (reason !== 'passed') notes.push(`vitest ended the run as ${reason}`);
      if (notes.length > 0) c.failed = 1;
    }
    const extra = notes.length > 0 ? `\nfailures vitest does not count as failed tests: ${notes.join('; ')}` : '';
    process.stdout.write(`${extra}\n${closingLine(c)}`);
  }
}

/** The innermost suite, or else the file, around `t` that has errors of its own. */
function nearestWithErrors(t: TestCase): Holder | undefined {
  for (let p: TestSuite | TestModule = t.parent; ; p = p.parent) {
    if (p.errors().length > 0) return p;
    if (p.type === 'module') return undefined;
  }
}
