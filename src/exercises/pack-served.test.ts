// The page's pack loader and validator against packs a real relay serves (--packs-dir): the
// listing names each file, and what the loader gets back is the pack that was written.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRelay, type TestRelay } from '../../relay/test-support.ts';
import { builtinPack } from './builtin.ts';
import { loadPackFromUrl } from './pack.ts';

let relay: TestRelay | null = null;
let dir = '';
afterEach(async () => {
  await relay?.close();
  relay = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const http = (r: TestRelay, path: string) => fetch(`http://127.0.0.1:${r.port}${path}`);

describe('exercise packs served by the relay, read by the page', () => {
  it('lists the packs, serves each, and the page loader validates what it gets', async () => {
    dir = mkdtempSync(join(tmpdir(), 'packs-'));
    const pack = { ...builtinPack(), name: 'Monday workshop' };
    writeFileSync(join(dir, 'monday.json'), JSON.stringify(pack));
    writeFileSync(join(dir, 'broken.json'), '{ not json');
    writeFileSync(join(dir, 'notes.txt'), 'not a pack');
    relay = await startRelay({ packsDir: dir });

    const listing = (await (await http(relay, '/packs/')).json()) as { packs: { file: string; name: string | null; exercises: number | null; problem?: string }[] };
    expect(listing.packs.map((p) => [p.file, p.name, p.exercises])).toEqual([
      ['broken.json', null, null],
      ['monday.json', 'Monday workshop', pack.exercises.length],
    ]);
    expect(listing.packs[0]!.problem).toBe('broken.json: not valid JSON at line 1, column 3');

    const loaded = await loadPackFromUrl(`http://127.0.0.1:${relay.port}/packs/monday.json`, fetch);
    expect(loaded.ok).toBe(true);
    if (loaded.ok) expect(loaded.value.exercises.map((e) => e.id)).toEqual(pack.exercises.map((e) => e.id));

    const bad = await loadPackFromUrl(`http://127.0.0.1:${relay.port}/packs/broken.json`, fetch);
    expect(bad.ok).toBe(false);
  });
});
