// The core must stay pure: no clock, no randomness, no timers, no I/O. Time and a seeded random
// source are passed in, so the same inputs give the same trace in a browser, in Node and in tests.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = new URL('.', import.meta.url).pathname;
const FORBIDDEN = /(?<![.\w])(Date\.now|new Date\b|Math\.random|setTimeout|setInterval|setImmediate|queueMicrotask|performance\.now|postMessage|WebSocket|XMLHttpRequest|fetch\(|require\(|process\.|globalThis|window\.|document\.|importScripts)/;
const NODE_IMPORT = /from\s+['"]node:/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'test-support' ? [] : sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

describe('purity of workers/tcp', () => {
  it('no source file of the core uses a clock, randomness, timers, DOM or I/O', () => {
    const offenders: string[] = [];
    for (const file of sources(ROOT)) {
      // Comments may name what the code must not use; blank them out, keeping line numbers.
      const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
      text.split('\n').forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, '');
        if (FORBIDDEN.test(code) || NODE_IMPORT.test(code)) offenders.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});
