// Builds the workshop harness page (harness.ts: <tcp-workshop> + the real endpoint worker) with
// Vite's build API into a temporary directory a relay serves as its static root, like
// workers/harness-build.ts does for the endpoint harness. Node only.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

const INDEX_HTML = `<!doctype html>
<meta charset="utf-8">
<title>workshop harness</title>
<link rel="icon" href="data:,">
<body></body>
<script type="module" src="./harness.js"></script>
`;

export async function buildWorkshopHarness(outDir?: string): Promise<string> {
  const { build } = await import('vite');
  const dir = outDir ?? mkdtempSync(join(tmpdir(), 'workshop-harness-'));
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
        input: { harness: join(here, 'harness.ts') },
        output: { entryFileNames: '[name].js' },
      },
    },
    worker: { format: 'es' },
  });
  writeFileSync(join(dir, 'index.html'), INDEX_HTML);
  return dir;
}
