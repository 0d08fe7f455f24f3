// Builds the real app (index.html, src/main.ts and the endpoint worker) with Vite's build API
// into a fresh temporary directory, for a relay to serve as its static root: the tests and the
// UI benchmark run against exactly what `npm start` serves. Node only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Build into `outDir` (default: a new temporary directory) and return the directory.
 * `minify: false` keeps function names readable in CPU profiles.
 */
export async function buildApp(outDir?: string, options: { minify?: boolean } = {}): Promise<string> {
  const { build } = await import('vite');
  const dir = outDir ?? mkdtempSync(join(tmpdir(), 'tcp-ui-'));
  await build({
    root: REPO_ROOT,
    configFile: join(REPO_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: dir, emptyOutDir: true, sourcemap: false, ...(options.minify === false ? { minify: false } : {}) },
  });
  return dir;
}

export function removeBuild(dir: string): void {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
}
