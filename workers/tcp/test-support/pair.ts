// Two hosts joined by the test itself: every packet is taken, decoded, looked at and delivered by hand,
// at explicit times, so a scenario test can assert each segment and that nothing else was sent.
import { expect } from 'vitest';
import { createHost, type Host } from '../host.ts';
import { createSeededRandom } from '../random.ts';
import { PROFILES, type StackSettings } from '../settings.ts';
import type { TraceEvent } from '../trace.ts';
import type { TcpState } from '../state.ts';
import { decodePacket } from '../wire/packet.ts';
import { flagNames } from '../wire/describe.ts';
import type { TcpSegment } from '../wire/types.ts';
import type { IsnGenerator } from '../isn.ts';

export const A_ADDR = '10.0.0.1';
export const B_ADDR = '10.0.0.2';

export interface Side {
  host: Host;
  trace: TraceEvent[];
}

export interface Wire {
  bytes: Uint8Array;
  seg: TcpSegment;
  /** "SYN", "SYN,ACK", "ACK", "PSH,ACK", "FIN,ACK", "RST" … */
  flags: string;
}

/** Hosts start from the textbook profile unless a test asks otherwise: one mechanism at a time. */
export function makeHost(addr: string, seed: number, settings: Partial<StackSettings> = {}, isn?: IsnGenerator): Side {
  const trace: TraceEvent[] = [];
  const r = createHost({ address: addr, random: createSeededRandom(seed), settings: { ...PROFILES.textbook, ...settings }, trace: (e) => trace.push(e), ...(isn ? { isn } : {}) });
  if (!r.ok) throw new Error(r.reason);
  return { host: r.value, trace };
}

export function makePair(settings: Partial<StackSettings> = {}, isns?: { a?: number; b?: number }): { a: Side; b: Side } {
  const fixed = (n: number | undefined): IsnGenerator | undefined => (n === undefined ? undefined : () => n);
  return { a: makeHost(A_ADDR, 1, settings, fixed(isns?.a)), b: makeHost(B_ADDR, 2, settings, fixed(isns?.b)) };
}

/** Everything the host has sent since last asked, decoded. */
export function sent(side: Side): Wire[] {
  return side.host.takeOutput().map((bytes) => {
    const d = decodePacket(bytes);
    if (!d.ok) throw new Error(`host sent a malformed packet: ${d.reason}`);
    return { bytes, seg: d.value.tcp, flags: flagNames(d.value.tcp.flags) };
  });
}

/** Exactly one segment was sent; return it. */
export function one(side: Side): Wire {
  const out = sent(side);
  expect(out.map((w) => w.flags), 'exactly one segment sent').toHaveLength(1);
  return out[0]!;
}

export function nothingSent(side: Side): void {
  expect(sent(side).map((w) => `${w.flags} seq=${w.seg.seq} ack=${w.seg.ack} len=${w.seg.payload.length}`), 'nothing else was sent').toEqual([]);
}

export function deliver(to: Side, w: Wire | Wire[], now: number): void {
  for (const x of Array.isArray(w) ? w : [w]) to.host.input(x.bytes, now);
}

/** The sequence of states a host's connection passed through, starting from its first state. */
export function states(side: Side, conn?: number): TcpState[] {
  const ev = side.trace.filter((e): e is Extract<TraceEvent, { type: 'state' }> => e.type === 'state' && (conn === undefined || e.conn === conn));
  if (ev.length === 0) return [];
  return [ev[0]!.from, ...ev.map((e) => e.to)];
}

export function stateOf(side: Side, conn: number): TcpState {
  const s = side.host.status(conn);
  return s.ok ? s.value.state : 'CLOSED';
}

/** Deliver everything both sides send, with a fixed one-way delay, until both are quiet; returns the final time. */
export function settle(a: Side, b: Side, now: number, delay = 10, maxRounds = 10_000): number {
  let t = now;
  for (let i = 0; i < maxRounds; i++) {
    const fromA = a.host.takeOutput();
    const fromB = b.host.takeOutput();
    if (fromA.length === 0 && fromB.length === 0) return t;
    t += delay;
    for (const p of fromA) b.host.input(p, t);
    for (const p of fromB) a.host.input(p, t);
  }
  throw new Error('the two hosts never went quiet');
}

/**
 * Deliver everything (settle's 10 ms one way) and fire timers as they fall due, until `end` or
 * until nothing is due; `each` runs after every delivery round (a test's application: write, read).
 */
export function runUntil(a: Side, b: Side, start: number, end: number, each?: (t: number) => void): number {
  let t = start;
  for (let guard = 0; guard < 10_000; guard++) {
    t = settle(a, b, t);
    each?.(t);
    t = settle(a, b, t);
    const ds = [a.host.nextDeadline(), b.host.nextDeadline()].filter((d): d is number => d !== null);
    if (ds.length === 0) return t;
    const d = Math.min(...ds);
    if (d > end) return t;
    t = Math.max(t, d);
    a.host.poll(t);
    b.host.poll(t);
  }
  throw new Error('runUntil did not finish');
}

export function bytesOf(n: number, seed = 0): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed * 2654435761 + 12345;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** Read everything readable from a connection. */
export function drain(side: Side, conn: number, now: number): { data: Uint8Array; eof: boolean } {
  const chunks: Uint8Array[] = [];
  let eof = false;
  for (;;) {
    const r = side.host.read(conn, 1 << 20, now);
    if (!r.ok) throw new Error(r.error.message);
    if (r.value.data.length > 0) chunks.push(r.value.data);
    eof = r.value.eof;
    if (r.value.data.length === 0) break;
  }
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const data = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    data.set(c, o);
    o += c.length;
  }
  return { data, eof };
}

/**
 * A connected pair driven by hand: A (client, socket ca, ISS 1000, port 40000) → B:80 (server,
 * socket cb, ISS 5000), ESTABLISHED at t=3 with the three handshake segments delivered 1 ms apart.
 */
export function establishedPair(settings: Partial<StackSettings> = {}, bSettings: Partial<StackSettings> = {}) {
  const { a, b } = makePair(settings, { a: 1000, b: 5000 });
  b.host.configure(bSettings);
  b.host.listen(80);
  const c = a.host.connect({ remoteAddr: B_ADDR, remotePort: 80, localPort: 40000 }, 0);
  if (!c.ok) throw new Error(c.error.message);
  deliver(b, one(a), 1);
  deliver(a, one(b), 2);
  deliver(b, one(a), 3);
  const acc = b.host.accept(80);
  if (!acc.ok || acc.value === null) throw new Error('nothing to accept');
  return { a, b, ca: c.value, cb: acc.value };
}
