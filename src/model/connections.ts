// The one model of "a connection" that the ladder, the log, the exercises' checks and the
// teacher's view all read the trace through.
//
// A connection END is one host's side of a connection (RFC 9293 §3.3.1: a TCB for a pair of
// sockets). Two records describe it, both named by the one key function `connKey`:
//  - ConnectionInfo, one per TCB the host announced ('conn' event) or moved ('state' event),
//    keyed "host#conn": its path through the state diagram. A trace that starts mid-connection
//    knows its TCBs before their 4-tuples.
//  - ConnEnd, one per 4-tuple as a host sees it, keyed "host#local:port-remote:port": where the
//    packets of the tuple belong, TCB or not (a SYN reaching a listener is traced before the TCB
//    it creates, a RST from a closed port has none). Its PEER end is the other host's side, the
//    reversed tuple, whose key is known without ever seeing that host's trace; that is what lets a
//    check relate events across two hosts. A tuple reused by a later TCB stays the same end.
// A host is named by its address, as trace events' `host` is.
import type { TcpState } from '../../workers/tcp/state.ts';
import type { TraceEvent } from '../../workers/tcp/trace.ts';
import { ipv4Addresses, tcpHeaderOffset, tcpPorts } from '../../workers/tcp/wire/peek.ts';
import { Flag } from '../../workers/tcp/wire/types.ts';
import { connKey } from './keys.ts';
import type { ConnKey, Tuple } from './keys.ts';

type ConnEvent = Extract<TraceEvent, { type: 'conn' }>;
type StateEvent = Extract<TraceEvent, { type: 'state' }>;

/** One step along a connection's path: `step` numbers the state entered (the start state is 1). */
export interface Transition {
  step: number;
  t: number;
  from: TcpState;
  to: TcpState;
  /** In the diagram's words, e.g. "rcv SYN / snd SYN,ACK". */
  cause: string;
  /** Position of the 'state' event in the trace; orders it among the host's other events. */
  eventIndex: number;
}

/** One 4-tuple as one host sees it: what a check means by "the same connection end". */
export interface ConnEnd extends Tuple {
  /** connKey(host, tuple). */
  readonly key: ConnKey;
  /** The key of the other host's end of the same connection (the reversed tuple). */
  readonly peerKey: ConnKey;
  /** The same for both ends (the smaller key): what "per connection" groups by. */
  readonly pairKey: ConnKey;
  readonly host: string;
  /** From the host's 'conn' event; guessed 'passive' for a SYN that reached a listener first. */
  role: 'active' | 'passive' | null;
  /** The conn id of the newest TCB on this tuple, once one is known. */
  conn: number | null;
}

export interface ConnectionInfo extends Tuple {
  /** connKey(host, conn). */
  key: ConnKey;
  host: string;
  conn: number;
  localAddr: string;
  localPort: number;
  remoteAddr: string;
  remotePort: number;
  /** False until a 'conn' event (or a packet of it) gave the 4-tuple: then addresses read '?'. */
  tupleKnown: boolean;
  /** The end of its 4-tuple, once known. */
  end: ConnEnd | null;
  /** Null until the 'conn' event is seen (a trace that starts mid-connection). */
  role: 'active' | 'passive' | null;
  /** The state after the last transition; CLOSED before any. */
  state: TcpState;
  /** Time of the first event about this connection. */
  opened: number;
  lastT: number;
  eventIndex: number;
  transitions: Transition[];
}

export interface TrackerOptions {
  /**
   * Forget a TCB (and its tuple's end, when no other TCB holds it) once it is CLOSED, so a
   * long session keeps only what is alive: the teacher's view. Default false: the ladder and
   * the checks look back at closed connections.
   */
  forgetClosed?: boolean;
}

/** Incremental: feed events in order, read the connections at any time. */
export class ConnectionTracker {
  private readonly byKey = new Map<ConnKey, ConnectionInfo>();
  private readonly ordered: ConnectionInfo[] = [];
  /** End key → the TCBs on that tuple in order of appearance (the newest last). */
  private readonly byEnd = new Map<ConnKey, ConnectionInfo[]>();
  private readonly ends = new Map<ConnKey, ConnEnd>();
  private readonly forgetClosed: boolean;

  constructor(options: TrackerOptions = {}) {
    this.forgetClosed = options.forgetClosed ?? false;
  }

