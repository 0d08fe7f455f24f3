// Packed chunks (record-pack.ts): every kind of record comes back as it was traced, chunks stay
// under IndexedDB's 64 KiB blob mark, and a damaged chunk gives what it can and says why.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { TraceRecord } from './trace-record.ts';
import { encodePacket, decodePacket } from '../tcp/wire/packet.ts';
import { Flag } from '../tcp/wire/types.ts';
import type { TraceEvent } from '../tcp/trace.ts';
import { CHUNK_BYTES, PACK_VERSION, packRecords, unpackRecords } from './record-pack.ts';

function roundTrip(records: readonly TraceRecord[], chunkBytes?: number): TraceRecord[] {
  const out: TraceRecord[] = [];
  for (const c of packRecords(records, chunkBytes)) {
    const u = unpackRecords(c.packed);
    if (!u.ok) throw new Error(u.reason);
    expect(u.records.length).toBe(c.count);
    expect(u.records[0]?.seq).toBe(c.first);
    out.push(...u.records);
  }
  return out;
}

const A = '10.0.1.1';
const B = '10.0.1.2';

function packet(flags: number, payload = 0): { bytes: Uint8Array; seg: Extract<TraceEvent, { type: 'segment' }>['seg'] } {
  const bytes = encodePacket(
    { src: 0x0a000101, dst: 0x0a000102 },
    { srcPort: 49152, dstPort: 80, seq: 1000, ack: 2000, flags, window: 65535, urgent: 0, options: flags & Flag.SYN ? { mss: 1460, windowScale: 7, sackPermitted: true } : {}, payload: new Uint8Array(payload).fill(0x61) },
  );
  const d = decodePacket(bytes);
  if (!d.ok) throw new Error(d.reason);
  return { bytes, seg: d.value.tcp };
}

/** One record of every kind, with the optional and null fields both ways. */
function everyKind(): TraceRecord[] {
  const syn = packet(Flag.SYN);
  const data = packet(Flag.ACK | Flag.PSH, 1460);
  const events: TraceEvent[] = [
    { type: 'conn', t: 0, host: A, conn: 1, localAddr: A, localPort: 49152, remoteAddr: B, remotePort: 80, role: 'active' },
    { type: 'state', t: 0, host: A, conn: 1, from: 'CLOSED', to: 'SYN-SENT', cause: 'active OPEN / snd SYN' },
    { type: 'segment', t: 0.25, host: A, dir: 'out', conn: 1, bytes: syn.bytes, seg: syn.seg, src: A, dst: B, reason: 'syn' },
    { type: 'segment', t: 1.5, host: A, dir: 'in', conn: null, bytes: data.bytes, seg: data.seg, src: B, dst: A },
    { type: 'drop', t: 2, host: A, conn: 1, bytes: data.bytes, seg: data.seg, reason: 'out-of-window', detail: 'SEG.SEQ beyond RCV.NXT+RCV.WND' },
    { type: 'drop', t: 2, host: A, conn: null, bytes: new Uint8Array([0x45, 0, 0]), seg: null, reason: 'malformed', detail: 'IPv4 header: 3 bytes' },
    { type: 'timer', t: 3, host: A, conn: 1, timer: 'retransmit', action: 'set', deadline: 1003 },
    { type: 'timer', t: 4, host: A, conn: 1, timer: 'delayed-ack', action: 'cancelled' },
    {
      type: 'tcb', t: 5, host: A, conn: 1,
      tcb: { state: 'ESTABLISHED', iss: 4294967295, irs: 0, sndUna: 1, sndNxt: 1461, sndWnd: 65535 << 7, sndWl1: 2000, sndWl2: 1000, rcvNxt: 2000, rcvWnd: 65535, sndMss: 1460, rto: 1000, srtt: 12.5, rttvar: 6.25, cwnd: 14600, ssthresh: Infinity, sendQueued: 3, recvQueued: 0, timers: { retransmit: 1005, 'time-wait': 60005 }, retransmits: 2 },
    },
    {
      type: 'tcb', t: 6, host: A, conn: 2,
      tcb: { state: 'SYN-SENT', iss: 7, irs: 0, sndUna: 7, sndNxt: 8, sndWnd: 0, sndWl1: 0, sndWl2: 0, rcvNxt: 0, rcvWnd: 65535, sndMss: 536, rto: 1000, srtt: null, rttvar: null, cwnd: 2920, ssthresh: 65535, sendQueued: 0, recvQueued: 0, timers: {}, retransmits: 0 },
    },
    { type: 'cwnd', t: 7, host: A, conn: 1, cwnd: 2920, ssthresh: Infinity, reason: 'RTO: cwnd = 1 MSS (RFC 5681 §3.1)' },
    { type: 'deliver', t: 8, host: A, conn: 1, bytes: 1460 },
    { type: 'user', t: 9, host: A, conn: null, call: 'listen(80)', result: 'ok' },
    { type: 'user', t: 9, host: A, conn: 1, call: 'send', result: 'ENOTCONN', detail: 'not "connected" <yet> — ünïcode' },
    { type: 'error', t: 10, host: A, conn: 1, code: 'ECONNRESET', message: 'connection reset by peer' },
    { type: 'fault', t: 11, host: A, dir: 'out', fault: 'loss', bytes: syn.bytes, detail: 'lost (30 %)' },
    { type: 'shell', t: 12, host: '', kind: 'not-sent', detail: 'link down', bytes: data.bytes },
    { type: 'shell', t: 13, host: A, kind: 'unreachable', detail: 'nobody has 10.0.9.9', dst: '10.0.9.9' },
  ] as TraceEvent[];
  return events.map((event, i) => ({ seq: 100 + i, real: 1_700_000_000_000.125 + i * 0.5, event }));
}

