// Packet templates for tests that play a peer by hand (or thousands of them): one IPv4+TCP packet
// from any address and port, with only the fields the test cares about given.
import { encodePacket } from '../wire/packet.ts';
import { parseIpv4Address } from '../wire/address.ts';
import { Flag, type TcpOptions } from '../wire/types.ts';
import type { Side, Wire } from './pair.ts';
import { sent } from './pair.ts';
import type { TraceEvent } from '../trace.ts';

export interface SegmentTemplate {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq?: number;
  ack?: number;
  /** "SYN", "ACK", "RST", "PSH,ACK", … */
  flags: string;
  window?: number;
  options?: TcpOptions;
  payload?: Uint8Array;
}

export function packet(t: SegmentTemplate): Uint8Array {
  let flags = 0;
  for (const name of t.flags.split(',')) {
    const bit = Flag[name.trim() as keyof typeof Flag];
    if (bit === undefined) throw new Error(`no flag ${name}`);
    flags |= bit;
  }
  return encodePacket({ src: parseIpv4Address(t.src)!, dst: parseIpv4Address(t.dst)! }, {
    srcPort: t.srcPort, dstPort: t.dstPort, seq: t.seq ?? 0, ack: t.ack ?? 0, flags,
    window: t.window ?? 65535, urgent: 0, options: t.options ?? {}, payload: t.payload ?? new Uint8Array(0),
  });
}

/** Deliver a packet built from the template; returns what the host sent in answer. */
export function send(to: Side, t: SegmentTemplate, now: number): Wire[] {
  to.host.input(packet(t), now);
  return sent(to);
}

type Ev<T extends TraceEvent['type']> = Extract<TraceEvent, { type: T }>;

/** The trace events of one type. */
export function eventsOf<T extends TraceEvent['type']>(side: Side, type: T): Ev<T>[] {
  return side.trace.filter((e): e is Ev<T> => e.type === type);
}

// --- smoltcp-style templates for the per-state fixtures (fixtures.ts: established(), …) ---
// The connection under test has ISS LOCAL_ISS; the peer the test plays has ISS REMOTE_ISS. A test
// spreads a template and changes what its rule is about:
//   expect(s.send({ ...SEND, seq: REMOTE_ISS + 2 })).toEqual([{ ...RECV }]);

/** Our ISS in every per-state fixture. */
export const LOCAL_ISS = 1000;
/** The peer's ISS. */
export const REMOTE_ISS = 5000;

/** A segment from the peer: addresses and ports come from the fixture. */
export interface PeerSegment {
  seq: number;
  ack: number;
  /** "ACK", "PSH,ACK", "FIN,ACK", "RST", … */
  flags: string;
  window?: number;
  options?: TcpOptions;
  payload?: Uint8Array;
}

/** What the connection sent, as far as a scenario usually asserts it. */
export interface SentSummary {
  flags: string;
  seq: number;
  ack: number;
  /** Payload length. */
  len: number;
}

/** The peer's next segment once both sides are synchronized and nothing was sent: a pure ACK. */
export const SEND: PeerSegment = { seq: REMOTE_ISS + 1, ack: LOCAL_ISS + 1, flags: 'ACK', window: 65535 };
/** Our pure ACK once synchronized, with nothing sent yet. */
export const RECV: SentSummary = { flags: 'ACK', seq: LOCAL_ISS + 1, ack: REMOTE_ISS + 1, len: 0 };

export function summary(w: Wire): SentSummary {
  return { flags: w.flags, seq: w.seg.seq, ack: w.seg.ack, len: w.seg.payload.length };
}

/** Text for a segment's payload. */
export function text(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
