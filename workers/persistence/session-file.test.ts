import { describe, expect, it } from 'vitest';
import { decodeSessionFile, encodeSessionFile } from './session-file.ts';
import { pcapPacketCount, sessionPcap } from './pcap-export.ts';
import { bytesToBase64, base64ToBytes } from './base64.ts';
import type { SessionMeta } from './types.ts';
import type { TraceRecord } from './trace-record.ts';
import { encodePacket, decodePacket } from '../tcp/wire/packet.ts';
import { parseIpv4Address } from '../tcp/wire/address.ts';
import { Flag } from '../tcp/wire/types.ts';
import type { TcpSegment } from '../tcp/wire/types.ts';
import { readPcap } from '../tcp/pcap.ts';

const A = '10.0.1.1';
const B = '10.0.1.2';

function segment(seq: number, dir: 'out' | 'in', flags: number, payload = new Uint8Array(0), host = A): TraceRecord['event'] {
  const [src, dst] = dir === 'out' ? [A, B] : [B, A];
  const seg: TcpSegment = { srcPort: dir === 'out' ? 49152 : 80, dstPort: dir === 'out' ? 80 : 49152, seq, ack: 0, flags, window: 65535, urgent: 0, options: { mss: 1460 }, payload };
  const bytes = encodePacket({ src: parseIpv4Address(src)!, dst: parseIpv4Address(dst)! }, seg);
  const decoded = decodePacket(bytes);
  if (!decoded.ok) throw new Error(decoded.reason);
  return { type: 'segment', t: seq, host, dir, conn: 1, bytes, seg: decoded.value.tcp, src, dst, ...(dir === 'out' ? { reason: 'data' as const } : {}) };
}

const records: TraceRecord[] = [
  { seq: 10, real: 1_700_000_000_123.456, event: segment(1000, 'out', Flag.SYN) },
  { seq: 11, real: 1_700_000_000_130.5, event: { type: 'tcb', t: 5, host: A, conn: 1, tcb: { state: 'SYN-SENT', iss: 1000, irs: 0, sndUna: 1000, sndNxt: 1001, sndWnd: 0, sndWl1: 0, sndWl2: 0, rcvNxt: 0, rcvWnd: 65535, sndMss: 536, rto: 1000, srtt: null, rttvar: null, cwnd: Infinity, ssthresh: Infinity, sendQueued: 0, recvQueued: 0, timers: { retransmit: 1005 }, retransmits: 0 } } },
  { seq: 12, real: 1_700_000_000_140, event: segment(5000, 'in', Flag.SYN | Flag.ACK) },
  { seq: 13, real: 1_700_000_000_141, event: { type: 'shell', t: 6, host: A, kind: 'link', detail: 'joined <b>lab</b>' } },
  { seq: 14, real: 1_700_000_000_150, event: segment(1001, 'out', Flag.ACK | Flag.PSH, new TextEncoder().encode('hello')) },
];

const meta: SessionMeta = {
  id: 3, startedAt: 1_700_000_000_000, endedAt: null, mode: 'relay', room: 'lab', name: '<img src=x>', url: 'http://127.0.0.1:8080/',
  profile: 'modern', hosts: [{ address: A, hostname: 'ana' }], records: 5, segments: 3, lastReal: 1_700_000_000_150, imported: false,
};

describe('session files', () => {
  it('base64 round-trips bytes of every value, in chunks', () => {
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) & 0xff);
    expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes);
    expect(bytesToBase64(new Uint8Array([0, 255, 128]))).toBe('AP+A');
  });

  it('round-trips a session: packets, payloads, Infinity and text intact', () => {
    const text = encodeSessionFile(meta, records);
    expect(text).toContain('"$bytes"');
    const back = decodeSessionFile(text);
    if (!back.ok) throw new Error(back.reason);
    expect(back.records).toEqual(records);
    const seg = back.records[4]!.event;
    if (seg.type !== 'segment') throw new Error('not a segment');
    expect(new TextDecoder().decode(seg.seg.payload)).toBe('hello');
    expect(back.session).toMatchObject({ room: 'lab', name: '<img src=x>', mode: 'relay', hosts: meta.hosts, records: 5, segments: 3, imported: true });
  });

  it('says what is wrong with a file that is not a session', () => {
    expect(decodeSessionFile('{')).toMatchObject({ ok: false, reason: expect.stringContaining('does not parse') });
    expect(decodeSessionFile('[]')).toMatchObject({ ok: false, reason: expect.stringContaining('"format"') });
    expect(decodeSessionFile('{"format":"tcp-playground-session","version":9,"records":[]}')).toMatchObject({ ok: false, reason: expect.stringContaining('version 9') });
    expect(decodeSessionFile('{"format":"tcp-playground-session","version":1,"records":[{"seq":1}]}')).toMatchObject({ ok: false, reason: expect.stringContaining('record 0') });
  });
});

describe('pcap export', () => {
  it('writes every segment of the host with its wall-clock time, and they parse back', () => {
    const file = sessionPcap(records, A);
    expect(pcapPacketCount(records, A)).toBe(3);
    const read = readPcap(file);
    if (!read.ok) throw new Error(read.reason);
    expect(read.value.linkType).toBe(101);
    const segs = records.flatMap((r) => (r.event.type === 'segment' ? [{ r, e: r.event }] : []));
    expect(read.value.packets).toHaveLength(segs.length);
    read.value.packets.forEach((p, i) => {
      const { r, e } = segs[i]!;
      expect(p.bytes).toEqual(e.bytes);
      expect(p.timeMs).toBeCloseTo(r.real, 3);
      const d = decodePacket(p.bytes);
      expect(d.ok && d.value.tcp.seq).toBe(e.seg.seq);
    });
  });

  it('leaves out other hosts’ segments', () => {
    const other: TraceRecord = { seq: 20, real: 1, event: segment(1, 'in', Flag.SYN, new Uint8Array(0), B) };
    expect(pcapPacketCount([...records, other], A)).toBe(3);
    expect(pcapPacketCount([...records, other], null)).toBe(4);
  });
});
