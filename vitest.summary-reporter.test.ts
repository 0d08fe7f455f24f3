// The closing line of vitest.summary-reporter.ts on real vitest runs of small fixture files
// (test-fixtures/summary-reporter/): whatever made vitest fail the run is counted as failed, so
// a reader of the last line never sees "0 failed" on a run that failed.
import { describe, expect, it } from 'vitest';
import { runFixture } from './test-fixtures/run-vitest.ts';

const run = (...files: string[]) => runFixture('summary-reporter', files);

describe('the closing line', () => {
  it('counts passed and skipped tests of a clean run, which exits 0', async () => {
    const r = await run('clean');
    expect(r.lastLine).toBe('tests: 2 passed, 0 failed, 2 skipped');
    expect(r.code).toBe(0);
  });

  it('counts the tests a failing beforeAll kept from running as failed, not skipped', async () => {
    const r = await run('setup-fails');
    expect(r.lastLine).toBe('tests: 1 passed, 2 failed, 1 skipped');
    expect(r.stdout).toContain('setup-fails.fixture.ts > a suite that cannot set up: 2 tests not run (setup failed)');
    expect(r.code).toBe(1);
  });

  it('counts a failing afterAll as a failure although its tests passed', async () => {
    const r = await run('teardown-fails');
    expect(r.lastLine).toBe('tests: 1 passed, 1 failed');
    expect(r.stdout).toContain('teardown-fails.fixture.ts: setup or teardown failed');
    expect(r.code).toBe(1);
  });

  it('counts a file that throws while it loads as a failure', async () => {
    const r = await run('import-throws');
    expect(r.lastLine).toBe('tests: 0 passed, 1 failed');
    expect(r.stdout).toContain('import-throws.fixture.ts: failed to load');
    expect(r.code).toBe(1);
  });

  it('counts an unhandled rejection as a failure although every test passed', async () => {
    const r = await run('unhandled');
    expect(r.lastLine).toBe('tests: 1 passed, 1 failed');
    expect(r.stdout).toContain('1 unhandled error');
    expect(r.code).toBe(1);
  });

  it('adds them all up in one run', async () => {
    const r = await run('clean', 'setup-fails', 'teardown-fails', 'import-throws', 'unhandled');
    expect(r.lastLine).toBe('tests: 5 passed, 5 failed, 3 skipped');
    expect(r.code).toBe(1);
  });

  it('never says 0 failed when vitest fails a run that ran no test', async () => {
    const r = await run('no-such-fixture');
    expect(r.code).toBe(1);
    expect(r.lastLine).toBe('tests: 0 passed, 1 failed');
    expect(r.stdout).toContain('no test files ran');
  });
});
