// One fixture per state: a pair of hosts driven by hand until the connection under test
// sits in the named state, with the packets that got it there already delivered or lost
// (fixture()), or one host with the test as its peer (synSent(), established(), … below).
import { A_ADDR, B_ADDR, deliver, makeHost, makePair, one, sent, stateOf, type Side } from './pair.ts';
import { LOCAL_ISS, REMOTE_ISS, SEND, eventsOf, send, summary, type PeerSegment, type SentSummary } from './templates.ts';
import type { TcpState } from '../state.ts';
import type { StackSettings } from '../settings.ts';
import type { TraceEvent } from '../trace.ts';
import type { TcpOptions } from '../wire/types.ts';

export interface StateFixture {
  /** The side whose connection is in `state`. */
  side: Side;
  /** Its peer. */
  peer: Side;
  conn: number | null;
  /** Ports of the connection as seen from `side`. */
  localPort: number;
  remotePort: number;
  now: number;
}

export const FIXTURE_STATES: TcpState[] = [
  'LISTEN', 'SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT',
];

export function fixture(state: TcpState, settings: Partial<StackSettings> = {}): StateFixture {
  const { a, b } = makePair(settings, { a: 1000, b: 5000 });
  b.host.listen(80);
  if (state === 'LISTEN') return { side: b, peer: a, conn: null, localPort: 80, remotePort: 40000, now: 0 };
  const c = a.host.connect({ remoteAddr: B_ADDR, remotePort: 80, localPort: 40000 }, 0);
  if (!c.ok) throw new Error(c.error.message);
  const ca = c.value;
  const syn = one(a);
  if (state === 'SYN-SENT') return { side: a, peer: b, conn: ca, localPort: 40000, remotePort: 80, now: 0 };
  deliver(b, syn, 1);
  const synAck = one(b);
  const cb = b.host.connections()[0]!.id;
  if (state === 'SYN-RECEIVED') return { side: b, peer: a, conn: cb, localPort: 80, remotePort: 40000, now: 1 };
  deliver(a, synAck, 2);
  deliver(b, one(a), 3);
  b.host.accept(80);
  const client = { side: a, peer: b, conn: ca, localPort: 40000, remotePort: 80 };
  const server = { side: b, peer: a, conn: cb, localPort: 80, remotePort: 40000 };
  if (state === 'ESTABLISHED') return { ...client, now: 3 };
  a.host.shutdown(ca, 10);
  const fin = one(a);
  if (state === 'FIN-WAIT-1') return { ...client, now: 10 };
  if (state === 'CLOSING') {
    b.host.shutdown(cb, 10);
    deliver(a, one(b), 11);
    one(a); // A's ACK of B's FIN, lost
    return { ...client, now: 11 };
  }
  deliver(b, fin, 11);
  const ackOfFin = one(b);
  if (state === 'CLOSE-WAIT') return { ...server, now: 11 };
  deliver(a, ackOfFin, 12);
  if (state === 'FIN-WAIT-2') return { ...client, now: 12 };
  b.host.shutdown(cb, 13);
  const finB = one(b);
  if (state === 'LAST-ACK') return { ...server, now: 13 };
  deliver(a, finB, 14);
  one(a);
  if (state === 'TIME-WAIT') return { ...client, now: 14 };
  throw new Error(`no fixture for ${state}`);
}

// --- Per-state fixtures in the style of smoltcp's socket_established() & co. ---
// One host under test (A, 10.0.0.1) whose connection sits in the named state; the test plays the
// peer (B, 10.0.0.2) by hand with templates (templates.ts SEND/RECV), so a (state, event) test is
// three lines: fixture, send, expect. Every segment our side sent to get there is taken; `now` is
// the time of the last step. Textbook profile unless `settings` say otherwise: no options, no
// congestion control, so sequence numbers and flags are all a test sees.

export interface Tcb {
  side: Side;
  conn: number;
  localPort: number;
  remotePort: number;
  now: number;
  /** Deliver a segment from the peer at `at` (default: `now`); returns what the connection sent in answer. */
  send(seg: PeerSegment, at?: number): SentSummary[];
  /** Fire the timers due at `at`; returns what went out. */
  poll(at: number): SentSummary[];
  state(): TcpState;
  /** The trace events of one type since the fixture reached its state (what the test caused). */
  events<T extends TraceEvent['type']>(type: T): Extract<TraceEvent, { type: T }>[];
}

