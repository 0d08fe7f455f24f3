// Builds the harness page (harness-page.ts) and the endpoint worker with Vite's build API into
// a directory the relay can serve as its static root, for e2e/endpoint.test.ts and
// bench/browser.bench.ts. Node only; not part of the app.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

const INDEX_HTML = `<!doctype html>
<meta charset="utf-8">
<title>endpoint harness</title>
<script type="module" src="./harness.js"></script>
`;

/** Build into a fresh temporary directory (or `outDir`) and return it. Takes a second or two. */
export async function buildHarness(outDir?: string): Promise<string> {
  const { build } = await import('vite');
  const dir = outDir ?? mkdtempSync(join(tmpdir(), 'endpoint-harness-'));
  await build({
    configFile: false,
    root: here,
    logLevel: 'warn',
    build: {
      outDir: dir,
      emptyOutDir: true,
      target: 'es2022',
      minify: false,
      sourcemap: false,
      rollupOptions: {
        input: { harness: join(here, 'harness-page.ts') },
        output: { entryFileNames: '[name].js' },
      },
    },
    worker: { format: 'es' },
  });
  writeFileSync(join(dir, 'index.html'), INDEX_HTML);
  return dir;
}
