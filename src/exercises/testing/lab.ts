// Test support: make an exercise really happen on the core. Two hosts on the simulated network with
// the exercise's setup applied exactly as the UI applies it (planSetup → configure / setFaults /
// addRule), small in-test bots (echo, discard, chargen), and a hand-driven pair for hold-style
// exercises, where "hold" means the test keeps the packets and delivers them together.
// Not part of the engine: only tests import it.
import { createHost, type Host } from '../../../workers/tcp/host.ts';
import { createSeededRandom } from '../../../workers/tcp/random.ts';
import type { TraceEvent } from '../../../workers/tcp/trace.ts';
import { createSimNetwork, type SimHost, type SimNetwork } from '../../../workers/tcp/sim/index.ts';
import { PROFILES } from '../../../workers/tcp/settings.ts';
import { settle, type Side } from '../../../workers/tcp/test-support/pair.ts';
import type { Exercise } from '../schema.ts';
import { planHost, settingsOf, type HostSetup, type SetupAction } from '../setup.ts';

export const YOU = '10.0.0.1';
export const PEER = '10.0.0.2';

type App = () => void;

/** Two hosts on a simulated link: `you` (host 0) and `peer` (host 1, or the bot). */
export class Lab {
  readonly trace: TraceEvent[] = [];
  readonly net: SimNetwork;
  readonly you: Host;
  readonly peer: Host;
  readonly youLink: SimHost;
  readonly peerLink: SimHost;
  private readonly apps: App[] = [];

  constructor(exercise: Exercise | null, options: { seed?: number; latency?: number; trace?: boolean } = {}) {
    const seed = options.seed ?? 1;
    const sink = options.trace === false ? undefined : (e: TraceEvent): void => void this.trace.push(e);
    this.net = createSimNetwork({ seed, ...(sink ? { trace: sink } : {}) });
    const mk = (address: string, salt: number): Host => {
      const r = createHost({ address, random: createSeededRandom(seed ^ salt), ...(sink ? { trace: sink } : {}) });
      if (!r.ok) throw new Error(r.reason);
      return r.value;
    };
    this.you = mk(YOU, 0x1111);
    this.peer = mk(PEER, 0x2222);
    const latency = options.latency ?? 5;
    const a = this.net.addHost(this.you, { latency });
    const b = this.net.addHost(this.peer, { latency });
    if (!a.ok || !b.ok) throw new Error('addHost failed');
    this.youLink = a.host;
    this.peerLink = b.host;
    if (exercise) {
      this.apply(exercise.setup, 'you');
      // Bots run the relay's fixed configuration: the exercise's peer setup is for partner/offline.
      if (exercise.needs !== 'bot') this.apply(exercise.setup?.peer, 'peer');
    }
  }

  /** Apply a setup to one host now, through the same action list the UI uses. */
  apply(setup: HostSetup | undefined, who: 'you' | 'peer'): void {
    const host = who === 'you' ? this.you : this.peer;
    const link = who === 'you' ? this.youLink : this.peerLink;
    for (const a of planHost(setup)) applyAction(this.net, host, link, a);
  }

  /** Run `fn` after every network event (an application reacting to its socket). */
  app(fn: App): void {
    this.apps.push(fn);
  }

  /** Advance virtual time by `ms`, letting the apps react after each event. */
  run(ms: number): void {
    this.runUntil(() => false, ms);
  }

  /** Run until `cond()` holds (checked after every event) or `maxMs` pass; returns whether it held. */
  runUntil(cond: () => boolean, maxMs = 600_000): boolean {
    const limit = this.net.now + maxMs;
    this.tick();
    while (!cond()) {
      // One event at a time, and without the clock jumping ahead when the queue runs dry (as
      // runUntil(time) would), so the apps always see the time of the event they react to.
      const r = this.net.runUntil(() => false, { maxTime: limit, maxSteps: 1 });
      this.tick();
      if (r.steps > 0) continue;
      if (r.reason === 'idle') {
        this.net.kick(); // what the apps just did may have scheduled something
        if (this.net.pending > 0) continue;
        this.net.runUntil(limit);
      }
      return cond();
    }
    return true;
  }

  get now(): number {
    return this.net.now;
  }

  state(host: Host, conn: number): string {
    const s = host.status(conn);
    return s.ok ? s.value.state : 'CLOSED';
  }

  private tick(): void {
    for (const a of this.apps) a();
  }
}

