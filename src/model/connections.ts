// Connections and their paths through the state diagram, from 'conn' and 'state' events.
import type { TcpState } from '../../workers/tcp/state.ts';
import type { TraceEvent } from '../../workers/tcp/trace.ts';
import { connKey, tupleKey } from './keys.ts';
import type { ConnKey } from './keys.ts';

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

export interface ConnectionInfo {
  key: ConnKey;
  host: string;
  conn: number;
  localAddr: string;
  localPort: number;
  remoteAddr: string;
  remotePort: number;
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

/** Incremental: feed events in order, read the connections at any time. */
export class ConnectionTracker {
  private readonly byKey = new Map<ConnKey, ConnectionInfo>();
  private readonly ordered: ConnectionInfo[] = [];
  /** host|local|remote → the newest connection with that tuple. */
  private readonly byTuple = new Map<string, ConnectionInfo>();
  /** local|remote without host → every connection with that tuple (to find the other end). */
  private readonly byWire = new Map<string, ConnectionInfo[]>();

  addConn(e: ConnEvent, index: number): ConnectionInfo {
    const c = this.ensure(e.host, e.conn, e.t, index);
    c.localAddr = e.localAddr;
    c.localPort = e.localPort;
    c.remoteAddr = e.remoteAddr;
    c.remotePort = e.remotePort;
    c.role = e.role;
    this.byTuple.set(tupleKey(e.host, e.localAddr, e.localPort, e.remoteAddr, e.remotePort), c);
    const wire = `${e.localAddr}:${e.localPort}|${e.remoteAddr}:${e.remotePort}`;
    const list = this.byWire.get(wire);
    if (list) list.push(c);
    else this.byWire.set(wire, [c]);
    return c;
  }

  addState(e: StateEvent, index: number): ConnectionInfo {
    const c = this.ensure(e.host, e.conn, e.t, index);
    c.transitions.push({ step: c.transitions.length + 2, t: e.t, from: e.from, to: e.to, cause: e.cause, eventIndex: index });
    c.state = e.to;
    c.lastT = e.t;
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

  all(): readonly ConnectionInfo[] {
    return this.ordered;
  }

  /** The newest connection on `host` with exactly this tuple. */
  latest(host: string, localAddr: string, localPort: number, remoteAddr: string, remotePort: number): ConnectionInfo | undefined {
    return this.byTuple.get(tupleKey(host, localAddr, localPort, remoteAddr, remotePort));
  }

  /** Connections on any host whose local side is `local` and remote side `remote`. */
  withWireTuple(localAddr: string, localPort: number, remoteAddr: string, remotePort: number): readonly ConnectionInfo[] {
    return this.byWire.get(`${localAddr}:${localPort}|${remoteAddr}:${remotePort}`) ?? [];
  }

  private ensure(host: string, conn: number, t: number, index: number): ConnectionInfo {
    const key = connKey(host, conn);
    let c = this.byKey.get(key);
    if (!c) {
      c = {
        key, host, conn,
        localAddr: host, localPort: 0, remoteAddr: '?', remotePort: 0,
        role: null, state: 'CLOSED', opened: t, lastT: t, eventIndex: index, transitions: [],
      };
      this.byKey.set(key, c);
      this.ordered.push(c);
    }
    return c;
  }
}

/** The states a path visits in order: the start state, then each transition's target. */
export function visitedStates(path: readonly Transition[]): TcpState[] {
  const first = path[0];
  return first === undefined ? [] : [first.from, ...path.map((p) => p.to)];
}

function track(events: readonly TraceEvent[]): ConnectionTracker {
  const tracker = new ConnectionTracker();
  events.forEach((e, i) => {
    if (e.type === 'conn') tracker.addConn(e, i);
    else if (e.type === 'state') tracker.addState(e, i);
  });
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
