import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Decoded, TcpOptions, TcpSegment } from './types.ts';
import { decodePacket, encodePacket } from './packet.ts';
import { decodeTcp, encodeTcp, encodeTcpSegment } from './tcp.ts';
import { FIXTURES, fixtureBytes, naiveChecksum, pseudoAndSegment, refreshChecksums, toHex } from './test-fixtures.ts';

function reasonOf<T>(r: Decoded<T>): string {
  return r.ok ? '(decoded fine)' : r.reason;
}

describe('fixtures (real Linux segments)', () => {
  it('carry valid TCP checksums by a naive independent summer', () => {
    FIXTURES.forEach((f, i) => expect(naiveChecksum(pseudoAndSegment(fixtureBytes(i))), f.name).toBe(0));
  });

  for (const [i, f] of FIXTURES.entries()) {
    it(`decodes ${f.name} to the expected packet`, () => {
      const r = decodePacket(fixtureBytes(i));
      expect(reasonOf(r)).toBe('(decoded fine)');
      if (r.ok) expect(r.value).toEqual(f.packet);
    });

    it(`encodes ${f.name} byte for byte`, () => {
      const ip = f.packet.ip;
      const out = encodePacket({ src: ip.src, dst: ip.dst, id: ip.id, ttl: ip.ttl, tos: ip.tos }, f.packet.tcp);
      expect(toHex(out)).toBe(f.hex);
      expect(out.byteLength).toBe(f.hex.length / 2); // exact length, a view into a shared slab
      expect(out.byteOffset % 8).toBe(0); // aligned, so the checksum can read 32-bit words
    });
  }

  it('gives the payload as a view into the packet, not a copy', () => {
    const bytes = fixtureBytes(3);
    const r = decodePacket(bytes);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.tcp.payload.buffer).toBe(bytes.buffer);
    expect(r.value.tcp.payload.byteOffset).toBe(52);
    expect(new TextDecoder().decode(r.value.tcp.payload)).toBe('GET / HTTP/1.0\r\n\r\n');
  });

  it('has no option keys for options not present', () => {
    const r = decodePacket(fixtureBytes(2));
    expect(r.ok && Object.keys(r.value.tcp.options)).toEqual(['timestamps']);
  });

  it('uses Linux IP defaults: TTL 64, ID 0, TOS 0, DF', () => {
    const out = encodePacket({ src: 0x0a000001, dst: 0x0a000002 }, FIXTURES[2]!.packet.tcp);
    const r = decodePacket(out);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.ip).toMatchObject({ ttl: 64, id: 0, tos: 0, dontFragment: true, moreFragments: false });
    const noDf = decodePacket(encodePacket({ src: 1, dst: 2, dontFragment: false, ttl: 5, id: 77, tos: 0x10 }, FIXTURES[2]!.packet.tcp));
    expect(noDf.ok && noDf.value.ip).toMatchObject({ ttl: 5, id: 77, tos: 0x10, dontFragment: false });
  });
});

// ---- round trips -------------------------------------------------------------------------

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const block = fc.record({ left: u32, right: u32 });
const optionsArb: fc.Arbitrary<TcpOptions> = fc.record(
  {
    mss: u16,
    windowScale: fc.integer({ min: 0, max: 255 }),
    sackPermitted: fc.constant(true),
    timestamps: fc.record({ tsVal: u32, tsEcr: u32 }),
    sackBlocks: fc.array(block, { minLength: 1, maxLength: 5 }),
  },
  { requiredKeys: [] },
);
const segmentArb: fc.Arbitrary<TcpSegment> = fc.record({
  srcPort: u16,
  dstPort: u16,
  seq: u32,
  ack: u32,
  flags: fc.integer({ min: 0, max: 255 }),
  window: u16,
  urgent: u16,
  options: optionsArb,
  payload: fc.uint8Array({ maxLength: 1600 }),
});

/** What should come back: SACK blocks beyond the 40-byte option budget are dropped. */
function expectedAfterRoundTrip(seg: TcpSegment): TcpSegment {
  const o = seg.options;
  const others = (o.mss !== undefined ? 4 : 0) + (o.timestamps ? 12 : o.sackPermitted ? 4 : 0) + (o.windowScale !== undefined ? 4 : 0);
  const fit = Math.floor((40 - others - 4) / 8);
  const options = { ...o };
  if (o.sackBlocks) {
    if (fit <= 0) delete options.sackBlocks;
    else options.sackBlocks = o.sackBlocks.slice(0, fit);
  }
  return { ...seg, options };
}