  /** Call for every event, in order: only 'conn' and 'state' events change what it knows. */
  observe(e: TraceEvent, index: number): ConnectionInfo | null {
    if (e.type === 'conn') return this.addConn(e, index);
    if (e.type === 'state') return this.addState(e, index);
    return null;
  }

  addConn(e: ConnEvent, index: number): ConnectionInfo {
    const c = this.ensure(e.host, e.conn, e.t, index);
    c.role = e.role;
    this.learnTuple(c, e);
    return c;
  }

  addState(e: StateEvent, index: number): ConnectionInfo {
    const c = this.ensure(e.host, e.conn, e.t, index);
    c.transitions.push({ step: c.transitions.length + 2, t: e.t, from: e.from, to: e.to, cause: e.cause, eventIndex: index });
    c.state = e.to;
    c.lastT = e.t;
    if (this.forgetClosed && e.to === 'CLOSED') this.forget(c);
    return c;
  }

  /** Note activity (segments, timers) so `lastT` tells how fresh a connection is. */
  touch(key: ConnKey, t: number): void {
    const c = this.byKey.get(key);
    if (c && t > c.lastT) c.lastT = t;
  }

  get(key: ConnKey): ConnectionInfo | undefined {
    return this.byKey.get(key);
  }

  /** Every TCB in order of first appearance (only the live ones with `forgetClosed`). */
  all(): readonly ConnectionInfo[] {
    return this.ordered;
  }

  /** The newest connection on `host` with exactly this tuple. */
  latest(host: string, tuple: Tuple): ConnectionInfo | undefined {
    return this.byEnd.get(connKey(host, tuple))?.at(-1);
  }

  /** Connections on the host holding `localAddr` whose local side is `local` and remote side `remote`. */
  withWireTuple(localAddr: string, localPort: number, remoteAddr: string, remotePort: number): readonly ConnectionInfo[] {
    return this.byEnd.get(connKey(localAddr, { localAddr, localPort, remoteAddr, remotePort })) ?? [];
  }

  /**
   * The end an event happened on, or null (a user call that failed, a drop with no segment, a
   * listener's event, a TCB whose tuple the trace never showed). Packets without a conn id are
   * placed by their tuple; a segment with one teaches a TCB met mid-connection its tuple.
   */
  endOf(ev: TraceEvent): ConnEnd | null {
    switch (ev.type) {
      case 'segment': {
        const known = ev.conn === null ? undefined : this.byKey.get(connKey(ev.host, ev.conn));
        if (known?.end) return known.end;
        const s = ev.seg;
        const tuple: Tuple = ev.dir === 'out'
          ? { localAddr: ev.src, localPort: s.srcPort, remoteAddr: ev.dst, remotePort: s.dstPort }
          : { localAddr: ev.dst, localPort: s.dstPort, remoteAddr: ev.src, remotePort: s.srcPort };
        const end = this.endFor(ev.host, tuple);
        // A SYN for a listener is traced before its connection exists: it opens a passive end.
        if (end.role === null && ev.dir === 'in' && (s.flags & (Flag.SYN | Flag.ACK | Flag.RST)) === Flag.SYN) end.role = 'passive';
        // A trace that starts after the 'conn' event (evicted, or joined late): learn the tuple here.
        if (ev.conn !== null) this.learnTuple(known ?? this.ensure(ev.host, ev.conn, ev.t, -1), tuple);
        return end;
      }
      case 'drop': {
        if (ev.conn !== null) return this.byKey.get(connKey(ev.host, ev.conn))?.end ?? null;
        const addrs = ipv4Addresses(ev.bytes);
        if (ev.seg === null || addrs === null) return null;
        return this.endFor(ev.host, { localAddr: ev.host, localPort: ev.seg.dstPort, remoteAddr: addrs.src, remotePort: ev.seg.srcPort });
      }
      case 'fault': {
        const addrs = ipv4Addresses(ev.bytes);
        const ports = tcpPorts(ev.bytes);
        if (tcpHeaderOffset(ev.bytes) < 0 || addrs === null || ports === null) return null;
        return this.endFor(ev.host, ev.dir === 'out'
          ? { localAddr: addrs.src, localPort: ports.srcPort, remoteAddr: addrs.dst, remotePort: ports.dstPort }
          : { localAddr: addrs.dst, localPort: ports.dstPort, remoteAddr: addrs.src, remotePort: ports.srcPort });
      }
      case 'user':
        return ev.conn === null ? null : this.byKey.get(connKey(ev.host, ev.conn))?.end ?? null;
      case 'syn-cookies':
        return null; // a listener's event, not one connection's
      default:
        return this.byKey.get(connKey(ev.host, ev.conn))?.end ?? null;
    }
  }

