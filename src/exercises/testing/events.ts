// Hand-made trace events for unit tests of the predicate language, where a precise, tiny trace
// says more than a run of the core. (Every built-in exercise is tested on the real core too.)
import type { TcpState } from '../../../workers/tcp/state.ts';
import type { SendReason, TraceEvent } from '../../../workers/tcp/trace.ts';
import { Flag, type FlagName } from '../../../workers/tcp/wire/types.ts';

const EMPTY = new Uint8Array(0);

export function flags(names: string): number {
  let f = 0;
  for (const n of names.split(',').filter((x) => x !== '')) f |= Flag[n as FlagName];
  return f;
}

/** Connection ends: A = 10.0.0.1:1000 talking to B = 10.0.0.2:80. */
export const A = { host: '10.0.0.1', port: 1000, conn: 1 };
export const B = { host: '10.0.0.2', port: 80, conn: 7 };

export function conn(t: number, me: typeof A, peer: typeof A, role: 'active' | 'passive'): TraceEvent {
  return { type: 'conn', t, host: me.host, conn: me.conn, localAddr: me.host, localPort: me.port, remoteAddr: peer.host, remotePort: peer.port, role };
}

export function seg(
  t: number,
  me: typeof A,
  peer: typeof A,
  dir: 'out' | 'in',
  f: string,
  seq: number,
  ack: number,
  o: { len?: number; window?: number; reason?: SendReason } = {},
): TraceEvent {
  const from = dir === 'out' ? me : peer;
  const to = dir === 'out' ? peer : me;
  const ev: TraceEvent = {
    type: 'segment', t, host: me.host, dir, conn: me.conn, bytes: EMPTY,
    seg: { srcPort: from.port, dstPort: to.port, seq: seq >>> 0, ack: ack >>> 0, flags: flags(f), window: o.window ?? 1000, urgent: 0, options: {}, payload: new Uint8Array(o.len ?? 0) },
    src: from.host, dst: to.host,
  };
  if (o.reason !== undefined) ev.reason = o.reason;
  return ev;
}

export function state(t: number, me: typeof A, from: TcpState, to: TcpState): TraceEvent {
  return { type: 'state', t, host: me.host, conn: me.conn, from, to, cause: '' };
}

export function cwnd(t: number, me: typeof A, value: number, reason = 'congestion avoidance'): TraceEvent {
  return { type: 'cwnd', t, host: me.host, conn: me.conn, cwnd: value, ssthresh: 1000, reason };
}

export function timer(t: number, me: typeof A, name: 'retransmit' | 'time-wait' | 'persist', action: 'set' | 'fired' | 'cancelled'): TraceEvent {
  return { type: 'timer', t, host: me.host, conn: me.conn, timer: name, action };
}

export function error(t: number, me: typeof A, code: 'ETIMEDOUT' | 'ECONNREFUSED'): TraceEvent {
  return { type: 'error', t, host: me.host, conn: me.conn, code, message: '' };
}
