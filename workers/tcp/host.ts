// One TCP host: an IPv4 address, its listeners and connections, and the socket API every shell uses.
// Pure: packets arrive through input(), time through `now`; packets leave through takeOutput().
import { Flag, type TcpSegment } from './wire/types.ts';
import { decodePacket, encodePacket } from './wire/packet.ts';
import { formatIpv4Address, parseIpv4Address } from './wire/address.ts';
import { isChecksumFailure } from './wire/checksum.ts';
import type { Endpoint } from './endpoint.ts';
import { Connection } from './connection.ts';
import type { ConnContext, ConnOption } from './conn-context.ts';
import { resolveSettings, type StackSettings } from './settings.ts';
import type { RandomSource } from './random.ts';
import { createIsnGenerator, type IsnGenerator } from './isn.ts';
import { fail, ok, type Result, type SocketError } from './errors.ts';
import type { DropReason, SendReason, TcbSnapshot, TraceEvent, TraceSink } from './trace.ts';
import { seqAdd } from './seq.ts';
import { COOKIE_LIFETIME, SynCookieJar, cookieSynAck } from './syn-cookies.ts';
import { AnswerLimits, type RateLimitStats } from './rate-limits.ts';
import { PeerTable } from './peer-limits.ts';

export interface HostOptions {
  /** The host's IPv4 address, dotted or as an unsigned 32-bit number. */
  address: string | number;
  settings?: Partial<StackSettings>;
  /** Source of the ISN secret and ephemeral port choice. Seed it for reproducible runs. */
  random: RandomSource;
  /** Receives every trace event. Without one, the host builds no events at all. */
  trace?: TraceSink;
  /** Replaces RFC 6528 ISN selection (tests that need an ISN just below 2^32). */
  isn?: IsnGenerator;
}

/** Something a socket user may want to react to; drained with takeEvents(). */
export type SocketEvent =
  | { kind: 'accept'; port: number; conn: number }
  | { kind: 'readable' | 'writable' | 'closed'; conn: number }
  | { kind: 'error'; conn: number; error: SocketError };

export interface ConnectionInfo {
  id: number;
  localAddr: string;
  localPort: number;
  remoteAddr: string;
  remotePort: number;
  role: 'active' | 'passive';
  state: Connection['state'];
  error: SocketError | null;
}

export interface HostStats {
  packetsIn: number;
  packetsOut: number;
  dropped: Partial<Record<DropReason, number>>;
  /** Answers not sent because of a rate limit, by limit. */
  rateLimited: RateLimitStats;
  /** SYN,ACKs sent with a cookie; cookie ACKs that made a connection; cookie ACKs refused (forged or stale). */
  synCookies: { sent: number; accepted: number; refused: number };
}

interface Listener {
  port: number;
  backlog: number;
  /** Passive connections not yet accepted (SYN-RECEIVED, or established and queued), oldest first,
   *  with the time their SYN arrived. */
  pending: Map<number, number>;
  acceptQueue: number[];
  /** Answering SYNs with cookies since the backlog filled (traced when it switches). */
  cookies: boolean;
  /** When the last cookie went out: cookie ACKs are looked for only for COOKIE_LIFETIME after. */
  lastCookieAt: number | null;
}

export function createHost(options: HostOptions): { ok: true; value: Host } | { ok: false; reason: string } {
  const address = typeof options.address === 'number' ? options.address >>> 0 : parseIpv4Address(options.address);
  if (address === null) return { ok: false, reason: `"${String(options.address)}" is not an IPv4 address` };
  const settings = resolveSettings(options.settings);
  if (!settings.ok) return settings;
  return { ok: true, value: new Host(address, settings.value, options) };
}