  private ensure(host: string, conn: number, t: number, index: number): ConnectionInfo {
    const key = connKey(host, conn);
    let c = this.byKey.get(key);
    if (!c) {
      c = {
        key, host, conn,
        localAddr: host, localPort: 0, remoteAddr: '?', remotePort: 0, tupleKnown: false, end: null,
        role: null, state: 'CLOSED', opened: t, lastT: t, eventIndex: index, transitions: [],
      };
      this.byKey.set(key, c);
      this.ordered.push(c);
    }
    return c;
  }

  /** Give a TCB its 4-tuple and put it on that tuple's end (the end's newest TCB). */
  private learnTuple(c: ConnectionInfo, t: Tuple): void {
    if (c.tupleKnown && c.localAddr === t.localAddr && c.localPort === t.localPort && c.remoteAddr === t.remoteAddr && c.remotePort === t.remotePort) {
      if (c.role !== null && c.end !== null) c.end.role = c.role;
      return;
    }
    if (c.tupleKnown) this.leaveEnd(c);
    c.localAddr = t.localAddr;
    c.localPort = t.localPort;
    c.remoteAddr = t.remoteAddr;
    c.remotePort = t.remotePort;
    c.tupleKnown = true;
    const end = this.endFor(c.host, t);
    if (c.role !== null) end.role = c.role;
    end.conn = c.conn;
    c.end = end;
    const list = this.byEnd.get(end.key);
    if (list) list.push(c);
    else this.byEnd.set(end.key, [c]);
  }

  /** The end of `tuple` on `host`, made on first sight. */
  private endFor(host: string, t: Tuple): ConnEnd {
    const key = connKey(host, t);
    let end = this.ends.get(key);
    if (end === undefined) {
      const peerKey = connKey(t.remoteAddr, { localAddr: t.remoteAddr, localPort: t.remotePort, remoteAddr: t.localAddr, remotePort: t.localPort });
      end = {
        key, peerKey, pairKey: key < peerKey ? key : peerKey, host,
        localAddr: t.localAddr, localPort: t.localPort, remoteAddr: t.remoteAddr, remotePort: t.remotePort,
        role: null, conn: null,
      };
      this.ends.set(key, end);
    }
    return end;
  }

  private forget(c: ConnectionInfo): void {
    this.byKey.delete(c.key);
    const i = this.ordered.indexOf(c);
    if (i >= 0) this.ordered.splice(i, 1);
    if (c.tupleKnown) this.leaveEnd(c);
  }

  /** Take a TCB off its end's list; with `forgetClosed`, an end no TCB holds goes too. */
  private leaveEnd(c: ConnectionInfo): void {
    if (c.end === null) return;
    const list = this.byEnd.get(c.end.key);
    const i = list ? list.indexOf(c) : -1;
    if (list && i >= 0) list.splice(i, 1);
    if (list?.length === 0) {
      this.byEnd.delete(c.end.key);
      if (this.forgetClosed) this.ends.delete(c.end.key);
    }
  }
}

/** The states a path visits in order: the start state, then each transition's target. */
export function visitedStates(path: readonly Transition[]): TcpState[] {
  const first = path[0];
  return first === undefined ? [] : [first.from, ...path.map((p) => p.to)];
}

function track(events: readonly TraceEvent[]): ConnectionTracker {
  const tracker = new ConnectionTracker();
  events.forEach((e, i) => tracker.observe(e, i));
  return tracker;
}

/** Every connection in the trace (one or more hosts), in order of first appearance. Linear. */
export function listConnections(events: readonly TraceEvent[]): ConnectionInfo[] {
  return [...track(events).all()];
}

/** One connection's transitions in order, with time and cause. Linear. */
export function connectionPath(events: readonly TraceEvent[], key: ConnKey): Transition[] {
  return track(events).get(key)?.transitions.slice() ?? [];
}
