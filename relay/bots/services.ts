// The services the bot hosts run, on the project's own TCP core. Each service owns one listening
// port on a host and reacts to the host's socket events; none of them touches time or the network.
//   echo (RFC 862, port 7), discard (RFC 863, 9), daytime (RFC 867, 13), chargen (RFC 864, 19),
//   and a tiny HTTP/1.0 server (port 80).
import type { Host, SocketEvent } from '../../workers/tcp/host.ts';

export interface Service {
  readonly port: number;
  /** React to the host's socket events (accept, readable, writable, closed, error). */
  handle(events: readonly SocketEvent[], now: number): void;
  /** Bytes the service itself holds for a connection, beyond the core's buffers (≤ PENDING_MAX). */
  pendingBytes(conn: number): number;
}

export type ServiceName = 'echo' | 'discard' | 'daytime' | 'chargen' | 'http';

export const SERVICE_PORTS: Record<ServiceName, number> = { echo: 7, discard: 9, daytime: 13, chargen: 19, http: 80 };

/** Each open connection of a service: what it still has to send, and whether it has closed. */
interface Session {
  /** Output the core's send buffer did not take yet; `pendingBytes` in total, never above PENDING_MAX. */
  pending: Uint8Array[];
  pendingBytes: number;
  closeWhenFlushed: boolean;
  closed: boolean;
  /** HTTP: the request head so far, and how many bytes of it were read (≤ REQUEST_MAX + 1). */
  request?: string;
  requestBytes?: number;
  decoder?: TextDecoder;
}

const encoder = new TextEncoder();
/** The most one read() takes; a service that reads everything (discard) reads in these steps. */
const READ_MAX = 64 * 1024;
/**
 * Output a service may queue for one connection beyond what the core's send buffer holds. The
 * services only queue short, fixed answers (a daytime line, an HTTP response); echo never queues,
 * since it reads no more than it can write at once. A client that does not read its replies is
 * held back by TCP's own flow control (RFC 9293 §3.8.6), never by the relay's memory.
 */
export const PENDING_MAX = 16 * 1024;
/** The largest HTTP request head the bot reads; one byte more and it answers 431. */
export const REQUEST_MAX = 8 * 1024;

/** Shared plumbing: accept on the port, keep per-connection sessions, write what fits. */
abstract class BaseService implements Service {
  protected readonly sessions = new Map<number, Session>();

  constructor(protected readonly host: Host, readonly port: number) {
    const r = host.listen(port);
    if (!r.ok) throw new Error(`bot cannot listen on ${port}: ${r.error.message}`);
  }

  handle(events: readonly SocketEvent[], now: number): void {
    for (const e of events) {
      if (e.kind === 'accept' && e.port === this.port) {
        for (;;) {
          const a = this.host.accept(this.port);
          if (!a.ok || a.value === null) break;
          const s: Session = { pending: [], pendingBytes: 0, closeWhenFlushed: false, closed: false };
          this.sessions.set(a.value, s);
          this.opened(a.value, s, now);
          this.flush(a.value, s, now);
        }
        continue;
      }
      if (e.kind === 'accept') continue;
      const s = this.sessions.get(e.conn);
      if (!s) continue;
      if (e.kind === 'readable') this.drain(e.conn, s, now);
      if (e.kind === 'writable') this.writable(e.conn, s, now);
      if (e.kind === 'closed' || e.kind === 'error') this.forget(e.conn, s, now);
    }
  }

  pendingBytes(conn: number): number {
    return this.sessions.get(conn)?.pendingBytes ?? 0;
  }

  protected opened(_conn: number, _s: Session, _now: number): void {}
  protected received(_conn: number, _s: Session, _data: Uint8Array, _now: number): void {}
  /** The connection is gone: drop what the service keeps for it beside its session. */
  protected aborted(_conn: number): void {}
  /**
   * How many bytes the service takes from the receive buffer now. Bytes it leaves there keep the
   * advertised window closed (RFC 9293 §3.8.6), which is how a service pushes back on a sender.
   * By default everything: a service that throws what it reads away keeps nothing.
   */
  protected readBudget(_conn: number, _s: Session): number {
    return READ_MAX;
  }
  /** The peer sent its FIN and every byte was read. */
  protected ended(conn: number, s: Session, now: number): void {
    this.closeAfter(conn, s, now);
  }
  /** The send buffer has room again: write what waits, then read what was held back for it. */
  protected writable(conn: number, s: Session, now: number): void {
    this.flush(conn, s, now);
    if (!s.closed && this.sessions.has(conn)) this.drain(conn, s, now);
  }

