// Serves the built UI (vite's dist/) so one process and one port give students both the page
// and the WebSocket. Only GET and HEAD, only files really under the root (symbolic links that
// lead out are refused), streamed from disk.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { realPathUnder } from './real-path.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm', // required for WebAssembly.instantiateStreaming
  '.txt': 'text/plain; charset=utf-8',
  '.pcap': 'application/vnd.tcpdump.pcap',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

const NOT_BUILT_PAGE = `<!doctype html>
<meta charset="utf-8">
<title>tcp-playground: UI not built</title>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 3em auto">
<h1>The UI has not been built yet</h1>
<p>The relay is running, but there is no <code>dist/</code> folder to serve the page from.</p>
<p>Run <code>npm run build</code> (or start the relay with <code>npm start</code>, which builds first), then reload this page.</p>
</body>
`;

function send(res: ServerResponse, status: number, type: string, body: string, head: boolean): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(head ? undefined : body);
}

/**
 * The file under `root` that a URL path names, or null when it would leave the root. Decoding
 * comes first, so "%2e%2e/" and "..%2f" are caught like "../".
 */
export function resolveUnderRoot(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null; // malformed %-escape
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/');
  if (segments.some((s) => s === '..')) return null;
  const full = resolve(root, '.' + (decoded.startsWith('/') ? decoded : '/' + decoded));
  const rootWithSep = root.endsWith(sep) ? root : root + sep;
  if (full !== root && !full.startsWith(rootWithSep)) return null;
  return full;
}

/** A request handler for files under `root` (absolute), or the "run npm run build" page. */
export function createStaticHandler(
  root: string | null,
  log: (line: string) => void = () => {},
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const absRoot = root === null ? null : resolve(root);
  return async (req, res) => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', head);
    }
    if (absRoot === null) return send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);
    const rootStat = await stat(absRoot).catch(() => null);
    if (rootStat === null || !rootStat.isDirectory()) {
      return send(res, 503, 'text/html; charset=utf-8', NOT_BUILT_PAGE, head);
    }
    const pathname = (req.url ?? '/').split('?')[0]!.split('#')[0]!;
    let file = resolveUnderRoot(absRoot, pathname);
    if (file === null) return send(res, 400, 'text/plain; charset=utf-8', 'bad path\n', head);
    let st = await stat(file).catch(() => null);
    if (st !== null && st.isDirectory()) {
      file = join(file, 'index.html');
      st = await stat(file).catch(() => null);
    }
    if (st === null || !st.isFile()) return send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);
    const real = await realPathUnder(absRoot, file);
    if (!real.ok) {
      if (real.why === 'outside') log(`static: refused ${pathname.slice(0, 200)}: a symbolic link leads out of ${absRoot}`);
      return send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);
    }
    // Vite puts content-hashed bundles under assets/: those never change, the rest may.
    const immutable = real.path.startsWith(join(real.root, 'assets') + sep);
    res.writeHead(200, {
      'Content-Type': contentTypeFor(file),
      'Content-Length': st.size,
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    if (head) {
      res.end();
      return;
    }
    const stream = createReadStream(real.path);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };
}
