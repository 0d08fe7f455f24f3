// What the TCB inspector shows: each variable of RFC 9293 §3.3.1 (and RFC 5681 / 6298) with its
// value and one line on what it means, and the running timers with their time left.
import type { TcbSnapshot, TimerName, TraceEvent } from '../../workers/tcp/trace.ts';
import type { ConnKey } from './keys.ts';
import { indexFor, TraceIndex } from './trace-index.ts';
import type { TcbSample } from './metrics.ts';
import { UNBOUNDED } from './series.ts';

export interface TcbField {
  name: string;
  value: string;
  /** The absolute number behind a relative value, when they differ. */
  absolute: string | null;
  note: string;
}

export interface RunningTimer {
  name: TimerName;
  deadline: number;
  /** ms left at `now`; 0 when due. */
  remaining: number;
  /** Fraction of the timer's whole span still to run (1 just set, 0 due), when its start is known. */
  left: number | null;
  note: string;
}

export const TIMER_NOTES: Record<TimerName, string> = {
  retransmit: 'fires when the oldest unacknowledged segment has waited RTO: retransmit it and back off (RFC 6298).',
  persist: 'the peer advertised a zero window: probe it so a lost window update cannot stall both sides.',
  'time-wait': '2×MSL after the last ACK: then the TCB is deleted and the 4-tuple can be used again.',
  'delayed-ack': 'an ACK held back hoping to ride on data; sent when this fires (RFC 9293 §3.8.6.3).',
  idle: 'nothing received for idleTimeout: the host aborts the connection (a server policy).',
  'user-timeout': 'sent data unacknowledged for userTimeout: the connection is aborted (RFC 9293 §3.10.8 USER TIMEOUT).',
  keepalive: 'keep-alive (off unless the socket asks): idle for keepAliveIdle, then a probe every keepAliveInterval; keepAliveCount unanswered abort (RFC 1122 §4.2.3.6).',
};

/** Relative to a base (ISS or IRS) modulo 2^32, as the ladder and log show sequence numbers. */
function relative(x: number, base: number, absolute: boolean): { value: string; absolute: string | null } {
  if (absolute) return { value: String(x), absolute: null };
  return { value: String((x - base) >>> 0), absolute: String(x) };
}

function ms(x: number | null): string {
  return x === null ? '—' : `${Math.round(x * 10) / 10} ms`;
}

function bytes(x: number): string {
  return Number.isFinite(x) && x < UNBOUNDED ? `${x} B` : '∞';
}

/** The inspector's rows, in the order the RFC lists the variables. */
export function tcbFields(tcb: TcbSnapshot, absolute = false): TcbField[] {
  const seq = (name: string, x: number, base: number, note: string): TcbField => ({ name, ...relative(x, base, absolute), note });
  const plain = (name: string, value: string, note: string): TcbField => ({ name, value, absolute: null, note });
  return [
    plain('state', tcb.state, 'where the connection is in the state diagram.'),
    plain('ISS', String(tcb.iss), 'initial send sequence number: the sequence number of our SYN.'),
    plain('IRS', String(tcb.irs), 'initial receive sequence number: the sequence number of the peer’s SYN.'),
    seq('SND.UNA', tcb.sndUna, tcb.iss, 'send unacknowledged: the oldest byte sent but not yet acknowledged.'),
    seq('SND.NXT', tcb.sndNxt, tcb.iss, 'send next: the sequence number of the next byte to send.'),
    plain('in flight', bytes((tcb.sndNxt - tcb.sndUna) >>> 0), 'SND.NXT − SND.UNA: bytes sent and not yet acknowledged.'),
    plain('SND.WND', bytes(tcb.sndWnd), 'send window: how much the peer can take beyond SND.UNA (its advertised window).'),
    seq('SND.WL1', tcb.sndWl1, tcb.irs, 'the peer’s sequence number in the segment that last updated SND.WND.'),
    seq('SND.WL2', tcb.sndWl2, tcb.iss, 'the acknowledgment number in the segment that last updated SND.WND.'),
    seq('RCV.NXT', tcb.rcvNxt, tcb.irs, 'receive next: the next sequence number expected; everything before it has arrived.'),
    plain('RCV.WND', bytes(tcb.rcvWnd), 'receive window: free buffer space we advertise to the peer.'),
    plain('SND.MSS', bytes(tcb.sndMss), 'the largest payload we put in one segment (from the peer’s MSS option).'),
    plain('cwnd', bytes(tcb.cwnd), 'congestion window: our own limit on bytes in flight, so we do not overrun the network (RFC 5681).'),
    plain('ssthresh', bytes(tcb.ssthresh), 'slow-start threshold: below it cwnd doubles each RTT, above it grows by one MSS per RTT.'),
    plain('SRTT', ms(tcb.srtt), 'smoothed round-trip time, averaged over ACKed segments (RFC 6298).'),
    plain('RTTVAR', ms(tcb.rttvar), 'how much the round-trip time varies; RTO = SRTT + 4·RTTVAR.'),
    plain('RTO', ms(tcb.rto), 'retransmission timeout: how long to wait for an ACK before sending again.'),
    plain('send queue', bytes(tcb.sendQueued), 'bytes the application wrote that the peer has not yet acknowledged.'),
    plain('receive queue', bytes(tcb.recvQueued), 'bytes received in order that the application has not read yet.'),
    plain('retransmits', String(tcb.retransmits), 'retransmissions of the current segment; the connection gives up after too many.'),
  ];
}

/** Running timers, soonest first, with the time left at `now`. */
export function runningTimers(
  timers: Partial<Record<TimerName, number>>,
  now: number,
  starts: Partial<Record<TimerName, number>> = {},
): RunningTimer[] {
  const out: RunningTimer[] = [];
  for (const [name, deadline] of Object.entries(timers) as [TimerName, number | undefined][]) {
    if (deadline === undefined) continue;
    const remaining = Math.max(0, deadline - now);
    const start = starts[name];
    const left = start !== undefined && deadline > start ? Math.min(1, remaining / (deadline - start)) : null;
    out.push({ name, deadline, remaining, left, note: TIMER_NOTES[name] });
  }
  return out.sort((a, b) => a.deadline - b.deadline);
}

/** The newest snapshot of a connection's TCB (at or before `at`, when given), or null. */
export function latestTcb(events: readonly TraceEvent[] | TraceIndex, key: ConnKey, at?: number): TcbSample | null {
  const ix = events instanceof TraceIndex ? events : indexFor(events);
  const tcbs = ix.metrics(key)?.tcbs ?? [];
  if (at === undefined) return tcbs[tcbs.length - 1] ?? null;
  // Snapshots are in trace order, hence in time order for one host: binary search.
  let a = 0;
  let b = tcbs.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (tcbs[m]!.t <= at) a = m + 1;
    else b = m;
  }
  return a === 0 ? null : tcbs[a - 1]!;
}