describe('packRecords / unpackRecords', () => {
  it('brings back a record of every kind exactly, nulls, Infinity and missing optional fields included', () => {
    const records = everyKind();
    expect(roundTrip(records)).toEqual(records);
    // An optional field that was missing stays missing (not undefined-but-present).
    const back = roundTrip(records);
    expect('reason' in back[3]!.event).toBe(false);
    expect('deadline' in back[7]!.event).toBe(false);
  });

  it('stores a listener\'s syn-cookies event as it was traced (with the other rare events, as JSON)', () => {
    const records: TraceRecord[] = [
      { seq: 1, real: 2, event: { type: 'syn-cookies', t: 3, host: A, port: 80, action: 'on', detail: 'backlog of port 80 is full (16 of 16)' } },
      { seq: 2, real: 3, event: { type: 'syn-cookies', t: 4, host: A, port: 80, action: 'off', detail: 'half empty again (8 of 16)' } },
    ];
    expect(roundTrip(records)).toEqual(records);
  });

  it('gives each stored packet a buffer of its own, not a view into the chunk', () => {
    const back = roundTrip(everyKind());
    const seg = back[2]!.event as Extract<TraceEvent, { type: 'segment' }>;
    expect(seg.bytes.byteOffset).toBe(0);
    expect(seg.bytes.buffer.byteLength).toBe(seg.bytes.length);
  });

  it('cuts chunks by size, each under the 64 KiB mark, keyed by their first seq', () => {
    const data = packet(Flag.ACK, 1460);
    const records: TraceRecord[] = [];
    for (let i = 0; i < 400; i++) {
      records.push({ seq: i, real: i, event: { type: 'segment', t: i, host: A, dir: 'out', conn: 1, bytes: data.bytes, seg: data.seg, src: A, dst: B, reason: 'data' } });
    }
    const chunks = packRecords(records);
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) expect(c.packed.length).toBeLessThan(64 * 1024);
    for (const c of chunks.slice(0, -1)) expect(c.packed.length).toBeGreaterThanOrEqual(CHUNK_BYTES);
    expect(chunks.map((c) => c.count).reduce((a, b) => a + b, 0)).toBe(400);
    expect(chunks[1]!.first).toBe(chunks[0]!.count);
    expect(roundTrip(records)).toEqual(records);
  });

  it('packs an empty run as no chunk at all', () => {
    expect(packRecords([])).toEqual([]);
  });

  describe('a damaged chunk', () => {
    const packed = packRecords(everyKind())[0]!.packed;

    it('cut short: the records before the cut, and where it ended', () => {
      const u = unpackRecords(packed.subarray(0, packed.length - 10));
      expect(u.ok).toBe(false);
      if (u.ok) return;
      expect(u.reason).toMatch(/damaged chunk after 17 records: it ends early/);
      expect(u.records).toEqual(everyKind().slice(0, 17));
    });

    it('of another format version, or with bytes left over, or of an unknown record kind', () => {
      const other = packed.slice();
      other[0] = PACK_VERSION + 1;
      expect(unpackRecords(other)).toMatchObject({ ok: false, reason: `chunk format ${PACK_VERSION + 1} is not one this app reads (${PACK_VERSION})`, records: [] });
      const longer = new Uint8Array(packed.length + 3);
      longer.set(packed);
      expect(unpackRecords(longer)).toMatchObject({ ok: false, reason: 'damaged chunk: 3 bytes after its 18 records' });
      // The first record starts right after the string table; make its kind byte unknown.
      const view = new DataView(packed.buffer, packed.byteOffset);
      let at = 9;
      for (let i = 0, n = view.getUint32(5, true); i < n; i++) at += 4 + view.getUint32(at, true);
      const kind = packed.slice();
      kind[at] = 99;
      expect(unpackRecords(kind)).toMatchObject({ ok: false, reason: 'damaged chunk after 0 records: record kind 99 is unknown' });
    });

    it('never throws, whatever its bytes (2,000 random damages, seed 6)', () => {
      fc.assert(
        fc.property(fc.nat(packed.length - 1), fc.nat(255), fc.nat(packed.length), (at, byte, cut) => {
          const bad = packed.slice(0, Math.max(1, cut));
          if (at < bad.length) bad[at] = byte;
          const u = unpackRecords(bad);
          expect(Array.isArray(u.records)).toBe(true);
          if (!u.ok) expect(u.reason).toMatch(/chunk/);
        }),
        { seed: 6, numRuns: 2_000 },
      );
    });
  });
});