export class Host implements Endpoint, ConnContext<Connection> {
  readonly address: number;
  readonly hostName: string;
  settings: StackSettings;
  readonly tracing: boolean;
  private readonly traceSink: TraceSink;
  private readonly random: RandomSource;
  private readonly isn: IsnGenerator;
  /** Demultiplexing: local port → (remote address × 65536 + remote port) → connection. */
  private readonly table = new Map<number, Map<number, Connection>>();
  private readonly byId = new Map<number, Connection>();
  private readonly listeners = new Map<number, Listener>();
  private outbox: Uint8Array[] = [];
  private events: SocketEvent[] = [];
  /** Connections with readable/writable/closed events queued (their bits live on the connection). */
  private eventConns: Connection[] = [];
  private nextId = 1;
  private ipId = 0;
  private now = 0;
  private readonly cookieJar: SynCookieJar;
  private readonly answers = new AnswerLimits();
  private readonly peers = new PeerTable();
  readonly stats: HostStats;

  constructor(address: number, settings: StackSettings, options: HostOptions) {
    this.address = address;
    this.hostName = formatIpv4Address(address);
    this.settings = settings;
    this.random = options.random;
    this.isn = options.isn ?? createIsnGenerator(options.random);
    this.cookieJar = new SynCookieJar(options.random);
    this.stats = { packetsIn: 0, packetsOut: 0, dropped: {}, rateLimited: this.answers.stats, synCookies: { sent: 0, accepted: 0, refused: 0 } };
    this.tracing = options.trace !== undefined;
    this.traceSink = options.trace ?? (() => {});
  }

  /** Change settings; connections read them live (MSL, RTO bounds, switches), new ones start with them. */
  configure(partial: Partial<StackSettings>): Result<StackSettings> {
    const r = resolveSettings({ ...this.settings, ...partial });
    if (!r.ok) return fail('EINVAL', r.reason);
    this.settings = r.value;
    return ok(r.value);
  }

  // ===================================================================================
  // Endpoint: the shell's side
  // ===================================================================================

  input(bytes: Uint8Array, now: number): void {
    this.now = now;
    this.stats.packetsIn++;
    const decoded = decodePacket(bytes);
    if (!decoded.ok) {
      this.dropped(isChecksumFailure(decoded.reason) ? 'bad-checksum' : 'malformed', bytes, null, null, decoded.reason, now);
      return;
    }
    const { ip, tcp } = decoded.value;
    if (ip.dst !== this.address) {
      this.dropped('not-for-us', bytes, tcp, null, `destination ${formatIpv4Address(ip.dst)} is not this host (${this.hostName})`, now);
      return;
    }
    const conn = this.table.get(tcp.dstPort)?.get(ip.src * 65536 + tcp.srcPort);
    if (this.tracing) {
      this.traceSink({ type: 'segment', t: now, host: this.hostName, dir: 'in', conn: conn?.id ?? null, bytes, seg: tcp, src: formatIpv4Address(ip.src), dst: this.hostName });
    }
    if (conn) {
      conn.segmentArrives(tcp, now);
      return;
    }
    const listener = this.listeners.get(tcp.dstPort);
    if (listener) this.arrivesAtListener(listener, ip.src, tcp, bytes, now);
    else this.arrivesClosed(ip.src, tcp, bytes, now, `no one listens on port ${tcp.dstPort}`);
  }

  poll(now: number): void {
    this.now = now;
    const due: Connection[] = [];
    for (const c of this.byId.values()) {
      const d = c.deadline();
      if (d !== null && d <= now) due.push(c);
    }
    for (const c of due) c.onTimers(now);
  }

  nextDeadline(): number | null {
    let min: number | null = null;
    for (const c of this.byId.values()) {
      const d = c.deadline();
      if (d !== null && (min === null || d < min)) min = d;
    }
    return min;
  }

  takeOutput(): Uint8Array[] {
    const out = this.outbox;
    if (out.length === 0) return NO_PACKETS; // shells ask after every event: don't allocate for nothing
    this.outbox = [];
    return out;
  }

  /** Socket events since the last call (accept ready, readable, writable, closed, error). */
  takeEvents(): SocketEvent[] {
    const out = this.events;
    if (out.length === 0) return out;
    this.events = [];
    for (const c of this.eventConns) c.hostMarks.queuedEvents = 0;
    this.eventConns = [];
    return out;
  }

  // ===================================================================================
  // Socket API
  // ===================================================================================