function applyAction(net: SimNetwork, host: Host, link: SimHost, a: SetupAction): void {
  switch (a.call) {
    case 'configure': {
      const r = host.configure(a.settings);
      if (!r.ok) throw new Error(r.error.message);
      return;
    }
    case 'setFaults': {
      const r = net.setFaults(link, a.dir, a.config);
      if (!r.ok) throw new Error(r.reason);
      return;
    }
    case 'addRule': {
      const r = net.addRule(link, a.dir, a.rule);
      if (!r.ok) throw new Error(r.reason);
      return;
    }
    case 'setHold':
      // The simulated link has no hold queue: hold exercises are driven by hand (HandPair).
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// In-test bots, like the relay's: each is an app polling its host's socket events.
// ---------------------------------------------------------------------------------------------

/** Accept connections on `port` and hand each new one to `onConn`; call `each` for every open one per tick. */
function server(host: Host, port: number, each: (conn: number, lab: Lab) => boolean, lab: Lab): void {
  const r = host.listen(port);
  if (!r.ok) throw new Error(r.error.message);
  const conns = new Set<number>();
  lab.app(() => {
    for (;;) {
      const a = host.accept(port);
      if (!a.ok || a.value === null) break;
      conns.add(a.value);
    }
    for (const c of conns) if (!each(c, lab)) conns.delete(c);
  });
}

/** echo (RFC 862): send back what arrives; close when the client has closed. */
export function echoBot(lab: Lab, port = 7): void {
  const pending = new Map<number, Uint8Array[]>();
  server(lab.peer, port, (c) => {
    const q = pending.get(c) ?? [];
    let eof = false;
    for (;;) {
      const r = lab.peer.read(c, 65_536, lab.now);
      if (!r.ok) return false;
      if (r.value.data.length > 0) q.push(r.value.data.slice());
      eof = r.value.eof;
      if (r.value.data.length === 0) break;
    }
    while (q.length > 0) {
      const head = q[0] as Uint8Array;
      const w = lab.peer.write(c, head, lab.now);
      if (!w.ok) return false;
      if (w.value < head.length) {
        q[0] = head.subarray(w.value);
        break;
      }
      q.shift();
    }
    pending.set(c, q);
    if (eof && q.length === 0) {
      lab.peer.close(c, lab.now);
      return false;
    }
    return true;
  }, lab);
}

/** discard (RFC 863): read and forget; close when the client has closed. */
export function discardBot(lab: Lab, port = 9): void {
  server(lab.peer, port, (c) => {
    for (;;) {
      const r = lab.peer.read(c, 1 << 20, lab.now);
      if (!r.ok) return false;
      if (r.value.eof) {
        lab.peer.close(c, lab.now);
        return false;
      }
      if (r.value.data.length === 0) return true;
    }
  }, lab);
}

/** chargen (RFC 864): send characters for as long as the client stays; stop at its FIN. */
export function chargenBot(lab: Lab, port = 19): void {
  const line = new TextEncoder().encode('!"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefgh\r\n'.repeat(64));
  server(lab.peer, port, (c) => {
    for (;;) {
      const r = lab.peer.read(c, 1 << 20, lab.now);
      if (!r.ok) return false;
      if (r.value.eof) {
        lab.peer.close(c, lab.now);
        return false;
      }
      if (r.value.data.length === 0) break;
    }
    while (lab.peer.writable(c) > 0) {
      const w = lab.peer.write(c, line, lab.now);
      if (!w.ok || w.value === 0) break;
    }
    return true;
  }, lab);
}

/** A client's helper: write `bytes` as the send buffer takes them. Returns a function telling if all went. */
export function writeAll(lab: Lab, host: Host, conn: number, bytes: Uint8Array): () => boolean {
  let off = 0;
  const pump = (): void => {
    while (off < bytes.length) {
      const w = host.write(conn, bytes.subarray(off), lab.now);
      if (!w.ok || w.value === 0) return;
      off += w.value;
    }
  };
  lab.app(pump);
  pump();
  return () => off >= bytes.length;
}

/** Read and count everything that arrives on `conn` (the UI's auto-read). */
export function autoRead(lab: Lab, host: Host, conn: number): { received: number; eof: boolean; paused: boolean } {
  const st = { received: 0, eof: false, paused: false };
  lab.app(() => {
    if (st.paused) return;
    for (;;) {
      const r = host.read(conn, 1 << 20, lab.now);
      if (!r.ok) return;
      st.received += r.value.data.length;
      if (r.value.eof) st.eof = true;
      if (r.value.data.length === 0) return;
    }
  });
  return st;
}

export function connect(lab: Lab, port: number, localPort?: number): number {
  const r = lab.you.connect({ remoteAddr: PEER, remotePort: port, ...(localPort !== undefined ? { localPort } : {}) }, lab.now);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

export function bytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

// ---------------------------------------------------------------------------------------------
// Hold-style exercises: both hosts driven by hand, packets kept and delivered together.
// ---------------------------------------------------------------------------------------------

/**
 * Two pair.ts Sides sharing one trace (so the checklist sees both hosts in the order things
 * happened), with the exercise's settings applied on top of the textbook profile pair.ts uses.
 */
export function handPair(exercise: Exercise | null): { a: Side; b: Side; trace: TraceEvent[] } {
  const trace: TraceEvent[] = [];
  const mk = (address: string, seed: number, setup: HostSetup | undefined): Side => {
    const r = createHost({ address, random: createSeededRandom(seed), settings: { ...PROFILES.textbook, ...settingsOf(setup) }, trace: (e) => trace.push(e) });
    if (!r.ok) throw new Error(r.reason);
    return { host: r.value, trace };
  };
  return { a: mk(YOU, 1, exercise?.setup), b: mk(PEER, 2, exercise?.setup?.peer), trace };
}

/** Let timers run on both hand-driven hosts up to `until`, delivering what they send after `delay`. */
export function advance(a: Side, b: Side, from: number, until: number, delay = 10): number {
  let t = settle(a, b, from, delay);
  for (;;) {
    const next = Math.min(a.host.nextDeadline() ?? Infinity, b.host.nextDeadline() ?? Infinity);
    if (next > until) break;
    t = Math.max(t, next);
    a.host.poll(t);
    b.host.poll(t);
    t = settle(a, b, t, delay);
  }
  return Math.max(t, until);
}
