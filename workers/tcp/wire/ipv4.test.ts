import { describe, expect, it } from 'vitest';
import { checkIpv4Header, decodeIpv4, encodeIpv4Header, formatIpv4Address, parseIpv4Address } from './ipv4.ts';
import { FIXTURES, fixtureBytes, naiveChecksum, refreshChecksums, toHex } from './test-fixtures.ts';

function reasonOf<T>(r: { ok: true; value: T } | { ok: false; reason: string }): string {
  return r.ok ? '(decoded fine)' : r.reason;
}

describe('IPv4 header (RFC 791 §3.1)', () => {
  it('has kernel-made header checksums in the fixtures, checked naively', () => {
    for (const f of FIXTURES) expect(naiveChecksum(fixtureBytes(FIXTURES.indexOf(f)).subarray(0, 20)), f.name).toBe(0);
  });

  it('decodes every fixture header and gives the rest as a view', () => {
    FIXTURES.forEach((f, i) => {
      const bytes = fixtureBytes(i);
      const r = decodeIpv4(bytes);
      expect(r.ok, f.name).toBe(true);
      if (!r.ok) return;
      expect(r.value.header).toEqual(f.packet.ip);
      expect(r.value.payload.buffer).toBe(bytes.buffer); // a view, not a copy
      expect(r.value.payload.byteOffset).toBe(20);
      expect(r.value.payload.length).toBe(bytes.length - 20);
    });
  });

  it('encodes every fixture header byte for byte', () => {
    FIXTURES.forEach((f, i) => {
      const out = new Uint8Array(20);
      encodeIpv4Header(out, f.packet.ip, f.packet.ip.totalLength - 20);
      expect(toHex(out), f.name).toBe(toHex(fixtureBytes(i).subarray(0, 20)));
    });
  });

  it('encodes at an offset without touching the bytes around it', () => {
    const out = new Uint8Array(24).fill(0xee);
    encodeIpv4Header(out, FIXTURES[0]!.packet.ip, 40, 2);
    expect(toHex(out.subarray(2, 22))).toBe(FIXTURES[0]!.hex.slice(0, 40));
    expect([out[0], out[1], out[22], out[23]]).toEqual([0xee, 0xee, 0xee, 0xee]);
  });

  it('ignores bytes past the total length (link-layer padding)', () => {
    const padded = new Uint8Array(70);
    padded.set(fixtureBytes(2));
    const r = decodeIpv4(padded);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.payload.length).toBe(32);
  });

  it('accepts IPv4 options (IHL > 5) and skips them', () => {
    const base = fixtureBytes(2);
    const withOptions = new Uint8Array(base.length + 4);
    withOptions.set(base.subarray(0, 20));
    withOptions.set([1, 1, 1, 0], 20); // NOP NOP NOP EOL
    withOptions.set(base.subarray(20), 24);
    withOptions[0] = 0x46;
    withOptions[3] = withOptions.length;
    refreshChecksums(withOptions);
    const r = decodeIpv4(withOptions);
    expect(reasonOf(r)).toBe('(decoded fine)');
    if (r.ok) expect(r.value.header.headerLength).toBe(24);
  });

  const cases: [string, () => Uint8Array, string][] = [
    ['empty input', () => new Uint8Array(0), 'empty packet: 0 bytes, an IPv4 header needs 20'],
    ['truncated header', () => fixtureBytes(0).subarray(0, 12), 'truncated IPv4 header: 12 bytes, need 20'],
    [
      'version 6',
      () => refreshChecksums(Object.assign(fixtureBytes(0), { 0: 0x65 })),
      'IP version 6, expected 4: this playground speaks IPv4 only',
    ],
    ['version 7', () => Object.assign(fixtureBytes(0), { 0: 0x75 }), 'IP version 7, expected 4'],
    [
      'IHL < 5',
      () => Object.assign(fixtureBytes(0), { 0: 0x44 }),
      'IPv4 header length field (IHL) 4 means 16 bytes, below the minimum 5 (20 bytes)',
    ],
    [
      'IHL past the buffer',
      () => Object.assign(fixtureBytes(0).subarray(0, 40), { 0: 0x4f }),
      'IPv4 header length 60 bytes (IHL 15) runs past the end of the packet (40 bytes)',
    ],
    [
      'total length past the buffer',
      () => refreshChecksums(Object.assign(fixtureBytes(0), { 2: 0, 3: 100 })),
      'IPv4 total length 100 runs past the end of the packet (60 bytes)',
    ],
    [
      'total length shorter than the header',
      () => refreshChecksums(Object.assign(fixtureBytes(0), { 2: 0, 3: 16 })),
      'IPv4 total length 16 is shorter than its own header (20 bytes)',
    ],
    [
      'bad header checksum',
      () => Object.assign(fixtureBytes(0), { 10: 0x12, 11: 0x34 }),
      'bad IPv4 header checksum 0x1234, expected 0xb03d',
    ],
    [
      'a flipped bit under the checksum',
      () => Object.assign(fixtureBytes(0), { 8: 63 }),
      'bad IPv4 header checksum 0xb03d, expected 0xb13d',
    ],
    [
      'fragment with more-fragments set',
      () => refreshChecksums(Object.assign(fixtureBytes(0), { 6: 0x20 })),
      'IPv4 fragment (more-fragments set, offset 0 bytes): this stack does not reassemble fragments',
    ],
    [
      'last fragment (offset ≠ 0)',
      () => refreshChecksums(Object.assign(fixtureBytes(0), { 6: 0x00, 7: 0xb9 })),
      'IPv4 fragment (more-fragments clear, offset 1480 bytes): this stack does not reassemble fragments',
    ],
  ];

  for (const [name, make, reason] of cases) {
    it(`refuses ${name}`, () => {
      expect(reasonOf(decodeIpv4(make()))).toBe(reason);
    });
  }

  it('runs the same checks cheaply for the relay, except fragmentation', () => {
    for (const [name, make, reason] of cases) {
      if (name.includes('fragment')) continue;
      expect(reasonOf(checkIpv4Header(make())), name).toBe(reason);
    }
    const r = checkIpv4Header(fixtureBytes(3));
    expect(r).toEqual({ ok: true, value: { src: 0x7f000001, dst: 0x7f000002, totalLength: 70, protocol: 6 } });
  });
});

describe('IPv4 addresses', () => {
  it('parses dotted quads into unsigned numbers', () => {
    expect(parseIpv4Address('10.0.0.1')).toBe(0x0a000001);
    expect(parseIpv4Address('0.0.0.0')).toBe(0);
    expect(parseIpv4Address('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4Address('192.168.1.200')).toBe(0xc0a801c8);
  });

  it('refuses anything else', () => {
    for (const bad of ['', '10.0.0', '10.0.0.1.2', '256.0.0.1', '10.0.0.-1', '010.0.0.1', ' 10.0.0.1', '10..0.1', 'a.b.c.d', '1e1.0.0.1']) {
      expect(parseIpv4Address(bad), bad).toBeNull();
    }
  });

  it('formats numbers back, and round-trips', () => {
    expect(formatIpv4Address(0x0a000001)).toBe('10.0.0.1');
    expect(formatIpv4Address(0xffffffff)).toBe('255.255.255.255');
    expect(formatIpv4Address(-1)).toBe('255.255.255.255');
    for (const s of ['127.0.0.1', '192.168.100.7', '1.2.3.4']) expect(formatIpv4Address(parseIpv4Address(s)!)).toBe(s);
  });
});
