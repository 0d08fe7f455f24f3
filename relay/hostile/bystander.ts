// A bystander: a well-behaved student. It joins a room over WebSocket with the worker's own relay
// link, runs the project's TCP core (driven like the terminal peer drives it) and, all the time:
//   - echo round trips: 64 bytes every 50 ms on one connection to the echo bot (10.0.0.7:7),
//     each timed from write to the last byte read back; a round trip not back in 2 s counts as
//     failed and the connection is replaced;
//   - connect probes: every 500 ms a new connection to the echo bot that must complete its
//     handshake and echo 8 bytes within 3 s (what a student pressing Connect needs; a full
//     backlog shows here, not on the long-lived connection).
// It never throws and never stops by itself: stop() ends it.
import WebSocket from 'ws';
import { createHost, type Host, type SocketEvent } from '../../workers/tcp/host.ts';
import { createSeededRandom } from '../../workers/tcp/random.ts';
import { PROFILES } from '../../workers/tcp/settings.ts';
import { RelayLink, type SocketLike } from '../../workers/relay-link.ts';
import { realTimers } from '../../workers/timers.ts';
import type { WelcomeMessage } from '../protocol/messages.ts';
import { HostDriver } from '../host-driver.ts';

export const ECHO_BOT = '10.0.0.7';
export const ECHO_PORT = 7;
export const ROUND_TRIP_BYTES = 64;
export const ROUND_TRIP_EVERY_MS = 50;
export const ROUND_TRIP_TIMEOUT_MS = 2000;
export const PROBE_EVERY_MS = 500;
export const PROBE_TIMEOUT_MS = 3000;
const PROBE_BYTES = 8;

export interface BystanderOptions {
  /** ws://127.0.0.1:PORT/ws */
  url: string;
  room: string;
  name: string;
  /** The loopback address its WebSocket connects from (per-source limits see this). */
  localAddress?: string;
}

/** What a bystander saw since the last take(). */
export interface BystanderSamples {
  /** Completed echo round trips, ms. */
  rtts: number[];
  /** Round trips that did not come back within ROUND_TRIP_TIMEOUT_MS, or whose connection died. */
  failures: number;
  /** Connect probes: handshake plus an 8-byte echo, ms. */
  connects: number[];
  connectFailures: number;
  /** Times the relay closed its WebSocket (code and reason). */
  linkCloses: { code: number; reason: string }[];
  /** Frames its TCP host received and sent (RSTs to a reflection attack included). */
  packetsIn: number;
  packetsOut: number;
  joined: boolean;
  address: string | null;
}

interface Pending {
  conn: number;
  startedAt: number;
  got: number;
  expect: number;
  written: boolean;
  payload: Uint8Array;
}

export class Bystander {
  private host: Host | null = null;
  private driver: HostDriver | null = null;
  private readonly link: RelayLink;
  private echo: Pending | null = null;
  private echoConn: number | null = null;
  private nextRoundTripAt = 0;
  private probe: Pending | null = null;
  private nextProbeAt = 0;
  private readonly ticker: NodeJS.Timeout;
  private stopped = false;
  private s: BystanderSamples = Bystander.empty();
  private packetsInBase = 0;
  private packetsOutBase = 0;
  welcome: WelcomeMessage | null = null;

  constructor(o: BystanderOptions) {
    this.link = new RelayLink({
      url: o.url,
      room: o.room,
      name: o.name,
      createSocket: (url) => {
        const ws = new WebSocket(url, o.localAddress === undefined ? {} : { localAddress: o.localAddress });
        ws.binaryType = 'arraybuffer';
        return ws as unknown as SocketLike;
      },
      timers: realTimers,
      random: Math.random,
      // Short backoff: a bystander closed by the relay should be back for the next measurement.
      backoff: { initialMs: 200, maxMs: 1000 },
      hostAddress: () => this.welcome?.address ?? null,
      onFrame: (frame) => this.driver?.frame(frame),
      onState: (state) => {
        if (state.status === 'reconnecting' || (state.status === 'closed' && !state.byUser)) {
          this.s.linkCloses.push({ code: state.code, reason: state.reason });
        }
      },
      onWelcome: (w) => this.begin(w),
      onNotice: () => {},
    });
    this.link.start();
    this.ticker = setInterval(() => this.tick(), 10);
  }

  private static empty(): BystanderSamples {
    return { rtts: [], failures: 0, connects: [], connectFailures: 0, linkCloses: [], packetsIn: 0, packetsOut: 0, joined: false, address: null };
  }

  /** A (re)join: a fresh host when the address is new (the old one's connections are gone). */
  private begin(w: WelcomeMessage): void {
    if (this.host !== null && this.welcome?.address === w.address) {
      this.welcome = w;
      return;
    }
    this.welcome = w;
    this.driver?.stop();
    const h = createHost({ address: w.address, random: createSeededRandom(crypto.getRandomValues(new Uint32Array(1))[0]!), settings: PROFILES.modern });
    if (!h.ok) throw new Error(h.reason);
    this.host = h.value;
    this.packetsInBase = 0;
    this.packetsOutBase = 0;
    this.driver = new HostDriver(h.value, (p) => void this.link.send(p), (events, now) => this.onEvents(events, now));
    if (this.echo !== null) this.s.failures++;
    if (this.probe !== null) this.s.connectFailures++;
    this.echo = null;
    this.echoConn = null;
    this.probe = null;
  }

