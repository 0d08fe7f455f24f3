// Exercise packs served by the relay: a teacher puts pack files (src/exercises/SCHEMA.md) in a
// directory (--packs-dir) and students load them by URL from the exercises drawer:
//   GET /packs/           a JSON listing: every *.json there with its name, version and exercise count
//   GET /packs/NAME.json  the pack itself
// The relay only reads and lists; the page validates the pack when it loads it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { resolveUnderRoot } from './static.ts';

export const PACKS_PATH = '/packs/';

export interface PackListing {
  file: string;
  url: string;
  name: string | null;
  version: string | number | null;
  exercises: number | null;
  /** Why the file could not be read as JSON, if it could not. */
  problem?: string;
}

export function createPacksHandler(dir: string): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const root = resolve(dir);
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    const path = (req.url ?? '/').split('?')[0]!;
    const rest = path.slice(PACKS_PATH.length);
    if (rest === '') return json(res, { packs: await listPacks(root) }, req.method === 'HEAD');
    const file = resolveUnderRoot(root, rest);
    if (file === null || !file.endsWith('.json') || rest.includes('/')) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('bad pack path: ask for /packs/NAME.json\n');
      return;
    }
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text === null) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`no pack ${rest} here\n`);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-cache', 'Content-Length': Buffer.byteLength(text) });
    res.end(req.method === 'HEAD' ? undefined : text);
  };
}

async function listPacks(root: string): Promise<PackListing[]> {
  const names = (await readdir(root).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
  const out: PackListing[] = [];
  for (const file of names) {
    const entry: PackListing = { file, url: PACKS_PATH + encodeURIComponent(file), name: null, version: null, exercises: null };
    try {
      const data = JSON.parse(await readFile(resolve(root, file), 'utf8')) as { name?: unknown; version?: unknown; exercises?: unknown };
      entry.name = typeof data.name === 'string' ? data.name : null;
      entry.version = typeof data.version === 'string' || typeof data.version === 'number' ? data.version : null;
      entry.exercises = Array.isArray(data.exercises) ? data.exercises.length : null;
    } catch (e) {
      entry.problem = `not JSON: ${(e as Error).message}`;
    }
    out.push(entry);
  }
  return out;
}

function json(res: ServerResponse, value: unknown, head: boolean): void {
  const body = JSON.stringify(value, null, 2);
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-cache', 'Content-Length': Buffer.byteLength(body) });
  res.end(head ? undefined : body);
}
