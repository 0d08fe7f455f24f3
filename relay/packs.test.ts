// Exercise packs served by the relay (--packs-dir): a listing and the files. The page's loader
// reading them back is src/exercises/pack-served.test.ts (the relay does not import the page).
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRelay, type TestRelay } from './test-support.ts';

let relay: TestRelay | null = null;
let dir = '';
afterEach(async () => {
  await relay?.close();
  relay = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const http = (r: TestRelay, path: string) => fetch(`http://127.0.0.1:${r.port}${path}`);

describe('exercise packs served by the relay', () => {
  it('refuses other files, traversal and missing packs, and is off unless configured', async () => {
    dir = mkdtempSync(join(tmpdir(), 'packs-'));
    writeFileSync(join(dir, 'notes.txt'), 'secret');
    relay = await startRelay({ packsDir: dir });
    expect((await http(relay, '/packs/notes.txt')).status).toBe(400);
    expect((await http(relay, '/packs/..%2f..%2fetc%2fpasswd.json')).status).toBe(400);
    expect((await http(relay, '/packs/nope.json')).status).toBe(404);
    await relay.close();
    relay = await startRelay();
    expect((await http(relay, '/packs/')).status).toBe(404); // falls through to static files: none here
  });
});

describe('packs directory boundaries', () => {
  it('neither serves nor reads a symbolic link that leads out of the directory (404, logged)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'packs-'));
    const packs = join(dir, 'packs');
    mkdirSync(packs);
    writeFileSync(join(dir, 'outside.json'), JSON.stringify({ name: 'OUTSIDE SECRET', exercises: [1, 2] }));
    writeFileSync(join(packs, 'real.json'), JSON.stringify({ name: 'Real', version: 2, exercises: [] }));
    symlinkSync(join(dir, 'outside.json'), join(packs, 'leak.json'));
    symlinkSync(join(packs, 'real.json'), join(packs, 'alias.json'));
    relay = await startRelay({ packsDir: packs });
    const leak = await http(relay, '/packs/leak.json');
    expect(leak.status).toBe(404);
    expect(await leak.text()).not.toContain('OUTSIDE');
    const listingText = await (await http(relay, '/packs/')).text();
    expect(listingText).not.toContain('OUTSIDE');
    const listing = JSON.parse(listingText) as { packs: { file: string; name: string | null; problem?: string }[] };
    expect(listing.packs.map((p) => [p.file, p.name])).toEqual([
      ['alias.json', 'Real'], // a link that stays inside is an ordinary file
      ['leak.json', null],
      ['real.json', 'Real'],
    ]);
    expect(listing.packs[1]!.problem).toMatch(/symbolic link that leads out/);
    expect((await http(relay, '/packs/alias.json')).status).toBe(200);
    expect(relay.logLines.filter((l) => l.includes('leak.json') && /leads out/.test(l))).toHaveLength(2);
  });

  it('says where a broken pack breaks, by file, line and column, without quoting it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'packs-'));
    // V8's own message for this one would quote the text: "Unexpected token ..., "{"name": SECRET..." is not valid JSON".
    writeFileSync(join(dir, 'quoted.json'), '{"name": SECRET-CONTENT-1, "x": 1}');
    writeFileSync(join(dir, 'lines.json'), '{\n  "name": "ok",\n  "exercises": [1, 2,]\n}');
    writeFileSync(join(dir, 'short.json'), '{"name": "SECRET-CONTENT-2"');
    writeFileSync(join(dir, 'scalar.json'), '"SECRET-CONTENT-3"');
    relay = await startRelay({ packsDir: dir });
    const text = await (await http(relay, '/packs/')).text();
    expect(text).not.toContain('SECRET');
    const problems = Object.fromEntries((JSON.parse(text) as { packs: { file: string; problem?: string }[] }).packs.map((p) => [p.file, p.problem]));
    expect(problems).toEqual({
      'lines.json': 'lines.json: not valid JSON at line 3, column 22',
      'quoted.json': 'quoted.json: not valid JSON at line 1, column 10',
      'scalar.json': 'scalar.json: not a pack (the file is not a JSON object)',
      'short.json': 'short.json: not valid JSON: it ends too early (after 27 characters)',
    });
    expect(relay.logLines.join('\n')).not.toContain('SECRET');
  });

  it('answers 405 with Allow for other methods', async () => {
    dir = mkdtempSync(join(tmpdir(), 'packs-'));
    relay = await startRelay({ packsDir: dir });
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const r = await fetch(`http://127.0.0.1:${relay.port}/packs/`, { method });
      expect(r.status, method).toBe(405);
      expect(r.headers.get('allow')).toBe('GET, HEAD');
    }
  });
});