  listen(port: number, backlog = this.settings.backlog): Result<void> {
    const r = this.checkPort(port);
    if (!r.ok) return this.user(null, 'listen', r, `port ${port}`);
    if (!Number.isInteger(backlog) || backlog < 1) return this.user(null, 'listen', fail('EINVAL', `backlog must be a whole number ≥ 1, got ${backlog}`));
    if (this.listeners.has(port)) return this.user(null, 'listen', fail('EADDRINUSE', `port ${port} is already listening`));
    if (this.activeUsesPort(port)) return this.user(null, 'listen', fail('EADDRINUSE', `port ${port} is in use by an outgoing connection`));
    this.listeners.set(port, { port, backlog, pending: new Map(), acceptQueue: [], cookies: false, lastCookieAt: null });
    return this.user(null, 'listen', ok(undefined), `port ${port} backlog ${backlog}`);
  }

  /** Stop listening. Connections already accepted or pending stay. */
  unlisten(port: number): Result<void> {
    if (!this.listeners.delete(port)) return this.user(null, 'unlisten', fail('EINVAL', `port ${port} is not listening`));
    return this.user(null, 'unlisten', ok(undefined), `port ${port}`);
  }

  get listening(): number[] {
    return [...this.listeners.keys()];
  }

  /** The next established connection on a listening port, or null when none is waiting. */
  accept(port: number): Result<number | null> {
    const l = this.listeners.get(port);
    if (!l) return fail('EINVAL', `port ${port} is not listening`);
    const id = l.acceptQueue.shift();
    if (id === undefined) return ok(null);
    l.pending.delete(id);
    this.backlogShrank(l);
    this.user(id, 'accept', ok(undefined), `port ${port}`);
    return ok(id);
  }

  /** Active OPEN (RFC 9293 §3.10.1). `localPort` binds explicitly, as a simultaneous open needs. */
  connect(to: { remoteAddr: string | number; remotePort: number; localPort?: number }, now: number): Result<number> {
    this.now = now;
    const remote = typeof to.remoteAddr === 'number' ? to.remoteAddr >>> 0 : parseIpv4Address(to.remoteAddr);
    if (remote === null) return this.user(null, 'connect', fail('EINVAL', `"${String(to.remoteAddr)}" is not an IPv4 address`));
    if (!Number.isInteger(to.remotePort) || to.remotePort < 1 || to.remotePort > 65535) {
      return this.user(null, 'connect', fail('EINVAL', `remote port must be 1–65535, got ${to.remotePort}`));
    }
    let localPort: number;
    if (to.localPort !== undefined) {
      const r = this.checkPort(to.localPort);
      if (!r.ok) return this.user(null, 'connect', r);
      if (this.listeners.has(to.localPort)) return this.user(null, 'connect', fail('EADDRINUSE', `local port ${to.localPort} is listening; pick another one`));
      if (this.table.get(to.localPort)?.has(remote * 65536 + to.remotePort)) {
        return this.user(null, 'connect', fail('EADDRINUSE', `a connection ${this.hostName}:${to.localPort} → ${formatIpv4Address(remote)}:${to.remotePort} already exists (perhaps in TIME-WAIT)`));
      }
      localPort = to.localPort;
    } else {
      const p = this.ephemeralPort();
      if (p === null) return this.user(null, 'connect', fail('EADDRINUSE', 'no free ephemeral port'));
      localPort = p;
    }
    const over = this.peers.over(this.settings, remote);
    if (over) return this.user(null, 'connect', fail('ENOBUFS', over.detail));
    const conn = this.newConnection(localPort, remote, to.remotePort, 'active', now);
    this.user(conn.id, 'connect', ok(undefined), `${this.hostName}:${localPort} → ${formatIpv4Address(remote)}:${to.remotePort}`);
    conn.openActive(now);
    return ok(conn.id);
  }

  write(id: number, bytes: Uint8Array, now: number): Result<number> {
    this.now = now;
    const c = this.byId.get(id);
    if (!c) return unknown(id);
    return c.write(bytes, now);
  }

  read(id: number, max: number, now: number): Result<{ data: Uint8Array; eof: boolean }> {
    this.now = now;
    const c = this.byId.get(id);
    if (!c) return unknown(id);
    const r = c.read(max, now);
    this.release(c);
    return r;
  }