  /** Queue an answer; a service that would queue more than PENDING_MAX has a bug: the connection is reset instead. */
  protected send(conn: number, s: Session, bytes: Uint8Array, now: number): void {
    if (s.closed) return;
    if (s.pendingBytes + bytes.length > this.host.writable(conn) + PENDING_MAX) return this.overflow(conn, s, now);
    s.pending.push(bytes);
    s.pendingBytes += bytes.length;
    this.flush(conn, s, now);
  }

  protected closeAfter(conn: number, s: Session, now: number): void {
    s.closeWhenFlushed = true;
    this.flush(conn, s, now);
  }

  private drain(conn: number, s: Session, now: number): void {
    for (;;) {
      if (s.closed) return;
      const budget = Math.max(0, Math.min(READ_MAX, this.readBudget(conn, s)));
      // Nothing wanted now but data waiting: leave it in the receive buffer. A read of 0 bytes
      // still reports the end of the stream when the buffer is empty and the FIN has come.
      if (budget === 0 && this.host.readable(conn) > 0) return;
      const r = this.host.read(conn, budget, now);
      if (!r.ok) return this.forget(conn, s, now);
      if (r.value.data.length > 0) this.received(conn, s, r.value.data, now);
      if (r.value.eof) return this.ended(conn, s, now);
      if (r.value.data.length === 0) return;
    }
  }

  /** Write queued bytes as far as the send buffer takes them; close once all are written. */
  protected flush(conn: number, s: Session, now: number): void {
    if (s.closed) return;
    while (s.pending.length > 0) {
      const head = s.pending[0]!;
      const w = this.host.write(conn, head, now);
      if (!w.ok) return this.forget(conn, s, now);
      s.pendingBytes -= w.value;
      if (w.value < head.length) {
        s.pending[0] = head.subarray(w.value);
        return;
      }
      s.pending.shift();
    }
    if (s.closeWhenFlushed && !s.closed) {
      s.closed = true;
      this.host.close(conn, now);
    }
  }

  private overflow(conn: number, s: Session, now: number): void {
    s.closed = true;
    s.pending = [];
    s.pendingBytes = 0;
    this.sessions.delete(conn);
    this.aborted(conn);
    this.host.abort(conn, now);
  }

  private forget(conn: number, s: Session, now: number): void {
    if (!s.closed) {
      s.closed = true;
      this.host.close(conn, now);
    }
    s.pending = [];
    s.pendingBytes = 0;
    this.sessions.delete(conn);
    this.aborted(conn);
  }
}

/** RFC 862: send back whatever arrives; close after the peer does. */
class Echo extends BaseService {
  /** Read only what the send buffer takes at once: the rest waits in the receive buffer and the
   *  window closes, so a client that does not read its echo is stopped by TCP, not by memory. */
  protected override readBudget(conn: number, s: Session): number {
    return this.host.writable(conn) - s.pendingBytes;
  }
  protected override received(conn: number, s: Session, data: Uint8Array, now: number): void {
    this.send(conn, s, data, now);
  }
}

/** RFC 863: read and throw away. */
class Discard extends BaseService {}

/** RFC 867: one line with the date and time, then close. */
class Daytime extends BaseService {
  constructor(host: Host, port: number, private readonly wallClock: () => Date) {
    super(host, port);
  }
  protected override opened(conn: number, s: Session, now: number): void {
    this.send(conn, s, encoder.encode(`${this.wallClock().toUTCString()}\r\n`), now);
    this.closeAfter(conn, s, now);
  }
}

/**
 * RFC 864: an endless stream of 72-character lines of the 95 printable ASCII characters, each
 * line starting one character further on; it stops when the peer closes.
 */
class Chargen extends BaseService {
  private readonly block = chargenBlock();
  private offsets = new Map<number, number>();

