// Trace records packed into one byte array per stored chunk.
//
// IndexedDB clones every value it stores, field by field, on the thread that stores it: in the
// worker during a bulk transfer that was about a quarter of its CPU (Chromium, 40-record chunks:
// 150-300 us a put, most of it walking the objects of TCB snapshots and timer events), CPU the
// transfer and the page's frames were short of. A byte array is cloned with one copy. So the
// events a transfer makes by the thousand (segments, TCB snapshots, timers, deliveries) are
// written field by field into bytes here; the rest (connections, state changes, faults, user
// calls, …) go as tagged JSON (json-bytes.ts). A segment's decoded `seg` is not stored: its
// packet says it all, and reading decodes the packet again, exactly as the worker did.
//
// A chunk: version (u8), record count (u32), its string table (u32 count, then u32 length and
// UTF-8 each: addresses, states, reasons appear once per chunk), then the records, each a kind
// byte, seq, real and t (f64), host (string index) and the kind's own fields. Little-endian.
// Reading never throws: a damaged chunk gives the records before the damage and a reason.
import type { TraceRecord } from './trace-record.ts';
import type { TcbSnapshot, TraceEvent } from '../tcp/trace.ts';
import { segmentOf } from '../tcp/wire/peek.ts';
import { bytesReplacer, bytesReviver } from './json-bytes.ts';

export const PACK_VERSION = 1;
/**
 * A chunk is cut once it holds this many bytes: Chromium wraps an IndexedDB value over 64 KiB
 * into a blob, which costs more than it saves; a record over the mark (a full-sized packet is
 * 1.5 KB) still fits under 64 KiB.
 */
export const CHUNK_BYTES = 56 * 1024;

const Kind = { segment: 1, tcb: 2, timer: 3, deliver: 4, json: 5 } as const;
const NO_STRING = 0xffffffff;

type SegmentEvent = Extract<TraceEvent, { type: 'segment' }>;
type TimerEvent = Extract<TraceEvent, { type: 'timer' }>;
type DeliverEvent = Extract<TraceEvent, { type: 'deliver' }>;
type TcbEvent = Extract<TraceEvent, { type: 'tcb' }>;

/** The TCB's plain numbers, in stored order. */
const TCB_NUMBERS = [
  'iss', 'irs', 'sndUna', 'sndNxt', 'sndWnd', 'sndWl1', 'sndWl2', 'rcvNxt', 'rcvWnd',
  'sndMss', 'rto', 'cwnd', 'ssthresh', 'sendQueued', 'recvQueued', 'retransmits',
] as const satisfies readonly (keyof TcbSnapshot)[];

