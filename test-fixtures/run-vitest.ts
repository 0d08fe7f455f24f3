// Runs vitest in a child process on a fixture directory (its own vitest.config.ts), the way
// `npm test` runs it, for the tests of the closing line and of the browser global setup.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const vitestCli = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

export interface FixtureRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The last non-empty line of standard output. */
  lastLine: string;
}

/** `vitest run FILTERS` in test-fixtures/`fixture`, with `env` over this process's environment. */
export function runFixture(fixture: string, filters: string[], env: Record<string, string | undefined> = {}, timeoutMs = 30_000): Promise<FixtureRun> {
  const root = join(here, fixture);
  const childEnv: Record<string, string | undefined> = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', CI: 'true', ...env };
  // The parent's own vitest variables would tell the child it is a vitest worker.
  for (const k of Object.keys(childEnv)) if (k.startsWith('VITEST')) delete childEnv[k];
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vitestCli, 'run', '--root', root, ...filters], { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const lines = stdout.split('\n').filter((l) => l.trim() !== '');
      resolve({ code, stdout, stderr, lastLine: lines.at(-1) ?? '' });
    });
  });
}
