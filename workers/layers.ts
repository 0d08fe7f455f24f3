// The import rules between the project's layers (README, "How it is built"), and the checker
// that layers.test.ts runs over the repository. Node-only: tests use it, the worker never does.
//
// Every .ts file is parsed with the TypeScript compiler (no regular expressions over code), and
// each module reference it makes is resolved to a file:
//   import … from '…'   import type … from '…'   import '…'   export … from '…'
//   import('…')          import('…').Type          new URL('…', import.meta.url)   (a Worker's script)
import ts from 'typescript';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';

/** The layers, lowest first. A file's layer follows from its path alone (layerOf). */
export type Layer = 'core' | 'protocol' | 'persistence' | 'worker' | 'relay' | 'page' | 'e2e' | 'bench' | 'tooling';

/**
 * Which layers a file of each layer may import. Lower layers never import higher ones, so the
 * layers themselves form no circle.
 * - core (workers/tcp): only itself. Pure TypeScript: it runs in the worker, the relay's bots and
 *   the terminal peer alike.
 * - protocol (relay/protocol): the relay's wire contract, used by relay, worker and page. It may
 *   use the core, which is pure and imports nothing else, for the TCP state names a status carries.
 * - persistence (workers/persistence): the trace record, its packed format and the session store,
 *   written by the worker and read by the page. The record holds core events and protocol hosts.
 * - worker (the rest of workers/): the endpoint worker, and the pieces the relay shares with it
 *   (timers, the relay link the terminal peer also uses).
 * - relay (the rest of relay/): the Node relay, its bots and the terminal peer. Never src/.
 * - page (src/): the UI. Nobody but src/ and its tests imports it (e2e's harness pages mount its
 *   elements in Chromium); it does not import the relay's room logic.
 * - e2e, bench: tests and benchmarks, imported by nobody else. The benchmarks drive Chromium with
 *   e2e's support code (browser, app page, relay), so bench may import e2e, not the reverse.
 * - tooling: the build and test configuration at the top level (the reporter, its fixtures); e2e's
 *   global setup prints the reporter's closing line when no browser is found, so e2e may use it.
 */
export const MAY_IMPORT: Readonly<Record<Layer, readonly Layer[]>> = {
  core: ['core'],
  protocol: ['protocol', 'core'],
  persistence: ['persistence', 'protocol', 'core'],
  worker: ['worker', 'persistence', 'protocol', 'core'],
  relay: ['relay', 'worker', 'protocol', 'core'],
  page: ['page', 'worker', 'persistence', 'protocol', 'core'],
  e2e: ['e2e', 'page', 'relay', 'worker', 'persistence', 'protocol', 'core', 'tooling'],
  bench: ['bench', 'e2e', 'relay', 'worker', 'persistence', 'protocol', 'core'],
  tooling: ['tooling', 'page', 'worker', 'persistence', 'protocol', 'core', 'relay'],
};

/**
 * Where a layer may use only some files of another: the relay's own code takes from the worker
 * only what both run, the injectable timers and the relay link (the terminal peer is a client of
 * the relay just as a browser tab is). Tests are free to use the rest, e.g. the worker's API types.
 */
export const ONLY_FILES: Readonly<Partial<Record<Layer, Partial<Record<Layer, readonly string[]>>>>> = {
  relay: { worker: ['workers/timers.ts', 'workers/relay-link.ts'] },
};

/**
 * What a test may import beyond its layer's rule: the page's tests may start a real relay on a
 * loopback port (relay/test-support.ts) to check the page's code against what the relay serves.
 */
export const TESTS_MAY_ALSO_IMPORT: Readonly<Partial<Record<Layer, readonly Layer[]>>> = {
  page: ['relay'],
};

/** Layers whose non-test files may import no npm package nor Node module at all. */
export const NO_PACKAGES: readonly Layer[] = ['core', 'protocol'];

/** `path` is relative to the repository root, with forward slashes. */
export function layerOf(path: string): Layer {
  if (path.startsWith('workers/tcp/')) return 'core';
  if (path.startsWith('workers/persistence/')) return 'persistence';
  if (path.startsWith('workers/')) return 'worker';
  if (path.startsWith('relay/protocol/')) return 'protocol';
  if (path.startsWith('relay/')) return 'relay';
  if (path.startsWith('src/')) return 'page';
  if (path.startsWith('e2e/')) return 'e2e';
  if (path.startsWith('bench/')) return 'bench';
  return 'tooling';
}

/** Tests and the helpers only tests use: outside the cycle check and the package rule. */
export function isTestFile(path: string): boolean {
  return /\.test\.ts$/.test(path) || /(^|\/)test-(support|fixtures)(\/|\.ts$)/.test(path);
}

export type RefKind = 'import' | 'export' | 'dynamic' | 'type' | 'worker-url';

export interface ModuleRef {
  spec: string;
  kind: RefKind;
  /** 1-based. */
  line: number;
}

/** Every module reference in one file's text. */
export function moduleRefs(fileName: string, text: string): ModuleRef[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const refs: ModuleRef[] = [];
  const add = (node: ts.Node, spec: ts.Node | undefined, kind: RefKind): void => {
    if (spec === undefined || !ts.isStringLiteralLike(spec)) return;
    refs.push({ spec: spec.text, kind, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) add(node, node.moduleSpecifier, 'import');
    else if (ts.isExportDeclaration(node)) add(node, node.moduleSpecifier, 'export');
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node, node.argument.literal, 'type');
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, node.arguments[0], 'dynamic');
    else if (ts.isNewExpression(node) && isUrlOfThisModule(node)) add(node, node.arguments?.[0], 'worker-url');
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return refs;
}

