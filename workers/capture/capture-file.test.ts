// Reading capture files (pcap-savefile(5); pcapng, draft-ietf-opsawg-pcapng): both byte orders,
// micro and nano pcap, pcapng interfaces with their own link types and if_tsresol, EPB and SPB,
// unknown blocks skipped, any chunking, and damage reported with counts and a byte offset.
import { describe, expect, it } from 'vitest';
import { CaptureReader } from './capture-file.ts';
import { openCapture } from './open-capture.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_DIR, fixture, framesOf, pcapFile, pcapngFile } from './test-files.ts';

const handshake = fixture('handshake-close.pcap');
const base = framesOf(handshake);

function summary(bytes: Uint8Array) {
  return openCapture(bytes).details.map((d) => ({
    conv: `${d.conversation.a.port}>${d.conversation.b.port} ${d.conversation.opening} ${d.conversation.ending}`,
    packets: d.packets.map((p) => `${p.frame} ${p.flags} ${p.seq} ${p.ack} ${p.payloadLength}`),
  }));
}

describe('pcap', () => {
  it('reads tcpdump\'s own file: 11 frames, Ethernet, microseconds', () => {
    const r = new CaptureReader();
    const frames = r.push(handshake);
    const status = r.end();
    expect(frames).toHaveLength(11);
    expect(status).toMatchObject({ format: 'pcap', byteOrder: 'little', frames: 11, bytesRead: handshake.length });
    expect(status.interfaces[0]).toMatchObject({ linkType: 1, tickSeconds: 1e-6 });
    expect(status.error).toBeUndefined();
    expect(frames.map((f) => f.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('reads the nanosecond magic (tcpdump --time-stamp-precision=nano) and keeps sub-microsecond times', () => {
    const r = new CaptureReader();
    const frames = r.push(fixture('zero-window.pcap'));
    expect(r.end().interfaces[0]!.tickSeconds).toBe(1e-9);
    // tshark's ack_rtt of frame 2 (the SYN,ACK) is the gap from frame 1, to the nanosecond.
    const rtt = readFileSync(join(FIXTURE_DIR, 'zero-window.pcap.tshark.tsv'), 'utf8').split('\n')[2]!.split('\t')[17]!;
    expect(rtt).toMatch(/^0\.0000\d{5}$/);
    const gap = (frames[1]!.seconds - frames[0]!.seconds) * 1e9 + frames[1]!.nanos - frames[0]!.nanos;
    expect(gap).toBe(Number(rtt.slice(2)));
  });

  it('reads big-endian and nanosecond files with the same content', () => {
    const wrap = base.map((f) => ({ data: f.data, length: f.length, time: f.time }));
    const expected = summary(handshake);
    for (const little of [true, false]) {
      for (const nano of [true, false]) {
        expect(summary(pcapFile(wrap, { little, nano, linkType: 1 })), `little=${little} nano=${nano}`).toEqual(expected);
      }
    }
  });

  it('gives the same frames whatever the chunking (1 byte, 7 bytes, whole)', () => {
    for (const size of [1, 7, 100]) {
      const r = new CaptureReader();
      const frames = [];
      for (let i = 0; i < handshake.length; i += size) frames.push(...r.push(handshake.subarray(i, i + size)));
      expect(r.end().error).toBeUndefined();
      expect(frames.map((f) => [f.number, f.length, f.data.length, f.time])).toEqual(base.map((f) => [f.number, f.length, f.data.length, f.time]));
    }
  });

  it('says where a file cut short ends, and how much was read', () => {
    const r = new CaptureReader();
    const frames = r.push(handshake.subarray(0, 300));
    const status = r.end();
    expect(frames.length).toBeGreaterThan(0);
    expect(status.truncatedTail).toMatch(new RegExp(`the file ends inside a record: \\d+ bytes from byte ${status.bytesRead} were not read \\(${frames.length} frames before them were\\)`));
  });

  it('refuses a damaged record length with the byte offset and the frames read', () => {
    const damaged = handshake.slice();
    // Record 3's caplen: header 24 + two records.
    const at = 24 + 16 + base[0]!.data.length + 16 + base[1]!.data.length;
    new DataView(damaged.buffer).setUint32(at + 8, 0x7fffffff, true);
    const report = openCapture(damaged);
    expect(report.status.frames).toBe(2);
    expect(report.status.error).toBe(`damaged pcap record: it claims ${0x7fffffff} captured bytes (more than 16777216) at byte ${at}; 2 frames (${at} bytes) before it were read, the rest was not`);
    expect(report.messages).toContain(report.status.error);
  });

  it('names a file that is not a capture', () => {
    const report = openCapture(new TextEncoder().encode('GET / HTTP/1.1\r\n'));
    expect(report.status.error).toMatch(/^not a pcap or pcapng file: the first 4 bytes are 0x47455420/);
    expect(openCapture(new Uint8Array(2)).status.error).toMatch(/too short for a file header/);
  });

  it('reports frames cut by the snaplen (tcpdump -s 96) but analyses their headers', () => {
    const report = openCapture(fixture('lossy.pcap'));
    expect(report.messages).toContain('38 frames were cut by the snaplen: their headers were read, their data not');
    const data = report.details[0]!.packets.filter((p) => p.payloadLength > 0);
    expect(data.length).toBeGreaterThan(30);
    expect(data.every((p) => p.checksum === 'unchecked')).toBe(true);
  });
});

describe('pcapng', () => {
  it('reads dumpcap\'s two interfaces with their own link types (Ethernet lo, Linux SLL any)', () => {
    const r = new CaptureReader();
    const frames = r.push(fixture('two-interfaces.pcapng'));
    const status = r.end();
    expect(status.format).toBe('pcapng');
    expect(status.interfaces.map((i) => [i.linkType, i.tickSeconds, i.name])).toEqual([[1, 1e-9, 'lo'], [113, 1e-9, 'any']]);
    expect(new Set(frames.map((f) => `${f.interfaceId}:${f.linkType}`))).toEqual(new Set(['0:1', '1:113']));
    const report = openCapture(fixture('two-interfaces.pcapng'));
    expect(report.frames.every((f) => f.protocol === 'TCP')).toBe(true);
  });

  it('reads either byte order, if_tsresol (decimal and binary), EPB and skips unknown blocks', () => {
    const wrap = base.map((f) => ({ data: f.data, length: f.length, time: f.time }));
    const expected = summary(handshake);
    for (const little of [true, false]) {
      for (const tsresol of [6, 9, 0x80 | 20]) {
        const file = pcapngFile(wrap, { little, interfaces: [{ linkType: 1, tsresol }], unknownBlockEvery: 3 });
        expect(summary(file), `little=${little} tsresol=${tsresol}`).toEqual(expected);
        const times = framesOf(file).map((f) => f.time);
        times.forEach((t, i) => expect(t).toBeCloseTo(base[i]!.time, 5));
        expect(openCapture(file).messages).toContain('4 pcapng blocks of types not read were skipped');
      }
    }
  });

  it('reads simple packet blocks (no timestamp) on interface 0', () => {
    const wrap = base.map((f) => ({ data: f.data, length: f.length, time: f.time }));
    const frames = framesOf(pcapngFile(wrap, { little: true, interfaces: [{ linkType: 1 }], simple: true }));
    expect(frames).toHaveLength(11);
    expect(frames.every((f) => Number.isNaN(f.time))).toBe(true);
    expect(frames.map((f) => f.data)).toEqual(base.map((f) => f.data));
  });

  it('refuses a packet block for an interface never described, and a bad trailing length', () => {
    const wrap = base.map((f) => ({ data: f.data, length: f.length, time: f.time, interfaceId: 3 }));
    const file = pcapngFile(wrap, { little: true, interfaces: [{ linkType: 1 }] });
    expect(openCapture(file).status.error).toMatch(/^packet block for interface 3, but only 1 interfaces were described before it at byte \d+; 0 frames/);
    const bad = pcapngFile(wrap.map((w) => ({ ...w, interfaceId: 0 })), { little: true, interfaces: [{ linkType: 1 }] });
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff;
    const status = openCapture(bad).status;
    expect(status.frames).toBe(10);
    expect(status.error).toMatch(/trailing length .* differs from its leading length/);
  });
});