function tcb(side: Side, conn: number, localPort: number, remotePort: number, now: number): Tcb {
  const mark = side.trace.length;
  return {
    side, conn, localPort, remotePort, now,
    send(this: Tcb, seg: PeerSegment, at = this.now) {
      return send(side, { src: B_ADDR, dst: A_ADDR, srcPort: remotePort, dstPort: localPort, ...seg }, at).map(summary);
    },
    poll(at) {
      side.host.poll(at);
      return sent(side).map(summary);
    },
    state: () => stateOf(side, conn),
    events: (type) => eventsOf(side, type).filter((e) => side.trace.indexOf(e) >= mark),
  };
}

/** SYN-SENT: A connected from port 40000 to B:80; its SYN (seq LOCAL_ISS) was taken at t=0. */
export function synSent(settings: Partial<StackSettings> = {}): Tcb {
  const side = makeHost(A_ADDR, 1, settings, () => LOCAL_ISS);
  const c = side.host.connect({ remoteAddr: B_ADDR, remotePort: 80, localPort: 40000 }, 0);
  if (!c.ok) throw new Error(c.error.message);
  sent(side);
  return tcb(side, c.value, 40000, 80, 0);
}

/** SYN-RECEIVED: A listens on 80; the peer's SYN (seq REMOTE_ISS) from port 40000 came at t=1, our SYN,ACK was taken. */
export function synReceived(settings: Partial<StackSettings> = {}): Tcb {
  const side = makeHost(A_ADDR, 1, settings, () => LOCAL_ISS);
  side.host.listen(80);
  send(side, { src: B_ADDR, dst: A_ADDR, srcPort: 40000, dstPort: 80, seq: REMOTE_ISS, flags: 'SYN' }, 1);
  return tcb(side, side.host.connections()[0]!.id, 80, 40000, 1);
}

/**
 * ESTABLISHED (active side): the peer's SYN,ACK came at t=2 and our ACK was taken. `peerOptions`
 * are that SYN,ACK's options (`{ mss: 1000, sackPermitted: true }` to agree on SACK); none by default.
 */
export function established(settings: Partial<StackSettings> = {}, peerOptions: TcpOptions = {}): Tcb {
  const s = synSent(settings);
  s.send({ seq: REMOTE_ISS, ack: LOCAL_ISS + 1, flags: 'SYN,ACK', options: peerOptions }, 2);
  return tcb(s.side, s.conn, s.localPort, s.remotePort, 2);
}

/** FIN-WAIT-1: established, then close() at t=10; our FIN (seq LOCAL_ISS + 1) was taken. */
export function finWait1(settings: Partial<StackSettings> = {}): Tcb {
  const s = established(settings);
  s.side.host.close(s.conn, 10);
  sent(s.side);
  return tcb(s.side, s.conn, s.localPort, s.remotePort, 10);
}

/** FIN-WAIT-2: FIN-WAIT-1, and the peer acknowledged our FIN at t=11. */
export function finWait2(settings: Partial<StackSettings> = {}): Tcb {
  const s = finWait1(settings);
  s.send({ ...SEND, ack: LOCAL_ISS + 2 }, 11);
  return tcb(s.side, s.conn, s.localPort, s.remotePort, 11);
}

/** CLOSING: FIN-WAIT-1, and the peer's FIN (not acknowledging ours) came at t=11; our ACK was taken. */
export function closing(settings: Partial<StackSettings> = {}): Tcb {
  const s = finWait1(settings);
  s.send({ ...SEND, flags: 'FIN,ACK' }, 11);
  return tcb(s.side, s.conn, s.localPort, s.remotePort, 11);
}

/** TIME-WAIT: FIN-WAIT-2, and the peer's FIN came at t=12; our ACK was taken. */
export function timeWait(settings: Partial<StackSettings> = {}): Tcb {
  const s = finWait2(settings);
  s.send({ ...SEND, ack: LOCAL_ISS + 2, flags: 'FIN,ACK' }, 12);
  return tcb(s.side, s.conn, s.localPort, s.remotePort, 12);
}

/** CLOSE-WAIT: established, and the peer's FIN came at t=10; our ACK was taken. */
export function closeWait(settings: Partial<StackSettings> = {}): Tcb {
  const s = established(settings);
  s.send({ ...SEND, flags: 'FIN,ACK' }, 10);
  return tcb(s.side, s.conn, s.localPort, s.remotePort, 10);
}

/** LAST-ACK: CLOSE-WAIT, then close() at t=11; our FIN (seq LOCAL_ISS + 1) was taken. */
export function lastAck(settings: Partial<StackSettings> = {}): Tcb {
  const s = closeWait(settings);
  s.side.host.close(s.conn, 11);
  sent(s.side);
  return tcb(s.side, s.conn, s.localPort, s.remotePort, 11);
}
