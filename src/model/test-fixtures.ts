// Hand-written traces for the model's and the components' tests: what two hosts' cores record
// for a three-way handshake, a four-way close, a simultaneous open, a lost and retransmitted
// segment, and a SYN to a closed port. Packets are real IPv4+TCP bytes from the wire codec, so
// the two hosts' records of one packet join the way live traces do.
import type { TcpState } from '../../workers/tcp/state.ts';
import type { SendReason, DropReason, TraceEvent } from '../../workers/tcp/trace.ts';
import type { TcpSegment } from '../../workers/tcp/wire/types.ts';
import { Flag } from '../../workers/tcp/wire/types.ts';
import { encodePacket, decodePacket } from '../../workers/tcp/wire/packet.ts';
import { parseIpv4Address } from '../../workers/tcp/wire/address.ts';

export const A = '10.0.0.1';
export const B = '10.0.0.2';
export const A_PORT = 49152;
export const B_PORT = 80;
export const A_ISN = 1000;
export const B_ISN = 5000;

export interface SegSpec {
  flags: number;
  seq: number;
  ack?: number;
  window?: number;
  payload?: Uint8Array;
  options?: TcpSegment['options'];
  srcPort?: number;
  dstPort?: number;
}

type FaultKind = Extract<TraceEvent, { type: 'fault' }>['fault'];

/** Builds one merged trace of several hosts, event by event, as their cores would record it. */
export class TraceBuilder {
  readonly events: TraceEvent[] = [];
  private readonly ipIds = new Map<string, number>();

  conn(t: number, host: string, conn: number, localPort: number, remote: string, remotePort: number, role: 'active' | 'passive'): this {
    this.events.push({ type: 'conn', t, host, conn, localAddr: host, localPort, remoteAddr: remote, remotePort, role });
    return this;
  }

  state(t: number, host: string, conn: number, from: TcpState, to: TcpState, cause: string): this {
    this.events.push({ type: 'state', t, host, conn, from, to, cause });
    return this;
  }

  /** `host` sends a segment to `dst`: records the 'segment' out event and returns the packet. */
  send(t: number, host: string, conn: number | null, dst: string, spec: SegSpec, reason: SendReason): Uint8Array {
    const id = (this.ipIds.get(host) ?? 0) + 1;
    this.ipIds.set(host, id);
    const seg: TcpSegment = {
      srcPort: spec.srcPort ?? (host === A ? A_PORT : B_PORT),
      dstPort: spec.dstPort ?? (dst === A ? A_PORT : B_PORT),
      seq: spec.seq >>> 0,
      ack: (spec.ack ?? 0) >>> 0,
      flags: spec.flags,
      window: spec.window ?? 65535,
      urgent: 0,
      options: spec.options ?? {},
      payload: spec.payload ?? new Uint8Array(0),
    };
    const bytes = encodePacket({ src: parseIpv4Address(host)!, dst: parseIpv4Address(dst)!, id }, seg);
    this.events.push({ type: 'segment', t, host, dir: 'out', conn, bytes, seg: decode(bytes), src: host, dst, reason });
    return bytes;
  }

