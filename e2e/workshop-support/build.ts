// Builds the workshop harness page (harness.ts: <tcp-workshop> + the real endpoint worker) with
// the same helper as the endpoint harness, into a directory a relay serves as its static root.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildHarnessPage } from '../../workers/harness-build.ts';

const here = dirname(fileURLToPath(import.meta.url));

export function buildWorkshopHarness(outDir?: string): Promise<string> {
  return buildHarnessPage(join(here, 'harness.ts'), 'workshop harness', outDir);
}
