// Builds the harness page (harness-page.ts) and the endpoint worker with Vite's build API into
// a directory the relay can serve as its static root, for e2e/endpoint.test.ts and
// bench/browser.bench.ts. Node only; not part of the app.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** An index.html that loads the built entry; the empty icon saves a 404 in the console. */
function indexHtml(title: string): string {
  return `<!doctype html>
<meta charset="utf-8">
<title>${title}</title>
<link rel="icon" href="data:,">
<body></body>
<script type="module" src="./harness.js"></script>
`;
}

/**
 * Build a test page (an entry module plus whatever workers it starts) into a fresh temporary
 * directory (or `outDir`) a relay can serve as its static root, and return the directory.
 */
export async function buildHarnessPage(entry: string, title: string, outDir?: string): Promise<string> {
  const { build } = await import('vite');
  const dir = outDir ?? mkdtempSync(join(tmpdir(), 'harness-'));
  await build({
    configFile: false,
    root: dirname(entry),
    logLevel: 'warn',
    build: {
      outDir: dir,
      emptyOutDir: true,
      target: 'es2022',
      minify: false,
      sourcemap: false,
      rollupOptions: {
        input: { harness: entry },
        output: { entryFileNames: '[name].js' },
      },
    },
    worker: { format: 'es' },
  });
  writeFileSync(join(dir, 'index.html'), indexHtml(title));
  return dir;
}

/** The endpoint harness (harness-page.ts). Takes a second or two. */
export function buildHarness(outDir?: string): Promise<string> {
  return buildHarnessPage(join(here, 'harness-page.ts'), 'endpoint harness', outDir);
}
