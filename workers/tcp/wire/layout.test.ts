import { describe, expect, it } from 'vitest';
import type { LayoutField } from './layout.ts';
import { packetLayout } from './layout.ts';
import { fixtureBytes, refreshChecksums } from './test-fixtures.ts';

const byName = (fields: LayoutField[], name: string) => fields.filter((f) => f.name === name);
const one = (fields: LayoutField[], name: string) => {
  const found = byName(fields, name);
  expect(found, name).toHaveLength(1);
  return found[0]!;
};

describe('packetLayout', () => {
  it('locates every IPv4 and TCP field of a SYN, and each option', () => {
    const f = packetLayout(fixtureBytes(0));
    expect(one(f, 'ip.version')).toEqual({ name: 'ip.version', label: 'Version: 4', offset: 0, length: 1, bits: [0, 4] });
    expect(one(f, 'ip.hdr_len')).toMatchObject({ offset: 0, length: 1, bits: [4, 8], label: 'Header length: 20 bytes (5)' });
    expect(one(f, 'ip.len')).toMatchObject({ offset: 2, length: 2, label: 'Total length: 60' });
    expect(one(f, 'ip.flags.df')).toMatchObject({ offset: 6, length: 1, bits: [1, 2], label: "Don't fragment: set" });
    expect(one(f, 'ip.frag_offset')).toMatchObject({ offset: 6, length: 2, bits: [3, 16] });
    expect(one(f, 'ip.proto')).toMatchObject({ offset: 9, label: 'Protocol: 6 (TCP)' });
    expect(one(f, 'ip.checksum')).toMatchObject({ offset: 10, length: 2, label: 'Header checksum: 0xb03d (correct)' });
    expect(one(f, 'ip.src')).toMatchObject({ offset: 12, length: 4, label: 'Source address: 127.0.0.1' });
    expect(one(f, 'ip.dst')).toMatchObject({ offset: 16, length: 4, label: 'Destination address: 127.0.0.2' });
    expect(one(f, 'tcp.srcport')).toMatchObject({ offset: 20, length: 2, label: 'Source port: 49152' });
    expect(one(f, 'tcp.seq')).toMatchObject({ offset: 24, length: 4, label: 'Sequence number: 3726000649' });
    expect(one(f, 'tcp.hdr_len')).toMatchObject({ offset: 32, bits: [0, 4], label: 'Data offset: 10 (40 bytes)' });
    expect(one(f, 'tcp.flags')).toMatchObject({ offset: 33, length: 1, label: 'Flags: 0x02 (SYN)' });
    expect(one(f, 'tcp.flags.syn')).toMatchObject({ offset: 33, bits: [6, 7], label: 'SYN (synchronize): set' });
    expect(one(f, 'tcp.flags.ack')).toMatchObject({ offset: 33, bits: [3, 4], label: 'ACK (acknowledgment): not set' });
    expect(one(f, 'tcp.checksum')).toMatchObject({ offset: 36, length: 2, label: 'Checksum: 0x83a1 (correct)' });
    expect(one(f, 'tcp.options.mss')).toMatchObject({ offset: 40, length: 4, label: 'Maximum segment size: 1460 bytes' });
    expect(one(f, 'tcp.options.sack_perm')).toMatchObject({ offset: 44, length: 2 });
    expect(one(f, 'tcp.options.timestamp')).toMatchObject({ offset: 46, length: 10, label: 'Timestamps: TSval 3130338133, TSecr 0' });
    expect(one(f, 'tcp.options.nop')).toMatchObject({ offset: 56, length: 1 });
    expect(one(f, 'tcp.options.wscale')).toMatchObject({ offset: 57, length: 3, label: 'Window scale: 7 (multiply by 128)' });
    expect(byName(f, 'tcp.payload')).toEqual([]);
  });

  it('covers every header byte exactly once with the byte-sized fields', () => {
    const bytes = fixtureBytes(6);
    const covered = new Array<number>(bytes.length).fill(0);
    for (const field of packetLayout(bytes)) {
      // Sub-byte fields share bytes; one of each shared byte stands for it.
      if (field.bits !== undefined && !['ip.version', 'ip.frag_offset', 'tcp.hdr_len'].includes(field.name)) continue;
      for (let i = field.offset; i < field.offset + field.length; i++) covered[i]!++;
    }
    expect(covered).toEqual(new Array<number>(bytes.length).fill(1));
  });

  it('shows the payload and SACK blocks', () => {
    expect(one(packetLayout(fixtureBytes(3)), 'tcp.payload')).toMatchObject({ offset: 52, length: 18, label: 'TCP payload: 18 bytes' });
    expect(one(packetLayout(fixtureBytes(6)), 'tcp.options.sack')).toMatchObject({
      offset: 54,
      length: 18,
      label: 'SACK: 3726002698-3726004150 3726005602-3726007054',
    });
  });

  it('marks wrong checksums with the expected value', () => {
    const f = packetLayout(Object.assign(fixtureBytes(0), { 11: 0x3e, 37: 0xa2 }));
    expect(one(f, 'ip.checksum').label).toBe('Header checksum: 0xb03e (wrong, expected 0xb03d)');
    expect(one(f, 'tcp.checksum').label).toBe('Checksum: 0x83a2 (wrong, expected 0x83a1)');
  });

  it('does its best on malformed packets', () => {
    expect(packetLayout(new Uint8Array(0))).toEqual([]);
    const short = packetLayout(fixtureBytes(0).subarray(0, 30));
    expect(one(short, 'tcp.seq')).toMatchObject({ offset: 24, length: 4 });
    expect(one(short, 'tcp.ack')).toMatchObject({ offset: 28, length: 2 }); // cut short at the end
    expect(byName(short, 'tcp.window')).toEqual([]);

    const badOption = packetLayout(refreshChecksums(Object.assign(fixtureBytes(0), { 47: 30 })));
    expect(one(badOption, 'tcp.options.malformed')).toMatchObject({ offset: 46, length: 14 });

    const wrongLength = packetLayout(Object.assign(fixtureBytes(0), { 41: 3 }));
    expect(one(wrongLength, 'tcp.options.mss').label).toBe('Maximum segment size: wrong length 3, expected 4');

    const udp = packetLayout(refreshChecksums(Object.assign(fixtureBytes(0), { 9: 17 })));
    expect(one(udp, 'ip.payload')).toMatchObject({ offset: 20, length: 40, label: '17 (UDP) payload: 40 bytes (not decoded)' });

    const v6 = packetLayout(Uint8Array.from([0x60, 0, 0, 0]));
    expect(v6.map((x) => x.name)).toEqual(['ip.version', 'ip.unparsed']);
  });

  it('marks bytes past the IPv4 total length as a trailer', () => {
    const padded = new Uint8Array(64);
    padded.set(fixtureBytes(2));
    const f = packetLayout(padded);
    expect(one(f, 'ip.trailer')).toMatchObject({ offset: 52, length: 12 });
    expect(byName(f, 'tcp.payload')).toEqual([]);
  });
});