  protected override opened(conn: number, s: Session, now: number): void {
    this.offsets.set(conn, 0);
    this.more(conn, s, now);
  }
  protected override writable(conn: number, s: Session, now: number): void {
    super.writable(conn, s, now);
    this.more(conn, s, now);
  }
  protected override ended(conn: number, s: Session, now: number): void {
    this.offsets.delete(conn);
    s.pending = [];
    s.pendingBytes = 0;
    this.closeAfter(conn, s, now);
  }
  protected override aborted(conn: number): void {
    this.offsets.delete(conn);
  }
  private more(conn: number, s: Session, now: number): void {
    if (s.closeWhenFlushed || s.pending.length > 0) return;
    let off = this.offsets.get(conn);
    if (off === undefined) return;
    // Fill the send buffer; 'writable' brings us back when ACKs free space.
    for (let i = 0; i < 64 && this.host.writable(conn) > 0; i++) {
      const piece = this.block.subarray(off, Math.min(this.block.length, off + this.host.writable(conn)));
      const w = this.host.write(conn, piece, now);
      if (!w.ok || w.value === 0) break;
      off = (off + w.value) % this.block.length;
    }
    this.offsets.set(conn, off);
  }
}

/** The 95 lines of one chargen cycle, 74 bytes each with CR LF. */
export function chargenBlock(): Uint8Array {
  const lines: string[] = [];
  for (let start = 0; start < 95; start++) {
    let line = '';
    for (let i = 0; i < 72; i++) line += String.fromCharCode(32 + ((start + i) % 95));
    lines.push(`${line}\r\n`);
  }
  return encoder.encode(lines.join(''));
}

/** A tiny HTTP/1.0 server: GET / answers a small page, anything else 404 or 400. */
class Http extends BaseService {
  constructor(host: Host, port: number, private readonly hostName: () => string) {
    super(host, port);
  }
  /** The request head is read up to REQUEST_MAX + 1 bytes, and nothing after the answer. */
  protected override readBudget(_conn: number, s: Session): number {
    return s.closeWhenFlushed ? 0 : REQUEST_MAX + 1 - (s.requestBytes ?? 0);
  }
  protected override received(conn: number, s: Session, data: Uint8Array, now: number): void {
    if (s.closeWhenFlushed) return;
    s.decoder ??= new TextDecoder();
    s.requestBytes = (s.requestBytes ?? 0) + data.length;
    s.request = (s.request ?? '') + s.decoder.decode(data, { stream: true });
    if (!s.request.includes('\r\n\r\n') && !s.request.includes('\n\n')) {
      if (s.requestBytes > REQUEST_MAX) this.respond(conn, s, 431, 'Request Header Fields Too Large', 'request too large\n', now);
      return;
    }
    const [method, path] = s.request.split(/\r?\n/, 1)[0]!.split(' ');
    if (method !== 'GET' && method !== 'HEAD') return this.respond(conn, s, 405, 'Method Not Allowed', 'only GET and HEAD\n', now);
    if (path === '/' || path === '/index.html') {
      const body = `<!doctype html><title>${this.hostName()}</title><h1>Hello from ${this.hostName()}</h1>` +
        '<p>This page came to you over the playground\'s own TCP, segment by segment.</p>\n';
      return this.respond(conn, s, 200, 'OK', body, now, 'text/html; charset=utf-8', method === 'HEAD');
    }
    return this.respond(conn, s, 404, 'Not Found', `no page at ${path ?? ''}\n`, now);
  }
  private respond(conn: number, s: Session, code: number, text: string, body: string, now: number, type = 'text/plain; charset=utf-8', headOnly = false): void {
    s.request = undefined;
    s.decoder = undefined;
    const b = encoder.encode(body);
    const head = `HTTP/1.0 ${code} ${text}\r\nServer: tcp-playground-bot\r\nContent-Type: ${type}\r\nContent-Length: ${b.length}\r\nConnection: close\r\n\r\n`;
    this.send(conn, s, encoder.encode(head), now);
    if (!headOnly) this.send(conn, s, b, now);
    this.closeAfter(conn, s, now);
  }
}

export function createService(name: ServiceName, host: Host, deps: { wallClock: () => Date; hostName: () => string }): Service {
  const port = SERVICE_PORTS[name];
  switch (name) {
    case 'echo':
      return new Echo(host, port);
    case 'discard':
      return new Discard(host, port);
    case 'daytime':
      return new Daytime(host, port, deps.wallClock);
    case 'chargen':
      return new Chargen(host, port);
    case 'http':
      return new Http(host, port, deps.hostName);
  }
}
