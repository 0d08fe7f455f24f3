// The terminal peer: joins a room from a terminal with the project's own core, like netcat.
// `connect HOST PORT [--local-port P]` or `listen PORT`; standard input goes to the connection and
// the connection to standard output; every state change, and anything that goes wrong, is written
// to the log (standard error), so standard output carries only the data.
import WebSocket from 'ws';
import { createHost, type Host, type SocketEvent } from '../workers/tcp/host.ts';
import { createSeededRandom } from '../workers/tcp/random.ts';
import { PROFILES, type ProfileName } from '../workers/tcp/settings.ts';
import type { TraceEvent } from '../workers/tcp/trace.ts';
import { RelayLink, type SocketLike } from '../workers/relay-link.ts';
import { realTimers } from '../workers/timers.ts';
import type { WelcomeMessage } from './protocol/messages.ts';
import { HostDriver } from './host-driver.ts';

export type PeerCommand =
  | { kind: 'connect'; host: string; port: number; localPort?: number }
  | { kind: 'listen'; port: number };

export interface PeerOptions {
  relay: string;
  room: string;
  name: string;
  command: PeerCommand;
  profile?: ProfileName;
  /** Maximum segment lifetime, ms (TIME-WAIT lasts twice this); the profile's when absent. */
  msl?: number;
  /** Data from the user (standard input). */
  input: NodeJS.ReadableStream;
  /** Data from the connection (standard output). */
  output: NodeJS.WritableStream;
  /** States, errors, notices (standard error). */
  log: (line: string) => void;
  /** Every trace event of the peer's host, for a tool or test that watches the segments. */
  trace?: (e: TraceEvent) => void;
}

export interface Peer {
  /** Resolves with the exit code once the connection is over (0 clean, 1 error). */
  done: Promise<number>;
  stop(): void;
}

const READ_MAX = 64 * 1024;

