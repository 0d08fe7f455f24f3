// What keeps raw HTTP connections from holding the relay: a cap on open connections per source
// address, tight timeouts (Node's own headersTimeout/requestTimeout/keepAliveTimeout plus a
// socket idle timeout), and an answer to every malformed request before its socket is dropped.
// A WebSocket is an HTTP connection until its upgrade: it counts against the per-source cap for
// its whole life, but after the upgrade Node's HTTP timers no longer apply to it (Node detaches
// the socket from its parser and ws clears the socket timeout); heartbeats are its rule.
import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ResolvedOptions } from './options.ts';
import { SECURITY_HEADER_LINES } from './security-headers.ts';

export interface HttpCounters {
  /** TCP connections to the HTTP server open now, WebSockets included. */
  connections: number;
  /** Connections destroyed at once because their source already had maxConnectionsPerSource. */
  refusedPerSource: number;
  /** Requests answered 408: headers or request not complete in time. */
  timeouts: number;
  /** Requests answered 431: request head over maxHeaderBytes. */
  headersTooLarge: number;
  /** Requests answered 400: not parseable as HTTP/1.1. */
  badRequests: number;
  /** Requests and upgrades answered 421: Host not in allowedHosts. */
  hostRefused: number;
  /** Times the /stats JSON was computed (it is cached for a second). */
  statsRenders: number;
}

export function newHttpCounters(): HttpCounters {
  return { connections: 0, refusedPerSource: 0, timeouts: 0, headersTooLarge: 0, badRequests: 0, hostRefused: 0, statsRenders: 0 };
}

/** Options for node:http createServer from the relay's options. */
export function httpServerOptions(o: ResolvedOptions): ServerOptions {
  return {
    headersTimeout: o.headersTimeoutMs,
    requestTimeout: o.requestTimeoutMs,
    keepAliveTimeout: o.keepAliveTimeoutMs,
    maxHeaderSize: o.maxHeaderBytes,
    // Node checks the two request timeouts on this period only (default 30 s): a quarter of the
    // shorter one keeps the overshoot small.
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(o.headersTimeoutMs / 4))),
  };
}

/** An IPv4 peer seen through a dual-stack socket ("::ffff:10.1.2.3") is the IPv4 address. */
function sourceOf(socket: Socket): string {
  const a = socket.remoteAddress ?? 'unknown';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

/** Count connections per source on `server`, destroy the ones over the cap, and set the timeouts. */
export function guardConnections(server: Server, o: ResolvedOptions, counters: HttpCounters, log: (line: string) => void): void {
  server.timeout = o.idleTimeoutMs; // socket inactivity; on expiry Node destroys the socket
  const perSource = new Map<string, number>();
  let lastLogged = 0;
  server.on('connection', (socket: Socket) => {
    const source = sourceOf(socket);
    const open = perSource.get(source) ?? 0;
    if (open >= o.maxConnectionsPerSource) {
      counters.refusedPerSource++;
      socket.destroy();
      const now = Date.now();
      if (now - lastLogged >= 10_000) {
        lastLogged = now; // one line per 10 s, not one per socket of a flood
        log(`refusing connections from ${source}: ${open} already open (maxConnectionsPerSource ${o.maxConnectionsPerSource}); ${counters.refusedPerSource} refused so far`);
      }
      return;
    }
    perSource.set(source, open + 1);
    counters.connections++;
    socket.once('close', () => {
      counters.connections--;
      const left = (perSource.get(source) ?? 1) - 1;
      if (left === 0) perSource.delete(source);
      else perSource.set(source, left);
    });
  });
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => answerClientError(err, socket, counters));
}

const REASON: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/**
 * Node emits clientError for a request it cannot parse or that timed out. Say what went wrong
 * (RFC 9110 §15.5.1, RFC 6585 §5 for 431) when nothing has been answered on the socket yet, then
 * close it.
 */
const answered = new WeakSet<Duplex>();

function answerClientError(err: Error & { code?: string }, socket: Duplex, counters: HttpCounters): void {
  // The parser may go on to report the rest of the same bad request: one answer per socket.
  if (answered.has(socket)) return;
  answered.add(socket);
  const status =
    err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'ECONNRESET' ? 0 : 400;
  if (status === 431) counters.headersTooLarge++;
  else if (status === 408) counters.timeouts++;
  else if (status === 400) counters.badRequests++;
  // `_httpMessage` is the response in progress, if any: then it is too late for a status line.
  const busy = (socket as Duplex & { _httpMessage?: unknown })._httpMessage != null;
  if (status === 0 || busy || !socket.writable) {
    socket.destroy();
    return;
  }
  const body = `${REASON[status]}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${REASON[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n${SECURITY_HEADER_LINES}\r\n${body}`,
  );
  // A peer that does not read must not keep the socket: the answer had its chance.
  setTimeout(() => socket.destroy(), 1000).unref();
}