  /** read() into the caller's buffer: returns how many bytes were copied, and whether the stream ended. */
  readInto(id: number, target: Uint8Array, now: number): Result<{ n: number; eof: boolean }> {
    this.now = now;
    const c = this.byId.get(id);
    if (!c) return unknown(id);
    const r = c.readInto(target, now);
    this.release(c);
    return r;
  }

  /** Half-close: send FIN after the queued data, keep reading (RFC 9293 CLOSE). */
  shutdown(id: number, now: number): Result<void> {
    this.now = now;
    const c = this.byId.get(id);
    if (!c) return unknown(id);
    return this.user(id, 'shutdown', c.shutdown(now));
  }

  /** Close: as shutdown, and the socket is released: nothing more can be read from it. */
  close(id: number, now: number): Result<void> {
    this.now = now;
    const c = this.byId.get(id);
    if (!c) return unknown(id);
    const r = this.user(id, 'close', c.close(now));
    this.release(c);
    return r;
  }

  abort(id: number, now: number): Result<void> {
    this.now = now;
    const c = this.byId.get(id);
    if (!c) return unknown(id);
    c.abort(now);
    this.user(id, 'abort', ok(undefined));
    this.release(c);
    return ok(undefined);
  }

  /**
   * Abort every connection with one remote address, e.g. a host that left the room. As ABORT
   * (RFC 9293 §3.10.5), with an RST where the peer has state, unless `reset` is false (the peer
   * is known to be gone). Each socket fails with ECONNABORTED. Returns how many connections ended.
   */
  abortPeer(remoteAddr: string | number, now: number, options: { reset?: boolean } = {}): Result<number> {
    this.now = now;
    const remote = typeof remoteAddr === 'number' ? remoteAddr >>> 0 : parseIpv4Address(remoteAddr);
    if (remote === null) return this.user(null, 'abortPeer', fail('EINVAL', `"${String(remoteAddr)}" is not an IPv4 address`));
    const who = formatIpv4Address(remote);
    const conns = this.peers.with(remote);
    for (const c of conns) {
      c.terminate('ECONNABORTED', `connection aborted by this host: every connection with ${who} was ended (abortPeer)`, 'ABORT / delete TCB', now, options.reset ?? true);
    }
    return this.user(null, 'abortPeer', ok(conns.length), `${conns.length} connection(s) with ${who}`);
  }

  status(id: number): Result<TcbSnapshot & ConnectionInfo> {
    const c = this.byId.get(id);
    if (!c) return unknown(id);
    return ok({ ...c.status(), ...this.info(c) });
  }

  /** Per-connection switches (Nagle, delayed ACK, keep-alive). */
  setOption(id: number, option: ConnOption, value: boolean): Result<void> {
    const c = this.byId.get(id);
    if (!c) return unknown(id);
    c.setOption(option, value, this.now);
    return ok(undefined);
  }

  connections(): ConnectionInfo[] {
    return [...this.byId.values()].map((c) => this.info(c));
  }

  readable(id: number): number {
    return this.byId.get(id)?.readable ?? 0;
  }

  writable(id: number): number {
    return this.byId.get(id)?.writable ?? 0;
  }

  // ===================================================================================
  // ConnContext: the connections' side
  // ===================================================================================

  send(conn: Connection, seg: TcpSegment, reason: SendReason): void {
    this.transmit(conn.remoteAddr, seg, reason, conn.id);
  }

  trace(event: TraceEvent): void {
    this.traceSink(event);
  }

  closed(conn: Connection): void {
    this.peers.remove(conn);
    const ports = this.table.get(conn.localPort);
    const key = conn.remoteAddr * 65536 + conn.remotePort;
    if (ports?.get(key) === conn) {
      ports.delete(key);
      if (ports.size === 0) this.table.delete(conn.localPort);
    }
    for (const l of this.listeners.values()) {
      if (l.pending.delete(conn.id)) {
        const i = l.acceptQueue.indexOf(conn.id);
        if (i >= 0) l.acceptQueue.splice(i, 1);
        // Never handed to the user: nobody holds the handle, so forget it.
        this.byId.delete(conn.id);
        this.backlogShrank(l);
      }
    }
    this.release(conn);
  }