export function startPeer(o: PeerOptions): Peer {
  let host: Host | null = null;
  let driver: HostDriver | null = null;
  let conn: number | null = null;
  const pending: Uint8Array[] = [];
  let inputEnded = false;
  let shut = false;
  let finished = false;
  let resolveDone: (code: number) => void = () => {};
  const done = new Promise<number>((r) => (resolveDone = r));

  const link = new RelayLink({
    url: o.relay,
    room: o.room,
    name: o.name,
    createSocket: (url) => {
      const ws = new WebSocket(url);
      ws.binaryType = 'arraybuffer';
      return ws as unknown as SocketLike;
    },
    timers: realTimers,
    random: Math.random,
    hostAddress: () => (host ? host.hostName : null),
    onFrame: (frame) => driver?.frame(frame),
    onState: (state) => {
      if (state.status === 'reconnecting') o.log(`relay connection lost (${state.code} ${state.reason}); retrying in ${Math.round(state.delayMs / 100) / 10} s`);
      if (state.status === 'closed' && !state.byUser && !finished) finish(1, `the relay refused us: ${state.code} ${state.reason}`);
    },
    onWelcome: (w, rejoin) => (rejoin ? o.log(`rejoined room ${w.room} as ${w.hostname} (${w.address})`) : begin(w)),
    onNotice: (n) => {
      if (n.type === 'unreachable') o.log(`host unreachable: ${n.dst} is not in room ${o.room}`);
      else if (n.type === 'error') o.log(`relay: ${n.detail}`);
      else o.log(`relay dropped a frame: ${n.reason} (${n.detail})`);
    },
  });

  function begin(w: WelcomeMessage): void {
    o.log(`joined room ${w.room} as ${w.hostname} (${w.address}); in the room: ${w.hosts.map((h) => `${h.hostname} ${h.address}`).join(', ') || 'nobody else'}`);
    const h = createHost({
      address: w.address,
      random: createSeededRandom(crypto.getRandomValues(new Uint32Array(1))[0]!),
      settings: { ...PROFILES[o.profile ?? 'modern'], ...(o.msl !== undefined ? { msl: o.msl } : {}) },
      trace: (e) => {
        logState(e);
        o.trace?.(e);
      },
    });
    if (!h.ok) return finish(1, h.reason);
    host = h.value;
    driver = new HostDriver(host, (p) => link.send(p), (events, now) => onEvents(events, now));
    if (o.command.kind === 'listen') {
      const r = host.listen(o.command.port, 1);
      if (!r.ok) return finish(1, r.error.message);
      o.log(`listening on ${w.address}:${o.command.port}`);
    } else {
      const target = resolve(w, o.command.host);
      if (target === null) return finish(1, `no host "${o.command.host}" in room ${w.room}: use a hostname or address from the list above`);
      const c = host.connect({ remoteAddr: target, remotePort: o.command.port, ...(o.command.localPort !== undefined ? { localPort: o.command.localPort } : {}) }, driver.now());
      if (!c.ok) return finish(1, c.error.message);
      conn = c.value;
    }
    driver.settle();
  }

  function logState(e: TraceEvent): void {
    if (e.type === 'state') o.log(`[${e.t.toFixed(0)} ms] ${e.from} → ${e.to}  (${e.cause})`);
    else if (e.type === 'error') o.log(`error: ${e.code}: ${e.message}`);
  }

  function onEvents(events: readonly SocketEvent[], now: number): void {
    if (!host) return;
    for (const e of events) {
      if (e.kind === 'accept' && conn === null && o.command.kind === 'listen') {
        const a = host.accept(o.command.port);
        if (a.ok && a.value !== null) {
          conn = a.value;
          const st = host.status(conn);
          if (st.ok) o.log(`accepted ${st.value.remoteAddr}:${st.value.remotePort}`);
          host.unlisten(o.command.port); // like netcat -l: one connection
          flush(now);
        }
      } else if (e.kind !== 'accept' && e.conn === conn) {
        if (e.kind === 'readable') readAll(now);
        if (e.kind === 'writable') flush(now);
        if (e.kind === 'error') o.log(`connection failed: ${e.error.code}: ${e.error.message}`);
        if (e.kind === 'closed' || e.kind === 'error') checkDone(e.kind === 'error');
      }
    }
  }

  function readAll(now: number): void {
    if (!host || conn === null) return;
    for (;;) {
      const r = host.read(conn, READ_MAX, now);
      if (!r.ok) return;
      if (r.value.data.length > 0) o.output.write(Buffer.from(r.value.data));
      if (r.value.eof) o.log('the peer closed its side (FIN received)');
      if (r.value.data.length === 0) return;
    }
  }

  /** Move user input into the send buffer; half-close once input ended and all of it is queued. */
  function flush(now: number): void {
    if (!host || conn === null) return;
    while (pending.length > 0) {
      const head = pending[0]!;
      const w = host.write(conn, head, now);
      if (!w.ok) {
        if (w.error.code !== 'ENOTCONN') o.log(`write failed: ${w.error.message}`);
        return;
      }
      if (w.value < head.length) {
        pending[0] = head.subarray(w.value);
        o.input.pause();
        return;
      }
      pending.shift();
    }
    o.input.resume();
    if (inputEnded && !shut) {
      const st = host.status(conn);
      if (st.ok && st.value.state === 'SYN-SENT') return; // CLOSE in SYN-SENT would delete the TCB
      shut = true;
      host.shutdown(conn, now);
    }
  }

  function checkDone(failed: boolean): void {
    if (!host || conn === null) return;
    const st = host.status(conn);
    const closed = !st.ok || st.value.state === 'CLOSED';
    if (failed) finish(1, '');
    else if (closed) finish(0, '');
  }

  function finish(code: number, why: string): void {
    if (finished) return;
    finished = true;
    if (why) o.log(why);
    driver?.stop();
    link.stop('peer finished');
    o.input.removeListener('data', onData);
    o.input.removeListener('end', onEnd);
    o.input.pause();
    resolveDone(code);
  }

  const onData = (chunk: Buffer | string): void => {
    pending.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length).slice());
    if (driver) {
      flush(driver.now());
      driver.settle();
    }
  };
  const onEnd = (): void => {
    inputEnded = true;
    if (driver) {
      flush(driver.now());
      driver.settle();
    }
  };
  o.input.on('data', onData);
  o.input.on('end', onEnd);

  // The connection may also end while idle (TIME-WAIT runs out, or the peer resets it).
  const poll = setInterval(() => {
    if (host && conn !== null && !finished) {
      const st = host.status(conn);
      if (!st.ok || st.value.state === 'CLOSED') checkDone(st.ok && st.value.error !== null);
    }
  }, 200);
  void done.then(() => clearInterval(poll));

  link.start();
  return { done, stop: () => finish(0, 'stopped') };
}

function resolve(w: WelcomeMessage, name: string): string | null {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return name;
  const h = w.hosts.find((x) => x.hostname === name.toLowerCase() || x.name === name);
  return h ? h.address : null;
}