  /** `host` receives `bytes`: records the 'segment' in event. */
  recv(t: number, host: string, conn: number | null, bytes: Uint8Array): this {
    const seg = decode(bytes);
    const src = `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
    this.events.push({ type: 'segment', t, host, dir: 'in', conn, bytes, seg, src, dst: host });
    return this;
  }

  drop(t: number, host: string, conn: number | null, bytes: Uint8Array | null, reason: DropReason, detail: string, withBytes = true): this {
    const seg = bytes === null ? null : decode(bytes);
    this.events.push({ type: 'drop', t, host, conn, bytes: withBytes && bytes ? bytes : new Uint8Array(0), seg, reason, detail });
    return this;
  }

  fault(t: number, host: string, dir: 'in' | 'out', fault: FaultKind, bytes: Uint8Array, detail: string): this {
    this.events.push({ type: 'fault', t, host, dir, fault, bytes, detail });
    return this;
  }

  push(e: TraceEvent): this {
    this.events.push(e);
    return this;
  }
}

function decode(bytes: Uint8Array): TcpSegment {
  const d = decodePacket(bytes);
  if (!d.ok) throw new Error(d.reason);
  return d.value.tcp;
}

/** A (10.0.0.1:49152, active) opens to B (10.0.0.2:80, listening); one-way delay 5 ms. */
export function handshake(b = new TraceBuilder()): TraceBuilder {
  b.conn(0, A, 1, A_PORT, B, B_PORT, 'active');
  b.state(0, A, 1, 'CLOSED', 'SYN-SENT', 'active OPEN / create TCB, snd SYN');
  const syn = b.send(0, A, 1, B, { flags: Flag.SYN, seq: A_ISN, options: { mss: 1460 } }, 'syn');
  b.recv(5, B, null, syn); // to a listener: the core names no connection yet
  b.conn(5, B, 1, B_PORT, A, A_PORT, 'passive');
  b.state(5, B, 1, 'CLOSED', 'LISTEN', 'passive OPEN / create TCB');
  b.state(5, B, 1, 'LISTEN', 'SYN-RECEIVED', 'rcv SYN / snd SYN,ACK');
  const synAck = b.send(5, B, 1, A, { flags: Flag.SYN | Flag.ACK, seq: B_ISN, ack: A_ISN + 1, options: { mss: 1460 } }, 'syn-ack');
  b.recv(10, A, 1, synAck);
  b.state(10, A, 1, 'SYN-SENT', 'ESTABLISHED', 'rcv SYN,ACK / snd ACK');
  const ack = b.send(10, A, 1, B, { flags: Flag.ACK, seq: A_ISN + 1, ack: B_ISN + 1 }, 'ack');
  b.recv(15, B, 1, ack);
  b.state(15, B, 1, 'SYN-RECEIVED', 'ESTABLISHED', 'rcv ACK of SYN / x');
  return b;
}

/** After the handshake, A closes first; B closes when it has ACKed; A waits 2×MSL in TIME-WAIT. */
export function fourWayClose(b = handshake()): TraceBuilder {
  b.state(20, A, 1, 'ESTABLISHED', 'FIN-WAIT-1', 'CLOSE / snd FIN');
  const fin1 = b.send(20, A, 1, B, { flags: Flag.FIN | Flag.ACK, seq: A_ISN + 1, ack: B_ISN + 1 }, 'fin');
  b.recv(25, B, 1, fin1);
  b.state(25, B, 1, 'ESTABLISHED', 'CLOSE-WAIT', 'rcv FIN / snd ACK');
  const ack1 = b.send(25, B, 1, A, { flags: Flag.ACK, seq: B_ISN + 1, ack: A_ISN + 2 }, 'ack');
  b.recv(30, A, 1, ack1);
  b.state(30, A, 1, 'FIN-WAIT-1', 'FIN-WAIT-2', 'rcv ACK of FIN / x');
  b.state(35, B, 1, 'CLOSE-WAIT', 'LAST-ACK', 'CLOSE / snd FIN');
  const fin2 = b.send(35, B, 1, A, { flags: Flag.FIN | Flag.ACK, seq: B_ISN + 1, ack: A_ISN + 2 }, 'fin');
  b.recv(40, A, 1, fin2);
  b.state(40, A, 1, 'FIN-WAIT-2', 'TIME-WAIT', 'rcv FIN / snd ACK');
  const ack2 = b.send(40, A, 1, B, { flags: Flag.ACK, seq: A_ISN + 2, ack: B_ISN + 2 }, 'ack');
  b.recv(45, B, 1, ack2);
  b.state(45, B, 1, 'LAST-ACK', 'CLOSED', 'rcv ACK of FIN / x');
  b.state(10_040, A, 1, 'TIME-WAIT', 'CLOSED', 'Timeout=2MSL / delete TCB');
  return b;
}

/** Both ends open actively at once (10.0.0.1:5000 ↔ 10.0.0.2:6000): their SYNs cross. */
export function simultaneousOpen(): TraceBuilder {
  const b = new TraceBuilder();
  const pa = { srcPort: 5000, dstPort: 6000 };
  const pb = { srcPort: 6000, dstPort: 5000 };
  b.conn(0, A, 1, 5000, B, 6000, 'active');
  b.state(0, A, 1, 'CLOSED', 'SYN-SENT', 'active OPEN / create TCB, snd SYN');
  const synA = b.send(0, A, 1, B, { ...pa, flags: Flag.SYN, seq: 100 }, 'syn');
  b.conn(0, B, 1, 6000, A, 5000, 'active');
  b.state(0, B, 1, 'CLOSED', 'SYN-SENT', 'active OPEN / create TCB, snd SYN');
  const synB = b.send(0, B, 1, A, { ...pb, flags: Flag.SYN, seq: 900 }, 'syn');
  b.recv(5, A, 1, synB);
  b.state(5, A, 1, 'SYN-SENT', 'SYN-RECEIVED', 'rcv SYN / snd SYN,ACK');
  const saA = b.send(5, A, 1, B, { ...pa, flags: Flag.SYN | Flag.ACK, seq: 100, ack: 901 }, 'syn-ack');
  b.recv(5, B, 1, synA);
  b.state(5, B, 1, 'SYN-SENT', 'SYN-RECEIVED', 'rcv SYN / snd SYN,ACK');
  const saB = b.send(5, B, 1, A, { ...pb, flags: Flag.SYN | Flag.ACK, seq: 900, ack: 101 }, 'syn-ack');
  b.recv(10, A, 1, saB);
  b.state(10, A, 1, 'SYN-RECEIVED', 'ESTABLISHED', 'rcv ACK of SYN / x');
  b.recv(10, B, 1, saA);
  b.state(10, B, 1, 'SYN-RECEIVED', 'ESTABLISHED', 'rcv ACK of SYN / x');
  return b;
}

export const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/**
 * After the handshake A sends 100 bytes; the network loses them (a fault on A's link); A's
 * retransmission timer fires and the copy arrives; B ACKs. Then B's link delivers that ACK twice.
 */
export function lossAndRetransmit(b = handshake()): TraceBuilder {
  const data = ascii('x'.repeat(100));
  const first = b.send(20, A, 1, B, { flags: Flag.PSH | Flag.ACK, seq: A_ISN + 1, ack: B_ISN + 1, payload: data }, 'data');
  b.fault(20, A, 'out', 'loss', first, 'lost (p=1)');
  const again = b.send(1020, A, 1, B, { flags: Flag.PSH | Flag.ACK, seq: A_ISN + 1, ack: B_ISN + 1, payload: data }, 'retransmit');
  b.recv(1025, B, 1, again);
  const ack = b.send(1025, B, 1, A, { flags: Flag.ACK, seq: B_ISN + 1, ack: A_ISN + 101 }, 'ack');
  b.fault(1025, B, 'out', 'duplicate', ack, 'sent twice');
  b.recv(1030, A, 1, ack);
  b.recv(1031, A, 1, ack);
  return b;
}

/** A SYN to a port nobody listens on: B answers RST and records a 'no-listener' drop. */
export function refused(): TraceBuilder {
  const b = new TraceBuilder();
  b.conn(0, A, 1, A_PORT, B, 81, 'active');
  b.state(0, A, 1, 'CLOSED', 'SYN-SENT', 'active OPEN / create TCB, snd SYN');
  const syn = b.send(0, A, 1, B, { flags: Flag.SYN, seq: A_ISN, dstPort: 81 }, 'syn');
  b.recv(5, B, null, syn);
  const rst = b.send(5, B, null, A, { flags: Flag.RST | Flag.ACK, seq: 0, ack: A_ISN + 1, srcPort: 81 }, 'rst');
  b.drop(5, B, null, syn, 'no-listener', 'no one listens on port 81: RST sent');
  b.recv(10, A, 1, rst);
  b.state(10, A, 1, 'SYN-SENT', 'CLOSED', 'rcv RST / delete TCB');
  return b;
}

/** A bulk transfer after the handshake: `n` data segments A → B, each ACKed, both hosts traced: 4n events. */
export function transfer(n: number, b = handshake()): TraceEvent[] {
  const payload = new Uint8Array(100);
  let t = 20;
  for (let i = 0; i < n; i++) {
    const seq = A_ISN + 1 + i * 100;
    const data = b.send(t, A, 1, B, { flags: Flag.ACK | Flag.PSH, seq, ack: B_ISN + 1, payload }, 'data');
    b.recv(t + 5, B, 1, data);
    const ack = b.send(t + 5, B, 1, A, { flags: Flag.ACK, seq: B_ISN + 1, ack: seq + 100 }, 'ack');
    b.recv(t + 10, A, 1, ack);
    t += 1;
  }
  return b.events;
}

/** Only one host's events of a trace (what a tab sees of a peer on another machine). */
export function onlyHost(events: readonly TraceEvent[], host: string): TraceEvent[] {
  return events.filter((e) => e.host === host);
}
