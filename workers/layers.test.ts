// Layers point one way (README, "How it is built"): every import in the repository obeys
// layers.ts's rules, no non-test module takes part in an import circle, and the checker itself
// reports a planted wrong import and a planted circle.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { importCycles, importGraph, layerOf, layerViolations, moduleRefs } from './layers.ts';

const REPO = join(import.meta.dirname, '..');

describe('the repository', () => {
  const graph = importGraph(REPO);

  it('has every import where the layer rules allow it', () => {
    expect(graph.files.length).toBeGreaterThan(200);
    expect(layerViolations(graph)).toEqual([]);
  });

  it('has no import circle among its non-test modules', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('sees the imports that cross layers, of every kind', () => {
    const kinds = (from: string, to: string) => graph.edges.filter((e) => e.from === from && e.to === to).map((e) => e.kind);
    expect(kinds('src/app/worker-client.ts', 'workers/endpoint.worker.ts')).toEqual(['worker-url']);
    expect(kinds('workers/endpoint.worker.ts', 'workers/persistence/session-store.ts')).toEqual(['import']);
    expect(kinds('workers/relay-link.ts', 'relay/protocol/close-codes.ts')).toEqual(['import']);
    expect(kinds('workers/api.ts', 'workers/persistence/trace-record.ts')).toEqual(['import', 'export']);
  });
});

describe('the checker, on a planted tree', () => {
  let root = '';
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
    root = '';
  });

  function plant(files: Record<string, string>): string {
    root = mkdtempSync(join(tmpdir(), 'layers-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  }

  it('names the file, the line and the rule of each wrong import, and each circle', () => {
    const graph = importGraph(
      plant({
        'workers/tcp/host.ts': "import { seq } from './seq.ts';\n\nimport { Db } from '../../src/db.ts';\nexport const h = seq + Db;\n",
        'workers/tcp/seq.ts': "export const seq = 1;\n",
        'workers/tcp/clock.ts': "import { readFileSync } from 'node:fs';\nexport const c = readFileSync;\n",
        'workers/service.ts': "export type { Room } from '../relay/rooms.ts';\nexport const load = () => import('../src/db.ts');\n",
        'workers/ok.ts': "import type { Hello } from '../relay/protocol/messages.ts';\nexport type H = Hello;\n",
        'relay/rooms.ts': "import { a } from './a.ts';\nexport type Room = typeof a;\n",
        'relay/a.ts': "import type { Room } from './rooms.ts';\nexport const a = 1 as unknown as Room;\n",
        'relay/protocol/messages.ts': "import { a } from '../a.ts';\nexport type Hello = typeof a;\n",
        'relay/main.ts': "const w = new URL('../src/page.ts', import.meta.url);\nconst d = new URL('../dist', import.meta.url);\nexport { w, d };\n",
        'relay/missing.ts': "export * from './nowhere.ts';\n",
        'relay/peer.ts': "import { RelayLink } from '../workers/relay-link.ts';\nimport { load } from '../workers/service.ts';\nexport const p = [RelayLink, load];\n",
        'relay/peer.test.ts': "import { load } from '../workers/service.ts';\nexport const q = load;\n",
        'workers/relay-link.ts': "export class RelayLink {}\n",
        'src/db.ts': "export const Db = 2;\n",
        'src/page.ts': "type T = import('../e2e/app.ts').App;\nexport const t = 0 as unknown as T;\n",
        'e2e/app.ts': "export interface App { x: number }\n",
        // Circles through tests do not count: a test may import what imports it.
        'relay/rooms.test.ts': "import { a } from './a.ts';\nexport const b = a;\n",
        'relay/a.test.ts': "import { b } from './rooms.test.ts';\nexport const c = b;\n",
      }),
    );
    const violations = layerViolations(graph);
    expect(violations).toEqual([
      "relay/main.ts:1: relay (relay/) may not import page (src/page.ts); relay may import relay, worker, protocol, core",
      "relay/missing.ts:1: './nowhere.ts' names no file",
      'relay/peer.ts:2: relay (relay/) may import from worker only workers/timers.ts, workers/relay-link.ts, not workers/service.ts',
      "relay/protocol/messages.ts:1: protocol (relay/protocol/) may not import relay (relay/a.ts); protocol may import protocol, core",
      "src/page.ts:1: page (src/) may not import e2e (e2e/app.ts); page may import page, worker, persistence, protocol, core",
      "workers/service.ts:1: worker (workers/) may not import relay (relay/rooms.ts); worker may import worker, persistence, protocol, core",
      "workers/service.ts:2: worker (workers/) may not import page (src/db.ts); worker may import worker, persistence, protocol, core",
      "workers/tcp/clock.ts:1: core may not import the package 'node:fs'; it imports only core",
      "workers/tcp/host.ts:3: core (workers/tcp/) may not import page (src/db.ts); core may import core",
    ]);
    expect(importCycles(graph)).toEqual(['relay/a.ts → relay/rooms.ts → relay/a.ts']);
  });

  it('reports a longer circle once, by the files around it', () => {
    const graph = importGraph(
      plant({
        'src/a.ts': "import { b } from './b.ts';\nexport const a = b;\n",
        'src/b.ts': "import { c } from './c.ts';\nexport const b = c;\n",
        'src/c.ts': "import type { a } from './a.ts';\nexport const c = 1 as unknown as typeof a;\n",
        'src/d.ts': "import { a } from './a.ts';\nexport const d = a;\n",
        'src/self.ts': "import * as me from './self.ts';\nexport const s = me;\n",
      }),
    );
    expect(layerViolations(graph)).toEqual([]);
    expect(importCycles(graph)).toEqual(['src/a.ts → src/b.ts → src/c.ts → src/a.ts', 'src/self.ts → src/self.ts']);
  });
});

describe('moduleRefs', () => {
  it('finds every kind of module reference, and none in comments or ordinary strings', () => {
    const text = [
      "import a from './a.ts';",
      "import type { B } from './b.ts';",
      "import './side-effect.ts';",
      "export { c } from './c.ts';",
      "export * from './d.ts';",
      "const e = await import('./e.ts');",
      "type F = import('./f.ts').F;",
      "const w = new Worker(new URL('./g.worker.ts', import.meta.url), { type: 'module' });",
      "// import x from './comment.ts';",
      "const s = \"from './string.ts'\";",
      "const u = new URL('./not-ours.ts', 'http://example.invalid/');",
    ].join('\n');
    expect(moduleRefs('x.ts', text).map((r) => [r.spec, r.kind, r.line])).toEqual([
      ['./a.ts', 'import', 1],
      ['./b.ts', 'import', 2],
      ['./side-effect.ts', 'import', 3],
      ['./c.ts', 'export', 4],
      ['./d.ts', 'export', 5],
      ['./e.ts', 'dynamic', 6],
      ['./f.ts', 'type', 7],
      ['./g.worker.ts', 'worker-url', 8],
    ]);
  });

  it('puts each folder in its layer', () => {
    expect(
      ['workers/tcp/wire/ipv4.ts', 'relay/protocol/names.ts', 'workers/persistence/db.ts', 'workers/relay-link.ts', 'relay/bots/bot-host.ts', 'src/app/controller.ts', 'e2e/ui.test.ts', 'bench/run.ts', 'vite.config.ts'].map(layerOf),
    ).toEqual(['core', 'protocol', 'persistence', 'worker', 'relay', 'page', 'e2e', 'bench', 'tooling']);
  });
});