/** `new URL('…', import.meta.url)`: how Vite finds a Worker's script (or any asset) next to us. */
function isUrlOfThisModule(node: ts.NewExpression): boolean {
  if (!ts.isIdentifier(node.expression) || node.expression.text !== 'URL') return false;
  const base = node.arguments?.[1];
  return (
    base !== undefined &&
    ts.isPropertyAccessExpression(base) &&
    base.name.text === 'url' &&
    ts.isMetaProperty(base.expression) &&
    base.expression.keywordToken === ts.SyntaxKind.ImportKeyword
  );
}

export interface Edge extends ModuleRef {
  from: string;
  /** Repository-relative file the reference names; null for a package or an unresolvable path. */
  to: string | null;
}

export interface ImportGraph {
  files: string[];
  edges: Edge[];
}

/** Every .ts file under the repository's folders (node_modules, dist and dot-folders skipped). */
export function tsFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.') || name === 'node_modules' || name === 'dist') continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(relative(root, p).split(sep).join('/'));
    }
  };
  walk(root);
  return out;
}

/** Parse and resolve the imports of every .ts file under `root`. */
export function importGraph(root: string): ImportGraph {
  const files = tsFiles(root);
  const edges: Edge[] = [];
  for (const from of files) {
    for (const ref of moduleRefs(from, readFileSync(join(root, from), 'utf8'))) {
      edges.push({ ...ref, from, to: resolveSpec(root, from, ref.spec) });
    }
  }
  return { files, edges };
}

function isRelative(spec: string): boolean {
  return spec.startsWith('./') || spec.startsWith('../') || spec.startsWith('/');
}

function resolveSpec(root: string, from: string, spec: string): string | null {
  if (!isRelative(spec)) return null;
  const path = posix.normalize(posix.join(posix.dirname(from), spec.split(/[?#]/)[0] ?? spec));
  for (const candidate of [path, `${path}.ts`, `${path}/index.ts`]) {
    const full = join(root, candidate);
    if (existsSync(full) && statSync(full).isFile()) return candidate;
  }
  return null;
}

/** One sentence per broken rule, naming the file, its line and the rule. */
export function layerViolations(graph: ImportGraph): string[] {
  const out: string[] = [];
  for (const e of graph.edges) {
    const where = `${e.from}:${e.line}`;
    const fromLayer = layerOf(e.from);
    if (e.kind === 'worker-url' && !/\.[cm]?[jt]s$/.test(e.spec)) continue; // an asset or a folder, not a module
    if (isRelative(e.spec)) {
      if (e.to === null) {
        out.push(`${where}: '${e.spec}' names no file`);
        continue;
      }
      const toLayer = layerOf(e.to);
      const allowed = isTestFile(e.from) ? [...MAY_IMPORT[fromLayer], ...(TESTS_MAY_ALSO_IMPORT[fromLayer] ?? [])] : MAY_IMPORT[fromLayer];
      const only = isTestFile(e.from) ? undefined : ONLY_FILES[fromLayer]?.[toLayer];
      if (!allowed.includes(toLayer)) {
        out.push(`${where}: ${fromLayer} (${dirname(e.from)}/) may not import ${toLayer} (${e.to}); ${fromLayer} may import ${allowed.join(', ')}`);
      } else if (only !== undefined && !only.includes(e.to)) {
        out.push(`${where}: ${fromLayer} (${dirname(e.from)}/) may import from ${toLayer} only ${only.join(', ')}, not ${e.to}`);
      }
    } else if (NO_PACKAGES.includes(fromLayer) && !isTestFile(e.from)) {
      out.push(`${where}: ${fromLayer} may not import the package '${e.spec}'; it imports only ${MAY_IMPORT[fromLayer].join(', ')}`);
    }
  }
  return out;
}

/**
 * Import circles among non-test files, each as the files around it with the first repeated at
 * the end ("a.ts → b.ts → a.ts"). Type-only imports count: a circle of types is still two
 * modules that cannot be understood one without the other.
 */
export function importCycles(graph: ImportGraph): string[] {
  const next = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (e.to === null || isTestFile(e.from) || isTestFile(e.to)) continue;
    const list = next.get(e.from) ?? [];
    if (!list.includes(e.to)) list.push(e.to);
    next.set(e.from, list);
  }
  // Tarjan's strongly connected components; each component with more than one file (or a file
  // importing itself) holds at least one circle, and one is reported for it.
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const strongConnect = (v: string): void => {
    indexOf.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!indexOf.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
      }
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (next.get(v) ?? []).includes(v)) components.push(component);
    }
  };
  for (const f of [...next.keys()].sort()) if (!indexOf.has(f)) strongConnect(f);
  return components.map((c) => circleIn(new Set(c), next).join(' → '));
}

/** One circle inside a strongly connected component: a shortest path from its first file back to it. */
function circleIn(component: Set<string>, next: Map<string, string[]>): string[] {
  const start = [...component].sort()[0]!;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of next.get(v) ?? []) {
      if (!component.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = cameFrom.get(u)!) path.splice(1, 0, u);
        return [...path, start];
      }
      if (!cameFrom.has(w)) {
        cameFrom.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}