  established(conn: Connection): void {
    const l = this.listeners.get(conn.localPort);
    if (!l || !l.pending.has(conn.id)) return;
    l.acceptQueue.push(conn.id);
    this.events.push({ kind: 'accept', port: l.port, conn: conn.id });
  }

  mayAnswer(conn: Connection, kind: 'challenge-ack' | 'invalid-ack', now: number): string | null {
    return this.answers.answer(conn.hostMarks, kind, this.settings, now);
  }

  notify(conn: Connection, kind: 'readable' | 'writable' | 'closed' | 'error'): void {
    if (kind === 'error') {
      if (conn.error) this.events.push({ kind: 'error', conn: conn.id, error: conn.error });
      return;
    }
    const bit = kind === 'readable' ? 1 : kind === 'writable' ? 2 : 4;
    const marks = conn.hostMarks;
    if (marks.queuedEvents & bit) return;
    if (marks.queuedEvents === 0) this.eventConns.push(conn);
    marks.queuedEvents |= bit;
    this.events.push({ kind, conn: conn.id });
  }

  // ===================================================================================
  // Internals
  // ===================================================================================

  /** LISTEN state processing (RFC 9293 §3.10.7.2). */
  private arrivesAtListener(l: Listener, src: number, seg: TcpSegment, bytes: Uint8Array, now: number): void {
    if (seg.flags & Flag.RST) {
      this.dropped('rst-ignored', bytes, seg, null, 'RST to a listening port is ignored', now);
      return;
    }
    if (seg.flags & Flag.ACK) {
      // Any ACK to LISTEN is bad (§3.10.7.2), unless it brings back one of our SYN cookies.
      if (!(seg.flags & Flag.SYN) && this.cookieAck(l, src, seg, bytes, now)) return;
      this.refuse(src, seg, bytes, now, 'no-listener', `ACK to port ${seg.dstPort} matches no connection`);
      return;
    }
    if (!(seg.flags & Flag.SYN)) {
      this.dropped('unacceptable', bytes, seg, null, 'a listening port takes only SYN', now);
      return;
    }
    const over = this.peers.over(this.settings, src);
    if (over) {
      this.refuse(src, seg, bytes, now, over.reason, over.detail);
      return;
    }
    if (l.pending.size >= l.backlog) {
      if (this.settings.synCookies) {
        this.sendCookie(l, src, seg, now);
        return;
      }
      if (!this.recycleOldest(l, now)) {
        this.dropped('backlog-full', bytes, seg, null, `backlog of port ${l.port} is full (${l.backlog}); SYN ignored`, now);
        return;
      }
    } else if (l.cookies) {
      this.cookiesOff(l, `backlog of port ${l.port} has room again (${l.pending.size} of ${l.backlog}): SYNs get a connection each`, now);
    }
    const conn = this.newConnection(seg.dstPort, src, seg.srcPort, 'passive', now);
    l.pending.set(conn.id, now);
    conn.openPassive(seg, now);
  }

  /** Answer a SYN to a full backlog with a cookie and keep no state (RFC 4987 §3.6). */
  private sendCookie(l: Listener, src: number, syn: TcpSegment, now: number): void {
    if (!l.cookies) {
      l.cookies = true;
      if (this.tracing) {
        this.traceSink({
          type: 'syn-cookies', t: now, host: this.hostName, port: l.port, action: 'on',
          detail: `backlog of port ${l.port} is full (${l.pending.size} of ${l.backlog}): SYNs are answered with SYN cookies, no state kept (RFC 4987 §3.6)`,
        });
      }
    }
    l.lastCookieAt = now;
    const s = this.settings;
    const cookie = this.cookieJar.make(this.tuple(l.port, src, syn.srcPort), syn.seq, syn.options.mss ?? s.defaultSendMss, now);
    this.stats.synCookies.sent++;
    this.transmit(src, cookieSynAck(syn, cookie, s.mss, s.receiveBufferSize), 'syn-cookie', null);
  }