  get joined(): boolean {
    return this.link.state.status === 'joined';
  }

  /** True once the echo connection has completed a first round trip. */
  get warmedUp(): boolean {
    return this.s.rtts.length > 0;
  }

  take(): BystanderSamples {
    const out = this.s;
    out.joined = this.joined;
    out.address = this.welcome?.address ?? null;
    const st = this.host?.stats;
    if (st) {
      out.packetsIn = st.packetsIn - this.packetsInBase;
      out.packetsOut = st.packetsOut - this.packetsOutBase;
      this.packetsInBase = st.packetsIn;
      this.packetsOutBase = st.packetsOut;
    }
    this.s = Bystander.empty();
    return out;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.ticker);
    this.driver?.stop();
    this.link.stop('bystander finished');
  }

  private tick(): void {
    const host = this.host;
    const driver = this.driver;
    if (host === null || driver === null || !this.joined) return;
    const now = driver.now();
    // The long-lived echo connection.
    if (this.echo !== null && now - this.echo.startedAt > ROUND_TRIP_TIMEOUT_MS) {
      this.s.failures++;
      this.drop(this.echo.conn, now);
      this.echo = null;
      this.echoConn = null;
    }
    if (this.echoConn === null) {
      const c = host.connect({ remoteAddr: ECHO_BOT, remotePort: ECHO_PORT }, now);
      if (c.ok) this.echoConn = c.value;
      this.nextRoundTripAt = now;
    }
    if (this.echoConn !== null && this.echo === null && now >= this.nextRoundTripAt && this.established(this.echoConn)) {
      this.echo = this.pending(this.echoConn, ROUND_TRIP_BYTES, now);
      this.nextRoundTripAt = now + ROUND_TRIP_EVERY_MS;
      this.write(this.echo, now);
    }
    // The connect probes.
    if (this.probe !== null && now - this.probe.startedAt > PROBE_TIMEOUT_MS) {
      this.s.connectFailures++;
      this.drop(this.probe.conn, now);
      this.probe = null;
    }
    if (this.probe === null && now >= this.nextProbeAt) {
      this.nextProbeAt = now + PROBE_EVERY_MS;
      const c = host.connect({ remoteAddr: ECHO_BOT, remotePort: ECHO_PORT }, now);
      if (c.ok) {
        this.probe = this.pending(c.value, PROBE_BYTES, now);
        this.write(this.probe, now);
      } else {
        this.s.connectFailures++;
      }
    }
    driver.settle();
  }

  private pending(conn: number, bytes: number, now: number): Pending {
    const payload = new Uint8Array(bytes);
    for (let i = 0; i < bytes; i++) payload[i] = (i * 7 + now) & 0xff;
    return { conn, startedAt: now, got: 0, expect: bytes, written: false, payload };
  }

  private established(conn: number): boolean {
    const st = this.host?.status(conn);
    return st !== undefined && st.ok && st.value.state === 'ESTABLISHED';
  }

  private write(p: Pending, now: number): void {
    if (p.written || this.host === null) return;
    const w = this.host.write(p.conn, p.payload, now);
    if (w.ok && w.value === p.payload.length) p.written = true;
  }

  private drop(conn: number, now: number): void {
    this.host?.abort(conn, now);
  }

  private onEvents(events: readonly SocketEvent[], now: number): void {
    const host = this.host;
    if (host === null) return;
    for (const e of events) {
      if (e.kind === 'accept') continue;
      const p = this.echo?.conn === e.conn ? this.echo : this.probe?.conn === e.conn ? this.probe : null;
      if (e.kind === 'writable' && p !== null) this.write(p, now);
      if (e.kind === 'readable') {
        for (;;) {
          const r = host.read(e.conn, 64 * 1024, now);
          if (!r.ok || r.value.data.length === 0) break;
          if (p !== null) p.got += r.value.data.length;
        }
        if (p !== null && p.got >= p.expect) this.complete(p, now);
      }
      if (e.kind === 'error' || e.kind === 'closed') {
        if (e.conn === this.echoConn) {
          if (this.echo !== null) this.s.failures++;
          this.echo = null;
          this.echoConn = null;
        } else if (p !== null && p === this.probe) {
          this.s.connectFailures++;
          this.probe = null;
        }
      }
    }
  }

  private complete(p: Pending, now: number): void {
    const ms = now - p.startedAt;
    if (p === this.echo) {
      this.s.rtts.push(ms);
      this.echo = null;
    } else if (p === this.probe) {
      this.s.connects.push(ms);
      this.probe = null;
      this.host?.close(p.conn, now);
    }
  }
}