describe('round trips (fast-check)', () => {
  it('encode then decode gives back the segment', () => {
    fc.assert(
      fc.property(segmentArb, u32, u32, (seg, src, dst) => {
        const bytes = encodeTcpSegment(seg, src, dst);
        const r = decodeTcp(bytes, src, dst);
        expect(reasonOf(r)).toBe('(decoded fine)');
        if (r.ok) expect(r.value).toEqual(expectedAfterRoundTrip(seg));
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('encodePacket then decodePacket gives back segment and IP fields', () => {
    fc.assert(
      fc.property(
        segmentArb,
        fc.record({ src: u32, dst: u32, ttl: fc.integer({ min: 0, max: 255 }), id: u16, tos: fc.integer({ min: 0, max: 255 }), dontFragment: fc.boolean() }),
        (seg, ip) => {
          const bytes = encodePacket(ip, seg);
          expect(naiveChecksum(bytes.subarray(0, 20))).toBe(0);
          expect(naiveChecksum(pseudoAndSegment(bytes))).toBe(0);
          const r = decodePacket(bytes);
          expect(reasonOf(r)).toBe('(decoded fine)');
          if (!r.ok) return;
          expect(r.value.tcp).toEqual(expectedAfterRoundTrip(seg));
          expect(r.value.ip).toMatchObject(ip);
          expect(r.value.ip.totalLength).toBe(bytes.length);
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });

  it('keeps options within 40 bytes, aligned to 4, and the header length right', () => {
    fc.assert(
      fc.property(segmentArb, (seg) => {
        const bytes = encodeTcpSegment(seg, 1, 2);
        const headerLength = (bytes[12]! >>> 4) * 4;
        expect(headerLength).toBeLessThanOrEqual(60);
        expect(bytes.length).toBe(headerLength + seg.payload.length);
        expect(bytes[12]! & 0x0f).toBe(0); // reserved bits zero
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('encodes at an offset into a larger target, leaving the rest alone', () => {
    const seg = FIXTURES[3]!.packet.tcp;
    const target = new Uint8Array(100).fill(0xaa);
    const n = encodeTcp(target, 10, seg, 0x7f000001, 0x7f000002);
    expect(n).toBe(50);
    expect(toHex(target.subarray(10, 60))).toBe(FIXTURES[3]!.hex.slice(40));
    expect(target[9]).toBe(0xaa);
    expect(target[60]).toBe(0xaa);
    expect(encodeTcp(new Uint8Array(49), 0, seg, 1, 2)).toBe(-1);
  });
});

// ---- malformed ---------------------------------------------------------------------------

/** A fixture with its TCP options area replaced by `options` (same length), checksums refreshed. */
function withOptions(index: number, options: number[]): Uint8Array {
  const bytes = fixtureBytes(index);
  bytes.set(options, 40);
  return refreshChecksums(bytes);
}

describe('malformed packets are refused with a reason', () => {
  const cases: [string, () => Uint8Array, string][] = [
    ['empty input', () => new Uint8Array(0), 'empty packet: 0 bytes, an IPv4 header needs 20'],
    ['truncated IPv4 header', () => fixtureBytes(0).subarray(0, 12), 'truncated IPv4 header: 12 bytes, need 20'],
    ['version 6', () => refreshChecksums(Object.assign(fixtureBytes(0), { 0: 0x65 })), 'IP version 6, expected 4: this playground speaks IPv4 only'],
    ['IHL < 5', () => Object.assign(fixtureBytes(0), { 0: 0x43 }), 'IPv4 header length field (IHL) 3 means 12 bytes, below the minimum 5 (20 bytes)'],
    ['total length past the buffer', () => refreshChecksums(fixtureBytes(0)).subarray(0, 50), 'IPv4 total length 60 runs past the end of the packet (50 bytes)'],
    ['bad IP header checksum', () => Object.assign(fixtureBytes(0), { 11: 0x3e }), 'bad IPv4 header checksum 0xb03e, expected 0xb03d'],
    ['fragment', () => refreshChecksums(Object.assign(fixtureBytes(0), { 6: 0x60 })), 'IPv4 fragment (more-fragments set, offset 0 bytes): this stack does not reassemble fragments'],
    ['not TCP (UDP)', () => refreshChecksums(Object.assign(fixtureBytes(0), { 9: 17 })), 'IP protocol 17 (UDP) is not TCP (6): this playground carries only TCP'],
    ['not TCP (unnamed)', () => refreshChecksums(Object.assign(fixtureBytes(0), { 9: 99 })), 'IP protocol 99 is not TCP (6): this playground carries only TCP'],
    ['truncated TCP header', () => refreshChecksums(Object.assign(fixtureBytes(0).slice(0, 32), { 3: 32 })), 'truncated TCP header: 12 bytes, need 20'],
    ['data offset < 5', () => refreshChecksums(Object.assign(fixtureBytes(2), { 32: 0x40 })), 'data offset 4 (16 bytes) is below the minimum 5 (20 bytes)'],
    ['data offset 0', () => refreshChecksums(Object.assign(fixtureBytes(2), { 32: 0x00 })), 'data offset 0 (0 bytes) is below the minimum 5 (20 bytes)'],
    ['data offset past the end', () => refreshChecksums(Object.assign(fixtureBytes(0), { 32: 0xf0 })), 'data offset 15 (60 bytes) runs past the end of the segment (40 bytes)'],
    ['bad TCP checksum', () => Object.assign(fixtureBytes(0), { 36: 0x12, 37: 0x34 }), 'bad TCP checksum 0x1234, expected 0x83a1'],
    ['payload corrupted under the TCP checksum', () => Object.assign(fixtureBytes(3), { 52: 0x48 }), 'bad TCP checksum 0xcff9, expected 0xcef9'],
    [
      'option length 0',
      () => withOptions(0, [2, 0, 5, 0xb4]),
      'MSS option (kind 2) at byte 20 has length 0; an option length counts its kind and length bytes, so it must be at least 2',
    ],
    [
      'option length 1',
      () => withOptions(2, [1, 1, 30, 1]),
      'option kind 30 at byte 22 has length 1; an option length counts its kind and length bytes, so it must be at least 2',
    ],
    [
      'option running past the header',
      () => withOptions(0, [2, 4, 5, 0xb4, 4, 2, 8, 16]),
      'timestamps option (kind 8) at byte 26 has length 16 and runs past the end of the TCP header (byte 40)',
    ],
    [
      'option with no room for its length byte',
      () => withOptions(2, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3]),
      'window scale option (kind 3) at byte 31 has no room for its length byte: the TCP header ends at byte 32',
    ],
    ['MSS with length 3', () => withOptions(0, [2, 3, 5, 0xb4]), 'MSS option (kind 2) at byte 20 has length 3, expected 4'],
    ['window scale with length 4', () => withOptions(2, [1, 3, 4, 7, 0]), 'window scale option (kind 3) at byte 21 has length 4, expected 3'],
    ['SACK-permitted with length 3', () => withOptions(2, [4, 3, 0, 1]), 'SACK-permitted option (kind 4) at byte 20 has length 3, expected 2'],
    ['timestamps with length 8', () => withOptions(2, [1, 1, 8, 8]), 'timestamps option (kind 8) at byte 22 has length 8, expected 10'],
    ['SACK with length 12', () => withOptions(2, [5, 12]), 'SACK option (kind 5) at byte 20 has length 12, expected 2 + 8 per block (10, 18, 26 or 34)'],
    ['SACK with no blocks', () => withOptions(2, [5, 2, 1, 1]), 'SACK option (kind 5) at byte 20 has length 2, expected 2 + 8 per block (10, 18, 26 or 34)'],
  ];

  for (const [name, make, reason] of cases) {
    it(`refuses ${name}`, () => {
      expect(reasonOf(decodePacket(make()))).toBe(reason);
    });
  }

  it('skips the checksum only when asked', () => {
    const bytes = Object.assign(fixtureBytes(0), { 36: 0x12, 37: 0x34 });
    expect(decodeTcp(bytes.subarray(20), 0x7f000001, 0x7f000002, { verifyChecksum: false }).ok).toBe(true);
    expect(decodeTcp(bytes.subarray(20), 0x7f000001, 0x7f000002, { verifyChecksum: true }).ok).toBe(false);
  });

  it('checks the checksum over the pseudo-header: wrong addresses fail', () => {
    const bytes = fixtureBytes(0).subarray(20);
    expect(decodeTcp(bytes, 0x7f000001, 0x7f000002).ok).toBe(true);
    expect(reasonOf(decodeTcp(bytes, 0x7f000001, 0x7f000003))).toMatch(/^bad TCP checksum 0x83a1, expected 0x/);
  });
});

describe('options that decode', () => {
  it('skips unknown kinds by their length and lists them', () => {
    const r = decodePacket(withOptions(2, [30, 2, 8, 10]));
    expect(r.ok && r.value.tcp.options).toEqual({ unknown: [{ kind: 30, length: 2 }], timestamps: { tsVal: 0xba952b55, tsEcr: 0x65afebdb } });
  });

  it('stops at end-of-option-list and ignores what follows', () => {
    const r = decodePacket(withOptions(0, [2, 4, 5, 0xb4, 0, 0xff, 0xff, 0xff]));
    expect(r.ok && r.value.tcp.options).toEqual({ mss: 1460 });
  });

  it('reads all four SACK blocks, and window scales above 14 as sent', () => {
    const seg: TcpSegment = {
      ...FIXTURES[2]!.packet.tcp,
      options: {
        sackBlocks: [1, 2, 3, 4].map((n) => ({ left: n * 1000, right: n * 1000 + 500 })),
      },
    };
    const r = decodeTcp(encodeTcpSegment(seg, 1, 2), 1, 2);
    expect(r.ok && r.value.options.sackBlocks?.length).toBe(4);
    const ws = decodeTcp(encodeTcpSegment({ ...seg, options: { windowScale: 200 } }, 1, 2), 1, 2);
    expect(ws.ok && ws.value.options.windowScale).toBe(200);
  });
});