  /** An ACK to a listener: is it the final ACK of a cookie handshake? True when it was handled. */
  private cookieAck(l: Listener, src: number, seg: TcpSegment, bytes: Uint8Array, now: number): boolean {
    if (l.lastCookieAt === null || now - l.lastCookieAt > COOKIE_LIFETIME) return false;
    const tuple = this.tuple(l.port, src, seg.srcPort);
    const check = this.cookieJar.check(tuple, seqAdd(seg.seq, -1), seqAdd(seg.ack, -1), now);
    if (!check.ok) {
      this.stats.synCookies.refused++;
      this.refuse(src, seg, bytes, now, 'unacceptable', `ACK to port ${l.port} matches no connection and ACK−1 is ${check.why}`);
      return true;
    }
    const over = this.peers.over(this.settings, src);
    if (over) {
      this.refuse(src, seg, bytes, now, over.reason, over.detail);
      return true;
    }
    if (l.acceptQueue.length >= l.backlog) {
      this.dropped('backlog-full', bytes, seg, null, `valid SYN cookie, but the accept queue of port ${l.port} is full (${l.backlog}): ACK ignored, the peer will retransmit`, now);
      return true;
    }
    this.stats.synCookies.accepted++;
    const conn = this.newConnection(l.port, src, seg.srcPort, 'passive', now, seqAdd(seg.ack, -1));
    l.pending.set(conn.id, now);
    conn.openFromCookie(seg, check.mss, now);
    return true;
  }

  /** Without cookies, a full backlog recycles its oldest half-open connection if that one has
   *  waited longer than the initial RTO (a genuine peer answers within an RTT): RFC 4987 §3.4. */
  private recycleOldest(l: Listener, now: number): boolean {
    for (const [id, since] of l.pending) {
      const c = this.byId.get(id);
      if (!c || c.state !== 'SYN-RECEIVED') continue;
      if (now - since < this.settings.initialRto) return false;
      c.recycle(`backlog full / recycle oldest half-open (RFC 4987 §3.4)`, now);
      return true;
    }
    return false;
  }

  /** A pending connection left the backlog: cookies stop once it is half empty again. */
  private backlogShrank(l: Listener): void {
    if (l.cookies && l.pending.size <= l.backlog / 2) {
      this.cookiesOff(l, `backlog of port ${l.port} is half empty again (${l.pending.size} of ${l.backlog}): SYNs get a connection each`, this.now);
    }
  }

  private cookiesOff(l: Listener, detail: string, now: number): void {
    l.cookies = false;
    if (this.tracing) this.traceSink({ type: 'syn-cookies', t: now, host: this.hostName, port: l.port, action: 'off', detail });
  }

  /** No connection and no listener: the CLOSED state's reset rules (RFC 9293 §3.10.7.1). */
  private arrivesClosed(src: number, seg: TcpSegment, bytes: Uint8Array, now: number, why: string): void {
    if (seg.flags & Flag.RST) this.dropped('no-listener', bytes, seg, null, `${why}; RST ignored`, now);
    else this.refuse(src, seg, bytes, now, 'no-listener', why);
  }

  /** Answer a segment that matches no connection with an RST (§3.10.7.1, §3.10.7.2), within rstPerSecond. */
  private refuse(src: number, seg: TcpSegment, bytes: Uint8Array, now: number, reason: DropReason, why: string): void {
    const limited = this.answers.rst(this.settings, now);
    if (limited !== null) {
      this.dropped('rate-limited', bytes, seg, null, `${why}: RST not sent (${limited})`, now);
      return;
    }
    this.transmit(src, rstFor(seg), 'rst', null);
    this.dropped(reason, bytes, seg, null, `${why}: RST sent`, now);
  }

  private tuple(localPort: number, remote: number, remotePort: number): { localAddr: number; localPort: number; remoteAddr: number; remotePort: number } {
    return { localAddr: this.address, localPort, remoteAddr: remote, remotePort };
  }

  private newConnection(localPort: number, remote: number, remotePort: number, role: 'active' | 'passive', now: number, cookieIss?: number): Connection {
    const id = this.nextId++;
    const iss = cookieIss ?? this.isn({ localAddr: this.address, localPort, remoteAddr: remote, remotePort }, now);
    const conn = new Connection(this, { id, localAddr: this.address, localPort, remoteAddr: remote, remotePort, role, iss }, now);
    let ports = this.table.get(localPort);
    if (!ports) this.table.set(localPort, (ports = new Map()));
    ports.set(remote * 65536 + remotePort, conn);
    this.byId.set(id, conn);
    this.peers.add(conn);
    return conn;
  }