// A field added to one of these types and not packed here fails the typecheck, not a reload.
type Uncovered<T, K> = [Exclude<keyof T, K>] extends [never] ? true : never;
const covered: [
  Uncovered<TcbSnapshot, (typeof TCB_NUMBERS)[number] | 'state' | 'srtt' | 'rttvar' | 'timers'>,
  Uncovered<SegmentEvent, 'type' | 't' | 'host' | 'dir' | 'conn' | 'bytes' | 'seg' | 'src' | 'dst' | 'reason'>,
  Uncovered<TimerEvent, 'type' | 't' | 'host' | 'conn' | 'timer' | 'action' | 'deadline'>,
  Uncovered<DeliverEvent, 'type' | 't' | 'host' | 'conn' | 'bytes'>,
  Uncovered<TcbEvent, 'type' | 't' | 'host' | 'conn' | 'tcb'>,
] = [true, true, true, true, true];
void covered;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A growing byte buffer with a per-chunk string table. */
class Writer {
  private buf = new Uint8Array(CHUNK_BYTES + 8 * 1024);
  private view = new DataView(this.buf.buffer);
  pos = 0;
  count = 0;
  private strings = new Map<string, number>();
  private table: string[] = [];

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.room(1);
    this.buf[this.pos++] = v;
  }

  u32(v: number): void {
    this.room(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }

  patchU32(at: number, v: number): void {
    this.view.setUint32(at, v, true);
  }

  f64(v: number): void {
    this.room(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  /** null (and, at run time, undefined) as NaN: no stored number of these is ever NaN. */
  f64OrNull(v: number | null): void {
    this.f64(v === null || v === undefined ? NaN : v);
  }

  bytes(b: Uint8Array): void {
    this.u32(b.length);
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  str(s: string): void {
    let i = this.strings.get(s);
    if (i === undefined) {
      i = this.table.length;
      this.table.push(s);
      this.strings.set(s, i);
    }
    this.u32(i);
  }

  optStr(s: string | undefined): void {
    if (s === undefined) this.u32(NO_STRING);
    else this.str(s);
  }

  /** The chunk so far, header first; the writer starts a new chunk. */
  take(): Uint8Array {
    const names = this.table.map((s) => encoder.encode(s));
    const head = 1 + 4 + 4 + names.reduce((n, b) => n + 4 + b.length, 0);
    const out = new Uint8Array(head + this.pos);
    const view = new DataView(out.buffer);
    out[0] = PACK_VERSION;
    view.setUint32(1, this.count, true);
    view.setUint32(5, names.length, true);
    let at = 9;
    for (const b of names) {
      view.setUint32(at, b.length, true);
      out.set(b, at + 4);
      at += 4 + b.length;
    }
    out.set(this.buf.subarray(0, this.pos), at);
    this.pos = 0;
    this.count = 0;
    this.strings = new Map();
    this.table = [];
    return out;
  }
}

function packTcb(w: Writer, tcb: TcbSnapshot): void {
  w.str(tcb.state);
  for (const k of TCB_NUMBERS) w.f64(tcb[k]);
  w.f64OrNull(tcb.srtt);
  w.f64OrNull(tcb.rttvar);
  // Per TCB snapshot, so no arrays: the count is written where it goes once it is known.
  const countAt = w.pos;
  w.u32(0);
  let count = 0;
  for (const name in tcb.timers) {
    const deadline = tcb.timers[name as keyof TcbSnapshot['timers']];
    if (deadline === undefined) continue;
    w.str(name);
    w.f64(deadline);
    count++;
  }
  w.patchU32(countAt, count);
}

/** What every record starts with. */
function head(w: Writer, kind: number, r: TraceRecord): void {
  w.u8(kind);
  w.f64(r.seq);
  w.f64(r.real);
  w.f64(r.event.t);
  w.str(r.event.host);
}

function packRecord(w: Writer, r: TraceRecord): void {
  const e = r.event;
  switch (e.type) {
    case 'segment':
      if (e.bytes instanceof Uint8Array) {
        head(w, Kind.segment, r);
        w.u8(e.dir === 'in' ? 1 : 0);
        w.f64OrNull(e.conn);
        w.str(e.src);
        w.str(e.dst);
        w.optStr(e.reason);
        w.bytes(e.bytes);
        return;
      }
      break;
    case 'tcb':
      head(w, Kind.tcb, r);
      w.f64(e.conn);
      packTcb(w, e.tcb);
      return;
    case 'timer':
      head(w, Kind.timer, r);
      w.f64(e.conn);
      w.str(e.timer);
      w.str(e.action);
      w.u8(e.deadline === undefined ? 0 : 1);
      if (e.deadline !== undefined) w.f64(e.deadline);
      return;
    case 'deliver':
      head(w, Kind.deliver, r);
      w.f64(e.conn);
      w.f64(e.bytes);
      return;
  }
  // Everything else is rare: a few per connection, or per fault.
  head(w, Kind.json, r);
  w.bytes(encoder.encode(JSON.stringify(e, bytesReplacer)));
}

export interface PackedChunk {
  /** seq of the chunk's first record (with the session, its key). */
  first: number;
  count: number;
  packed: Uint8Array;
}

/** Records (consecutive, as a write takes them) in chunks of about CHUNK_BYTES each. */
export function packRecords(records: readonly TraceRecord[], chunkBytes = CHUNK_BYTES): PackedChunk[] {
  const out: PackedChunk[] = [];
  const w = new Writer();
  let first = 0;
  for (const r of records) {
    if (w.count === 0) first = r.seq;
    packRecord(w, r);
    w.count++;
    if (w.pos >= chunkBytes) {
      const count = w.count;
      out.push({ first, count, packed: w.take() });
    }
  }
  if (w.count > 0) {
    const count = w.count;
    out.push({ first, count, packed: w.take() });
  }
  return out;
}

export type Unpacked = { ok: true; records: TraceRecord[] } | { ok: false; reason: string; records: TraceRecord[] };

class Damaged extends Error {}

class Reader {
  private readonly view: DataView;
  pos = 0;
  strings: string[] = [];

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new Damaged(`it ends early (${n} more bytes wanted at byte ${this.pos} of ${this.buf.length})`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  f64OrNull(): number | null {
    const v = this.f64();
    return Number.isNaN(v) ? null : v;
  }

  /** A copy: a record must not keep the whole chunk alive (or post it along). */
  bytes(): Uint8Array {
    const n = this.u32();
    this.need(n);
    const b = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  text(): string {
    const n = this.u32();
    this.need(n);
    const s = decoder.decode(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }

  str(): string {
    const i = this.u32();
    const s = this.strings[i];
    if (s === undefined) throw new Damaged(`string ${i} is not in its table of ${this.strings.length}`);
    return s;
  }

  optStr(): string | undefined {
    const i = this.u32();
    if (i === NO_STRING) return undefined;
    const s = this.strings[i];
    if (s === undefined) throw new Damaged(`string ${i} is not in its table of ${this.strings.length}`);
    return s;
  }

  get done(): boolean {
    return this.pos === this.buf.length;
  }
}

function unpackTcb(rd: Reader): TcbSnapshot {
  const state = rd.str() as TcbSnapshot['state'];
  const numbers: Partial<Record<(typeof TCB_NUMBERS)[number], number>> = {};
  for (const k of TCB_NUMBERS) numbers[k] = rd.f64();
  const srtt = rd.f64OrNull();
  const rttvar = rd.f64OrNull();
  const timers: TcbSnapshot['timers'] = {};
  const n = rd.u32();
  for (let i = 0; i < n; i++) {
    const name = rd.str() as keyof TcbSnapshot['timers'];
    timers[name] = rd.f64();
  }
  return { state, ...(numbers as Record<(typeof TCB_NUMBERS)[number], number>), srtt, rttvar, timers };
}

/** One record, or null for a stored packet that no longer decodes (skipped and counted). */
function unpackRecord(rd: Reader): TraceRecord | null {
  const kind = rd.u8();
  const seq = rd.f64();
  const real = rd.f64();
  const t = rd.f64();
  const host = rd.str();
  switch (kind) {
    case Kind.segment: {
      const dir = rd.u8() === 1 ? 'in' : 'out';
      const conn = rd.f64OrNull();
      const src = rd.str();
      const dst = rd.str();
      const reason = rd.optStr() as SegmentEvent['reason'];
      const bytes = rd.bytes();
      const seg = segmentOf(bytes);
      if (seg === null) return null;
      const event: SegmentEvent = { type: 'segment', t, host, dir, conn, bytes, seg, src, dst, ...(reason === undefined ? {} : { reason }) };
      return { seq, real, event };
    }
    case Kind.tcb: {
      const conn = rd.f64();
      return { seq, real, event: { type: 'tcb', t, host, conn, tcb: unpackTcb(rd) } };
    }
    case Kind.timer: {
      const conn = rd.f64();
      const timer = rd.str() as TimerEvent['timer'];
      const action = rd.str() as TimerEvent['action'];
      const event: TimerEvent = { type: 'timer', t, host, conn, timer, action };
      if (rd.u8() === 1) event.deadline = rd.f64();
      return { seq, real, event };
    }
    case Kind.deliver: {
      const conn = rd.f64();
      return { seq, real, event: { type: 'deliver', t, host, conn, bytes: rd.f64() } };
    }
    case Kind.json: {
      const text = rd.text();
      let event: unknown;
      try {
        event = JSON.parse(text, bytesReviver);
      } catch (e) {
        throw new Damaged(`its JSON event does not parse (${(e as Error).message})`);
      }
      if (typeof event !== 'object' || event === null || typeof (event as { type?: unknown }).type !== 'string') throw new Damaged('its JSON event has no type');
      return { seq, real, event: event as TraceRecord['event'] };
    }
    default:
      throw new Damaged(`record kind ${kind} is unknown`);
  }
}

/** The records of a packed chunk; never throws. */
export function unpackRecords(packed: Uint8Array): Unpacked {
  const records: TraceRecord[] = [];
  const rd = new Reader(packed);
  let undecodable = 0;
  try {
    const version = rd.u8();
    if (version !== PACK_VERSION) return { ok: false, reason: `chunk format ${version} is not one this app reads (${PACK_VERSION})`, records };
    const count = rd.u32();
    const strings = rd.u32();
    for (let i = 0; i < strings; i++) rd.strings.push(rd.text());
    for (let i = 0; i < count; i++) {
      const r = unpackRecord(rd);
      if (r !== null) records.push(r);
      else undecodable++;
    }
    if (!rd.done) return { ok: false, reason: `damaged chunk: ${packed.length - rd.pos} bytes after its ${count} records`, records };
    if (undecodable > 0) return { ok: false, reason: `damaged chunk: ${undecodable} of its stored packets no longer decode (left out)`, records };
    return { ok: true, records };
  } catch (e) {
    const why = e instanceof Damaged ? e.message : `reading it failed (${String(e)})`;
    return { ok: false, reason: `damaged chunk after ${records.length} records: ${why}`, records };
  }
}
