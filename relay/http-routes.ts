// The relay's plain HTTP requests: /healthz, /stats, /packs/, /ws without an upgrade, and the
// built UI. Every answer carries the security headers; only GET and HEAD are served; the Host
// must be one the relay answers to (allowedHosts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { requestToken, tokenMatches } from './admin-token.ts';
import { hostRefusalText, isHostAllowed } from './host-check.ts';
import type { HttpCounters } from './http-guard.ts';
import type { ResolvedOptions } from './options.ts';
import { createPacksHandler, PACKS_PATH } from './packs.ts';
import { applySecurityHeaders, SECURITY_HEADER_LINES } from './security-headers.ts';
import { createStaticHandler } from './static.ts';
import { CachedJson } from './stats-cache.ts';
import { publicStats, type RelayStats } from './stats.ts';

/** The WebSocket endpoint's path (relay.ts re-exports it). */
export const WS_PATH = '/ws';

/** /stats is computed at most once per this period, the public and the detailed text each. */
export const STATS_CACHE_MS = 1000;

export interface HttpRoutesContext {
  readonly options: Readonly<ResolvedOptions>;
  readonly counters: HttpCounters;
  readonly startedAt: Date;
  stats(): RelayStats;
  isClosing(): boolean;
  log(line: string): void;
}

const ALLOW = 'GET, HEAD';
const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

function sendText(res: ServerResponse, req: IncomingMessage, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': TEXT, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', ...headers });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function sendJson(res: ServerResponse, req: IncomingMessage, status: number, body: Buffer | string): void {
  res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

export function createRequestHandler(ctx: HttpRoutesContext): (req: IncomingMessage, res: ServerResponse) => void {
  const o = ctx.options;
  const serveStatic = createStaticHandler(o.staticDir, ctx.log);
  const servePacks = o.packsDir === null ? null : createPacksHandler(o.packsDir, ctx.log);
  const render = (): void => {
    ctx.counters.statsRenders++;
  };
  const publicJson = new CachedJson(() => publicStats(ctx.stats()), STATS_CACHE_MS, render, true);
  // Compact: with hundreds of hosts the indentation alone would be a third of it.
  const detailJson = new CachedJson(() => ctx.stats(), STATS_CACHE_MS, render, false);

  function serveStats(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
    const token = requestToken(req, query);
    if (token === null && !query.has('detail')) return sendJson(res, req, 200, publicJson.get(Date.now()));
    if (token === null || !tokenMatches(token, o.adminToken)) {
      return sendText(
        res,
        req,
        401,
        token === null
          ? 'per-room detail needs the admin token the relay printed at start: Authorization: Bearer TOKEN, or ?token=TOKEN\n'
          : 'wrong admin token: use the one the relay printed at start\n',
        { 'WWW-Authenticate': 'Bearer realm="relay stats"' },
      );
    }
    sendJson(res, req, 200, detailJson.get(Date.now()));
  }

  return (req, res) => {
    applySecurityHeaders(res);
    if (!isHostAllowed(req.headers.host, o.allowedHosts)) {
      ctx.counters.hostRefused++;
      return sendText(res, req, 421, hostRefusalText(req.headers.host));
    }
    // RFC 9110 §15.5.6: a 405 lists the methods the resource has.
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendText(res, req, 405, `method ${String(req.method).slice(0, 20)} not allowed: this relay serves only GET and HEAD\n`, { Allow: ALLOW });
    }
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (path === '/healthz') {
      const closing = ctx.isClosing();
      const body = JSON.stringify({ status: closing ? 'closing' : 'ok', uptimeSeconds: (Date.now() - ctx.startedAt.getTime()) / 1000 });
      return sendJson(res, req, closing ? 503 : 200, body);
    }
    if (path === '/stats') return serveStats(req, res, new URLSearchParams(q === -1 ? '' : url.slice(q + 1)));
    if (servePacks !== null && path.startsWith(PACKS_PATH)) {
      servePacks(req, res).catch((err: unknown) => {
        ctx.log(`packs: ${url.slice(0, 200)}: ${(err as Error).message}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    if (path === WS_PATH) {
      return sendText(res, req, 426, 'this is the WebSocket endpoint: connect with ws://HOST:PORT/ws?room=ROOM&name=NAME\n', { Upgrade: 'websocket' });
    }
    serveStatic(req, res).catch((err: unknown) => {
      ctx.log(`static: ${url.slice(0, 200)}: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  };
}

/**
 * The Host check for a WebSocket upgrade: true when it was refused (421 written, socket ending).
 * Upgrades are the main thing a rebinding page would want.
 */
export function refuseForeignHostUpgrade(req: IncomingMessage, socket: Duplex, o: Readonly<ResolvedOptions>, counters: HttpCounters): boolean {
  if (isHostAllowed(req.headers.host, o.allowedHosts)) return false;
  counters.hostRefused++;
  const body = hostRefusalText(req.headers.host);
  socket.end(
    `HTTP/1.1 421 Misdirected Request\r\nConnection: close\r\nContent-Type: ${TEXT}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n${SECURITY_HEADER_LINES}\r\n${body}`,
  );
  return true;
}
