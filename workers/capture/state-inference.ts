// Each end's path through the RFC 9293 states (§3.3.2, rules of §3.10.7), inferred from the
// packets as the capture point saw them. An end's own segments change its state when sent; a
// segment from the peer changes it when received, and the capture cannot see that moment. So a
// received segment waits until evidence places it: the receiver's next packet that acknowledges
// it (or carries no SYN/FIN and the segment brought nothing new), a later segment from the same
// sender (TCP delivers in order), or the capture's end (then marked uncertain if it mattered).
import { Flag } from '../tcp/wire/types.ts';
import { seqAdd, seqGe, seqGt } from '../tcp/seq.ts';
import type { TcpState } from '../tcp/state.ts';
import type { DecodedTcp } from './decode-packet.ts';

export interface StateStep {
  from: TcpState | 'ESTABLISHED (joined)';
  to: TcpState;
  /** The frame whose segment caused the step (sent or received by this end). */
  frame: number;
  cause: string;
  /** Set when the capture cannot prove this step; says why. */
  uncertain?: string;
}

export interface EndPath {
  /** Where the path starts: CLOSED (active opener), LISTEN (assumed from its SYN,ACK), or joined. */
  initial: TcpState | 'ESTABLISHED (joined)';
  joined: boolean;
  steps: StateStep[];
  final: TcpState | 'ESTABLISHED (joined)';
  notes: string[];
}

export interface PathPacket {
  frame: number;
  /** 0 = sent by end A (the conversation's first sender), 1 = by end B. */
  from: 0 | 1;
  tcp: DecodedTcp;
}

interface End {
  state: TcpState | 'ESTABLISHED (joined)';
  isn?: number;
  finSeq?: number;
  /** Highest sequence end this end was seen to send. */
  sentEnd?: number;
  pending: PathPacket[];
  path: EndPath;
}

const SYN = Flag.SYN, ACK = Flag.ACK, FIN = Flag.FIN, RST = Flag.RST;

function seqEnd(t: DecodedTcp): number {
  return seqAdd(t.seq, t.payloadLength + (t.flags & SYN ? 1 : 0) + (t.flags & FIN ? 1 : 0));
}

function move(e: End, to: TcpState, frame: number, cause: string, uncertain?: string): void {
  if (e.state === to) return;
  const step: StateStep = { from: e.state, to, frame, cause };
  if (uncertain !== undefined) step.uncertain = uncertain;
  e.path.steps.push(step);
  e.state = to;
}

function initialOf(first: PathPacket | undefined, isOpener: boolean): End['state'] {
  if (first === undefined) return isOpener ? 'CLOSED' : 'LISTEN';
  const f = first.tcp.flags;
  if (f & SYN && !(f & ACK)) return 'CLOSED';
  if (f & SYN && f & ACK) return 'LISTEN';
  if (f & RST && !isOpener) return 'CLOSED';
  return 'ESTABLISHED (joined)';
}

