import { describe, expect, it } from 'vitest';
import { createPcapWriter, LINKTYPE_RAW, pcapHeader, pcapRecord, readPcap } from './pcap.ts';
import { fixtureBytes, fromHex, toHex } from './wire/test-fixtures.ts';

describe('pcap writer', () => {
  it('writes the classic global header byte for byte (little-endian, µs, v2.4, snaplen 65535, LINKTYPE_RAW)', () => {
    expect(toHex(pcapHeader())).toBe('d4c3b2a1' + '0200' + '0400' + '00000000' + '00000000' + 'ffff0000' + '65000000');
  });

  it('writes a record header with seconds, microseconds and both lengths', () => {
    const rec = pcapRecord(Uint8Array.from([0x45, 1, 2]), 1_700_000_000_123.456);
    // 1700000000 s = 0x6553f100, 123456 µs = 0x0001e240, lengths 3 and 3
    expect(toHex(rec)).toBe('00f15365' + '40e20100' + '03000000' + '03000000' + '450102');
  });

  it('writes 3 packets and reads back identical bytes and timestamps', () => {
    const w = createPcapWriter();
    const packets = [fixtureBytes(0), fixtureBytes(1), fixtureBytes(3)];
    const times = [0, 1.5, 1234.567];
    const chunks = packets.map((p, i) => w.write(p, times[i]!));
    expect(w.count).toBe(3);
    expect(w.chunks()).toEqual([w.header, ...chunks]);
    const file = w.toBytes();
    expect(file.length).toBe(24 + packets.reduce((n, p) => n + 16 + p.length, 0));
    const r = readPcap(file);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.linkType).toBe(LINKTYPE_RAW);
    expect(r.value.packets.map((p) => p.timeMs)).toEqual(times);
    expect(r.value.packets.map((p) => toHex(p.bytes))).toEqual(packets.map(toHex));
  });

  it('can stream without keeping records', () => {
    const w = createPcapWriter({ retain: false });
    const rec = w.write(fixtureBytes(2), 10);
    expect(w.chunks()).toEqual([w.header]);
    const r = readPcap(Uint8Array.from([...w.header, ...rec]));
    expect(r.ok && r.value.packets.length).toBe(1);
  });

  it('cuts packets to the snap length but keeps the original length', () => {
    const rec = pcapRecord(new Uint8Array(100), 0, 60);
    expect(rec.length).toBe(16 + 60);
    expect(toHex(rec.subarray(8, 16))).toBe('3c000000' + '64000000');
  });

  it('writes times below zero or not finite as 0', () => {
    expect(toHex(pcapRecord(new Uint8Array(0), -5).subarray(0, 8))).toBe('0000000000000000');
    expect(toHex(pcapRecord(new Uint8Array(0), NaN).subarray(0, 8))).toBe('0000000000000000');
  });
});

describe('pcap reader', () => {
  it('reads a big-endian microsecond file', () => {
    const file = fromHex(
      'a1b2c3d4 0002 0004 00000000 00000000 0000ffff 00000065' +
        '00000002 0007a120 00000003 00000003 aabbcc' + // 2 s + 500,000 µs
        '00000000 00000001 00000001 00000005 dd',
    );
    const r = readPcap(file);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.linkType).toBe(101);
    expect(r.value.packets.map((p) => [p.timeMs, toHex(p.bytes)])).toEqual([
      [2500, 'aabbcc'],
      [0.001, 'dd'],
    ]);
  });

  it('reads nanosecond files in either byte order', () => {
    const be = fromHex('a1b23c4d 0002 0004 00000000 00000000 0000ffff 00000065' + '00000001 1dcd6500 00000001 00000001 ee');
    const le = fromHex('4d3cb2a1 0200 0400 00000000 00000000 ffff0000 65000000' + '01000000 0065cd1d 01000000 01000000 ee');
    for (const file of [be, le]) {
      const r = readPcap(file);
      expect(r.ok && r.value.packets).toEqual([{ timeMs: 1500, bytes: Uint8Array.from([0xee]) }]);
    }
  });

  it('reads an empty capture', () => {
    expect(readPcap(pcapHeader())).toEqual({ ok: true, value: { linkType: 101, packets: [] } });
  });

  it('gives packets as views into the file', () => {
    const w = createPcapWriter();
    w.write(fixtureBytes(0), 1);
    const file = w.toBytes();
    const r = readPcap(file);
    expect(r.ok && r.value.packets[0]!.bytes.buffer).toBe(file.buffer);
  });

  const file = (() => {
    const w = createPcapWriter();
    w.write(fixtureBytes(0), 1);
    w.write(fixtureBytes(2), 2);
    return w.toBytes();
  })();

  const cases: [string, Uint8Array, string][] = [
    ['a truncated global header', file.subarray(0, 10), 'truncated pcap file: 10 bytes, the global header needs 24'],
    ['a truncated record header', file.subarray(0, 24 + 16 + 60 + 5), 'truncated pcap record header for packet 2 at byte 100: 5 bytes left, need 16'],
    ['truncated packet bytes', file.subarray(0, file.length - 1), 'truncated pcap file: packet 2 at byte 100 claims 52 captured bytes, only 51 remain'],
    ['pcapng', fromHex('0a0d0d0a' + '00'.repeat(28)), 'this is a pcapng file, not classic pcap: save it as "Wireshark/tcpdump - pcap"'],
    ['not pcap at all', new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), 'not a pcap file: magic number 0x47455420'],
    ['another version', Object.assign(pcapHeader(), { 4: 1 }), 'unsupported pcap version 1.4, expected 2.4'],
  ];
  for (const [name, bytes, reason] of cases) {
    it(`refuses ${name} with a reason`, () => {
      const r = readPcap(bytes);
      expect(r.ok ? '(read fine)' : r.reason).toBe(reason);
    });
  }
});