  private transmit(dst: number, seg: TcpSegment, reason: SendReason, conn: number | null): void {
    const bytes = encodePacket({ src: this.address, dst, ttl: this.settings.ttl, id: (this.ipId = (this.ipId + 1) & 0xffff) }, seg);
    this.outbox.push(bytes);
    this.stats.packetsOut++;
    if (this.tracing) {
      // The trace keeps the packet's own copy of the payload: the send buffer's view is reused.
      const stable = seg.payload.length > 0 ? { ...seg, payload: bytes.subarray(bytes.length - seg.payload.length) } : seg;
      this.traceSink({ type: 'segment', t: this.now, host: this.hostName, dir: 'out', conn, bytes, seg: stable, src: this.hostName, dst: formatIpv4Address(dst), reason });
    }
  }

  private dropped(reason: DropReason, bytes: Uint8Array, seg: TcpSegment | null, conn: number | null, detail: string, now: number): void {
    this.stats.dropped[reason] = (this.stats.dropped[reason] ?? 0) + 1;
    if (this.tracing) this.traceSink({ type: 'drop', t: now, host: this.hostName, conn, bytes, seg, reason, detail });
  }

  /** Forget a connection the user released once it is CLOSED. */
  private release(c: Connection): void {
    if (c.state === 'CLOSED' && c.userClosed) this.byId.delete(c.id);
  }

  private checkPort(port: number): Result<void> {
    if (!Number.isInteger(port) || port < 1 || port > 65535) return fail('EINVAL', `port must be a whole number 1–65535, got ${port}`);
    return ok(undefined);
  }

  private activeUsesPort(port: number): boolean {
    const ports = this.table.get(port);
    if (!ports) return false;
    for (const c of ports.values()) if (c.role === 'active') return true;
    return false;
  }

  private ephemeralPort(): number | null {
    const { ephemeralPortMin: lo, ephemeralPortMax: hi } = this.settings;
    const span = hi - lo + 1;
    const start = this.random.nextU32() % span;
    for (let i = 0; i < span; i++) {
      const p = lo + ((start + i) % span);
      if (!this.listeners.has(p) && !this.table.has(p)) return p;
    }
    return null;
  }

  private info(c: Connection): ConnectionInfo {
    return {
      id: c.id, localAddr: formatIpv4Address(c.localAddr), localPort: c.localPort,
      remoteAddr: formatIpv4Address(c.remoteAddr), remotePort: c.remotePort, role: c.role, state: c.state, error: c.error,
    };
  }

  private user<T>(conn: number | null, call: string, r: Result<T>, detail?: string): Result<T> {
    if (this.tracing) {
      const ev: TraceEvent = { type: 'user', t: this.now, host: this.hostName, conn, call, result: r.ok ? 'ok' : r.error.code };
      const d = r.ok ? detail : r.error.message;
      if (d !== undefined) ev.detail = d;
      this.traceSink(ev);
    }
    return r;
  }
}

/** The reset a CLOSED port sends (RFC 9293 §3.10.7.1). */
function rstFor(seg: TcpSegment): TcpSegment {
  const len = seg.payload.length + (seg.flags & Flag.SYN ? 1 : 0) + (seg.flags & Flag.FIN ? 1 : 0);
  const base = { srcPort: seg.dstPort, dstPort: seg.srcPort, window: 0, urgent: 0, options: {}, payload: new Uint8Array(0) };
  if (seg.flags & Flag.ACK) return { ...base, seq: seg.ack, ack: 0, flags: Flag.RST };
  return { ...base, seq: 0, ack: seqAdd(seg.seq, len), flags: Flag.RST | Flag.ACK };
}

const NO_PACKETS: Uint8Array[] = [];

function unknown<T>(id: number): Result<T> {
  return fail('EBADF', `no socket ${id} on this host (closed and released, or never opened)`);
}
