import { describe, expect, it } from 'vitest';
import type { TcpOptions } from './types.ts';
import { decodeTcpOptions, encodeTcpOptions, tcpOptionsLength } from './options.ts';
import { toHex } from './test-fixtures.ts';

function encode(options: TcpOptions): string {
  const out = new Uint8Array(60).fill(0xee);
  const n = encodeTcpOptions(out, 0, options);
  expect(n).toBe(tcpOptionsLength(options));
  expect(out[n]).toBe(0xee); // nothing written past the reported length
  return toHex(out.subarray(0, n));
}

const blocks = (n: number) => Array.from({ length: n }, (_, i) => ({ left: 0x1000 * (i + 1), right: 0x1000 * (i + 1) + 0x100 }));

describe('option layout on send (as Linux tcp_options_write)', () => {
  it('lays a SYN out as Linux does', () => {
    expect(encode({ mss: 1460, sackPermitted: true, timestamps: { tsVal: 1, tsEcr: 0 }, windowScale: 7 })).toBe(
      '020405b4' + '0402080a' + '00000001' + '00000000' + '01030307',
    );
  });

  it('pairs timestamps with NOP, NOP when SACK is not permitted', () => {
    expect(encode({ mss: 536, timestamps: { tsVal: 0xdeadbeef, tsEcr: 2 }, windowScale: 14 })).toBe(
      '02040218' + '0101080adeadbeef00000002' + '0103030e',
    );
  });

  it('puts SACK-permitted alone after NOP, NOP without timestamps', () => {
    expect(encode({ mss: 1460, sackPermitted: true, windowScale: 2 })).toBe('020405b4' + '01010402' + '01030302');
  });

  it('writes nothing for no options, and never emits unknown ones', () => {
    expect(encode({})).toBe('');
    expect(encode({ unknown: [{ kind: 30, length: 4 }] })).toBe('');
    expect(encode({ sackPermitted: false, sackBlocks: [] })).toBe('');
  });

  it('puts SACK blocks last, after NOP, NOP', () => {
    expect(encode({ timestamps: { tsVal: 5, tsEcr: 6 }, sackBlocks: blocks(1) })).toBe(
      '0101080a0000000500000006' + '0101050a' + '0000100000001100',
    );
  });

  it('trims SACK blocks to fit 40 bytes: 3 with timestamps, 4 without', () => {
    const withTs = decodeTcpOptions(fromHexBytes(encode({ timestamps: { tsVal: 1, tsEcr: 2 }, sackBlocks: blocks(4) })), 0, 40);
    expect(withTs.ok && withTs.value.sackBlocks).toEqual(blocks(3));
    expect(tcpOptionsLength({ timestamps: { tsVal: 1, tsEcr: 2 }, sackBlocks: blocks(4) })).toBe(40);
    expect(tcpOptionsLength({ sackBlocks: blocks(5) })).toBe(36);
    const without = decodeTcpOptions(fromHexBytes(encode({ sackBlocks: blocks(5) })), 0, 36);
    expect(without.ok && without.value.sackBlocks).toEqual(blocks(4)); // the first (most recent) kept
  });

  it('fits two SACK blocks after the fullest set of other options (20 bytes)', () => {
    const full = { mss: 1460, sackPermitted: true, timestamps: { tsVal: 1, tsEcr: 2 }, windowScale: 7 };
    expect(tcpOptionsLength({ ...full, sackBlocks: blocks(4) })).toBe(20 + 4 + 16); // two still fit
    expect(tcpOptionsLength({ mss: 1, timestamps: { tsVal: 1, tsEcr: 2 }, windowScale: 1, sackBlocks: blocks(4) })).toBe(20 + 4 + 16);
  });

  it('masks values to their wire widths instead of throwing', () => {
    expect(encode({ mss: 0x12345, windowScale: 0x107 })).toBe('02042345' + '01030307');
  });
});

function fromHexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
}

describe('option decoding edge cases', () => {
  it('reports positions counted from the start of the given bytes', () => {
    const bytes = new Uint8Array(24);
    bytes.set([1, 2, 3, 0], 20);
    const r = decodeTcpOptions(bytes, 20, 24);
    expect(r.ok ? '' : r.reason).toBe('MSS option (kind 2) at byte 21 has length 3, expected 4');
  });

  it('lets a repeated option overwrite the earlier one', () => {
    const r = decodeTcpOptions(Uint8Array.from([2, 4, 0, 1, 2, 4, 0, 2]), 0, 8);
    expect(r.ok && r.value).toEqual({ mss: 2 });
  });

  it('reads an empty area as no options', () => {
    expect(decodeTcpOptions(new Uint8Array(0), 0, 0)).toEqual({ ok: true, value: {} });
    expect(decodeTcpOptions(Uint8Array.from([1, 1, 1, 1]), 0, 4)).toEqual({ ok: true, value: {} });
  });
});