/** Infer both ends' paths. Packets in capture order; `from` relative to end A. */
export function inferPaths(packets: PathPacket[]): [EndPath, EndPath] {
  const firstOf = (side: 0 | 1) => packets.find((p) => p.from === side);
  const makeEnd = (side: 0 | 1): End => {
    const initial = initialOf(firstOf(side), side === 0);
    const path: EndPath = { initial, joined: initial === 'ESTABLISHED (joined)', steps: [], final: initial, notes: [] };
    if (path.joined) path.notes.push('the capture began after this connection opened: its start state is not known (uncertain)');
    if (initial === 'LISTEN') path.notes.push('LISTEN assumed: its SYN,ACK implies a passive OPEN before the capture saw anything');
    return { state: initial, pending: [], path };
  };
  const ends: [End, End] = [makeEnd(0), makeEnd(1)];

  const receive = (side: 0 | 1, p: PathPacket, uncertain?: string) => {
    const e = ends[side];
    const t = p.tcp;
    const acksMySyn = t.flags & ACK && e.isn !== undefined && seqGe(t.ack, seqAdd(e.isn, 1));
    const acksMyFin = t.flags & ACK && e.finSeq !== undefined && seqGe(t.ack, seqAdd(e.finSeq, 1));
    const s = e.state;
    if (t.flags & RST) {
      // §3.10.7: a valid RST closes any synchronized or opening connection; LISTEN ignores it.
      if (s !== 'CLOSED' && s !== 'LISTEN') move(e, 'CLOSED', p.frame, 'RST received', uncertain);
      return;
    }
    if (t.flags & SYN) {
      if (s === 'LISTEN') return move(e, 'SYN-RECEIVED', p.frame, 'SYN received (§3.10.7.2)', uncertain);
      if (s === 'CLOSED') {
        e.path.notes.push(`frame ${p.frame}: a SYN reached a port with no listener (§3.10.7.1)`);
        return;
      }
      if (s === 'SYN-SENT') {
        if (acksMySyn) move(e, 'ESTABLISHED', p.frame, 'SYN,ACK received (§3.10.7.3)', uncertain);
        else move(e, 'SYN-RECEIVED', p.frame, 'SYN received in SYN-SENT: simultaneous open (§3.5)', uncertain);
        return;
      }
    }
    if (s === 'SYN-RECEIVED' && acksMySyn) move(e, 'ESTABLISHED', p.frame, 'ACK of its SYN received (§3.10.7.4)', uncertain);
    if (t.flags & FIN) {
      const finUncertain = uncertain;
      switch (e.state) {
        case 'ESTABLISHED':
        case 'ESTABLISHED (joined)':
          move(e, 'CLOSE-WAIT', p.frame, 'FIN received (§3.10.7.4)', finUncertain);
          break;
        case 'FIN-WAIT-1':
          if (acksMyFin) move(e, 'TIME-WAIT', p.frame, 'FIN with the ACK of its own FIN received (§3.10.7.4)', finUncertain);
          else move(e, 'CLOSING', p.frame, 'FIN received before its own FIN was acknowledged: simultaneous close (§3.6)', finUncertain);
          break;
        case 'FIN-WAIT-2':
          move(e, 'TIME-WAIT', p.frame, 'FIN received (§3.10.7.4)', finUncertain);
          break;
        default:
      }
      return;
    }
    if (acksMyFin) {
      if (e.state === 'FIN-WAIT-1') move(e, 'FIN-WAIT-2', p.frame, 'ACK of its FIN received', uncertain);
      else if (e.state === 'CLOSING') move(e, 'TIME-WAIT', p.frame, 'ACK of its FIN received', uncertain);
      else if (e.state === 'LAST-ACK') move(e, 'CLOSED', p.frame, 'ACK of its FIN received', uncertain);
    }
  };

  const send = (side: 0 | 1, p: PathPacket) => {
    const e = ends[side];
    const t = p.tcp;
    const peer = ends[1 - side]!;
    if (t.flags & ACK && !(t.flags & RST) && peer.sentEnd !== undefined && seqGt(t.ack, peer.sentEnd)) {
      // The capture point missed a segment: whatever it did to the states is not seen.
      peer.path.notes.push(`frame ${p.frame} acknowledges bytes this end was not seen to send: a segment passed the capture point unseen (uncertain)`);
      peer.sentEnd = t.ack;
    }
    if (t.flags & SYN) e.isn ??= t.seq;
    const end = seqEnd(t);
    const isNew = e.sentEnd === undefined || seqGe(seqAdd(end, -1), e.sentEnd);
    if (e.sentEnd === undefined || (isNew && end !== e.sentEnd)) e.sentEnd = end;
    if (t.flags & RST) {
      if (e.state !== 'CLOSED' && e.state !== 'LISTEN') move(e, 'CLOSED', p.frame, 'RST sent');
      return;
    }
    if (t.flags & SYN && !(t.flags & ACK) && e.state === 'CLOSED') move(e, 'SYN-SENT', p.frame, 'SYN sent (active OPEN)');
    if (t.flags & FIN && e.finSeq === undefined) {
      e.finSeq = seqAdd(t.seq, t.payloadLength + (t.flags & SYN ? 1 : 0));
      if (e.state === 'ESTABLISHED' || e.state === 'ESTABLISHED (joined)' || e.state === 'SYN-RECEIVED') move(e, 'FIN-WAIT-1', p.frame, 'FIN sent (CLOSE)');
      else if (e.state === 'CLOSE-WAIT') move(e, 'LAST-ACK', p.frame, 'FIN sent (CLOSE)');
    }
  };

  const flush = (side: 0 | 1, upTo: number, uncertain?: (p: PathPacket) => string | undefined) => {
    const e = ends[side];
    while (e.pending.length > 0 && e.pending[0]!.frame <= upTo) {
      const p = e.pending.shift()!;
      receive(side, p, uncertain?.(p));
    }
  };

  for (const p of packets) {
    const me = p.from;
    const other = (1 - me) as 0 | 1;
    const e = ends[me];
    // Which of the peer's segments this packet shows it has received.
    const t = p.tcp;
    let evidenced = 0;
    for (const q of e.pending) {
      const qEnd = seqEnd(q.tcp);
      const bringsNew = q.tcp.flags & (SYN | FIN) || q.tcp.payloadLength > 0;
      const acked = t.flags & ACK && seqGe(t.ack, qEnd);
      const retransmitted = bringsNew && ends[other].sentEnd !== undefined && q.frame !== firstSenderOf(packets, other, qEnd);
      if (t.flags & RST && !(t.flags & ACK)) break;
      if (bringsNew && !retransmitted ? acked : !(t.flags & (SYN | FIN)) && (acked || !bringsNew)) evidenced = q.frame;
      else if (bringsNew && !retransmitted) break;
    }
    flush(me, evidenced);
    send(me, p);
    // In-order delivery: the peer's receipt of this packet comes after its receipt of earlier ones.
    ends[other].pending.push(p);
  }
  for (const side of [0, 1] as const) {
    flush(side, Number.MAX_SAFE_INTEGER, (q) =>
      q.tcp.flags & (SYN | FIN | RST)
        ? 'no later packet from this end shows it received this segment: the capture cannot prove the step'
        : undefined,
    );
    const e = ends[side];
    if (e.state === 'TIME-WAIT') e.path.notes.push('TIME-WAIT lasts 2·MSL (RFC 9293 §3.10.7.4): its end is after the capture');
    e.path.final = e.state;
  }
  return [ends[0].path, ends[1].path];
}

const firstSenderCache = new WeakMap<PathPacket[], Map<string, number>>();

/** The first frame in which `side` sent a segment ending at `end` (later ones are retransmissions). */
function firstSenderOf(packets: PathPacket[], side: 0 | 1, end: number): number {
  let m = firstSenderCache.get(packets);
  if (m === undefined) {
    m = new Map();
    for (const p of packets) {
      const key = `${p.from}:${seqEnd(p.tcp)}`;
      if (!m.has(key)) m.set(key, p.frame);
    }
    firstSenderCache.set(packets, m);
  }
  return m.get(`${side}:${end}`) ?? -1;
}
