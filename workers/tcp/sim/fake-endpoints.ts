// Stand-ins for the TCP core in the simulator's own tests: hand-built IPv4/TCP packets and
// endpoints that record what reaches them, echo it back, or run scripted timers.

import type { Endpoint } from '../endpoint.ts';

export function addr(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

export interface PacketSpec {
  src: number;
  dst: number;
  /** Numbers the packet: stored in the IPv4 identification field and the TCP sequence number. */
  id: number;
  flags?: number;
  /** Payload length in bytes (filled with a pattern), default 0. */
  payload?: number;
}

/** A minimal well-formed IPv4 + TCP packet (20 + 20 bytes + payload) with valid checksums. */
export function buildPacket(spec: PacketSpec): Uint8Array {
  const payload = spec.payload ?? 0;
  const p = new Uint8Array(40 + payload);
  const v = new DataView(p.buffer);
  p[0] = 0x45;
  v.setUint16(2, p.length);
  v.setUint16(4, spec.id & 0xffff);
  p[8] = 64;
  p[9] = 6;
  v.setUint32(12, spec.src);
  v.setUint32(16, spec.dst);
  v.setUint16(10, onesComplement(sum16(p, 0, 20)));
  v.setUint16(20, 1000);
  v.setUint16(22, 2000);
  v.setUint32(24, spec.id >>> 0);
  p[32] = 5 << 4;
  p[33] = spec.flags ?? 0x10;
  v.setUint16(34, 65535);
  for (let i = 0; i < payload; i++) p[40 + i] = (i * 7 + spec.id) & 0xff;
  v.setUint16(36, onesComplement(tcpSum(p)));
  return p;
}

/** The number given to buildPacket. */
export function packetId(p: Uint8Array): number {
  return new DataView(p.buffer, p.byteOffset, p.byteLength).getUint32(24);
}

/** True when the TCP checksum (with the pseudo-header) verifies, as the real receiver would check. */
export function tcpChecksumOk(p: Uint8Array): boolean {
  return (tcpSum(p) & 0xffff) === 0xffff;
}

function tcpSum(p: Uint8Array): number {
  const tcpLen = p.length - 20;
  let s = sum16(p, 12, 20) + 6 + tcpLen + sum16(p, 20, p.length);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

function sum16(p: Uint8Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i += 2) s += ((p[i] ?? 0) << 8) | (i + 1 < to ? (p[i + 1] ?? 0) : 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

function onesComplement(s: number): number {
  return ~s & 0xffff;
}

export interface Received {
  t: number;
  id: number;
  packet: Uint8Array;
}

/**
 * Records every packet it receives; `send` queues packets as a user call would; `deadlines` are
 * scripted timers, each recorded in `polledAt` when poll() fires it. `onInput` may reply.
 */
export class FakeEndpoint implements Endpoint {
  readonly received: Received[] = [];
  readonly polledAt: number[] = [];
  deadlines: number[] = [];
  private outbox: Uint8Array[] = [];

  constructor(
    readonly address: number,
    private readonly onInput?: (packet: Uint8Array, now: number, self: FakeEndpoint) => void,
  ) {}

  send(packet: Uint8Array): void {
    this.outbox.push(packet);
  }

  input(packet: Uint8Array, now: number): void {
    this.received.push({ t: now, id: packetId(packet), packet });
    this.onInput?.(packet, now, this);
  }

  poll(now: number): void {
    this.polledAt.push(now);
    this.deadlines = this.deadlines.filter((d) => d > now);
  }

  nextDeadline(): number | null {
    return this.deadlines.length === 0 ? null : Math.min(...this.deadlines);
  }

  takeOutput(): Uint8Array[] {
    const out = this.outbox;
    this.outbox = [];
    return out;
  }
}

/** Sends back everything it receives, addresses swapped. */
export function echoEndpoint(address: number): FakeEndpoint {
  return new FakeEndpoint(address, (packet, _now, self) => {
    const reply = packet.slice();
    reply.set(packet.subarray(16, 20), 12);
    reply.set(packet.subarray(12, 16), 16);
    self.send(reply);
  });
}
