// Exercise packs served by the relay: a teacher puts pack files (src/exercises/SCHEMA.md) in a
// directory (--packs-dir) and students load them by URL from the exercises drawer:
//   GET /packs/           a JSON listing: every *.json there with its name, version and exercise count
//   GET /packs/NAME.json  the pack itself
// The relay only reads and lists; the page validates the pack when it loads it. A symbolic link
// that leads out of the directory is neither listed with its contents nor served, and what the
// listing says about a broken file never quotes the file.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describeJsonError } from './json-error.ts';
import { realPathUnder } from './real-path.ts';
import { resolveUnderRoot } from './static.ts';

export const PACKS_PATH = '/packs/';

export interface PackListing {
  file: string;
  url: string;
  name: string | null;
  version: string | number | null;
  exercises: number | null;
  /** Why the file could not be read as a pack (file name and position only), if it could not. */
  problem?: string;
}

const TEXT = 'text/plain; charset=utf-8';

export function createPacksHandler(
  dir: string,
  log: (line: string) => void = () => {},
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const root = resolve(dir);
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': TEXT }).end('method not allowed\n');
      return;
    }
    const path = (req.url ?? '/').split('?')[0]!;
    const rest = path.slice(PACKS_PATH.length);
    if (rest === '') return json(res, { packs: await listPacks(root, log) }, req.method === 'HEAD');
    const file = resolveUnderRoot(root, rest);
    if (file === null || !file.endsWith('.json') || rest.includes('/')) {
      res.writeHead(400, { 'Content-Type': TEXT }).end('bad pack path: ask for /packs/NAME.json\n');
      return;
    }
    const real = await realPathUnder(root, file);
    if (!real.ok && real.why === 'outside') log(`packs: refused ${rest.slice(0, 200)}: a symbolic link leads out of ${root}`);
    const text = real.ok ? await readFile(real.path, 'utf8').catch(() => null) : null;
    if (text === null) {
      res.writeHead(404, { 'Content-Type': TEXT }).end(`no pack ${rest} here\n`);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-cache', 'Content-Length': Buffer.byteLength(text) });
    res.end(req.method === 'HEAD' ? undefined : text);
  };
}

async function listPacks(root: string, log: (line: string) => void): Promise<PackListing[]> {
  const names = (await readdir(root).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
  const out: PackListing[] = [];
  for (const file of names) {
    const entry: PackListing = { file, url: PACKS_PATH + encodeURIComponent(file), name: null, version: null, exercises: null };
    out.push(entry);
    const real = await realPathUnder(root, resolve(root, file));
    if (!real.ok) {
      entry.problem = real.why === 'outside' ? `${file}: a symbolic link that leads out of the packs directory; not served` : `${file}: cannot be read`;
      if (real.why === 'outside') log(`packs: ${file} is a symbolic link that leads out of ${root}; not listed or served`);
      continue;
    }
    const text = await readFile(real.path, 'utf8').catch(() => null);
    if (text === null) {
      entry.problem = `${file}: cannot be read`;
      continue;
    }
    let data: { name?: unknown; version?: unknown; exercises?: unknown };
    try {
      data = JSON.parse(text) as typeof data;
    } catch {
      entry.problem = `${file}: ${describeJsonError(text)}`;
      continue;
    }
    if (data === null || typeof data !== 'object') {
      entry.problem = `${file}: not a pack (the file is not a JSON object)`;
      continue;
    }
    entry.name = typeof data.name === 'string' ? data.name : null;
    entry.version = typeof data.version === 'string' || typeof data.version === 'number' ? data.version : null;
    entry.exercises = Array.isArray(data.exercises) ? data.exercises.length : null;
  }
  return out;
}

function json(res: ServerResponse, value: unknown, head: boolean): void {
  const body = JSON.stringify(value, null, 2);
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-cache', 'Content-Length': Buffer.byteLength(body) });
  res.end(head ? undefined : body);
}
