import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { foldSum, internetChecksum, isChecksumFailure, onesComplementSum, pseudoHeaderSum } from './checksum.ts';
import { naiveChecksum } from './test-fixtures.ts';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('internet checksum (RFC 1071)', () => {
  it("matches RFC 1071 §3's worked example", () => {
    const data = bytes(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7);
    expect(onesComplementSum(data)).toBe(0xddf2);
    expect(internetChecksum(data)).toBe(0x220d);
  });

  it('pads an odd last byte with zero', () => {
    expect(onesComplementSum(bytes(0x12, 0x34, 0x56))).toBe(0x1234 + 0x5600);
    expect(internetChecksum(bytes(0xab))).toBe(~0xab00 & 0xffff);
    // The example above without its last byte: f6 becomes the word f600.
    expect(onesComplementSum(bytes(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6))).toBe(foldSum(0x0001 + 0xf203 + 0xf4f5 + 0xf600));
  });

  it('gives 0 sum and 0xffff checksum for all zeros, and for nothing', () => {
    expect(onesComplementSum(new Uint8Array(64))).toBe(0);
    expect(internetChecksum(new Uint8Array(64))).toBe(0xffff);
    expect(internetChecksum(new Uint8Array(0))).toBe(0xffff);
  });

  it('keeps all-ones as 0xffff (negative zero), checksum 0', () => {
    expect(onesComplementSum(new Uint8Array(64).fill(0xff))).toBe(0xffff);
    expect(internetChecksum(new Uint8Array(64).fill(0xff))).toBe(0);
    expect(onesComplementSum(new Uint8Array(3).fill(0xff))).toBe(0xff00); // ffff + ff00 = 1feff → feff + 1
  });

  it('adds the carry back in (end-around carry)', () => {
    expect(onesComplementSum(bytes(0xff, 0xff, 0x00, 0x01))).toBe(0x0001); // 0x10000 → 0x0001
    expect(onesComplementSum(bytes(0x80, 0x00, 0x80, 0x00))).toBe(0x0001);
    expect(onesComplementSum(bytes(0xff, 0xfe, 0x00, 0x03))).toBe(0x0002);
  });

  it('sums a range counted from `start`, and takes an initial sum', () => {
    const data = bytes(0xaa, 0x00, 0x01, 0xf2, 0x03, 0xbb);
    expect(onesComplementSum(data, 1, 5)).toBe(0x0001 + 0xf203);
    expect(onesComplementSum(data, 1, 5, 0x10)).toBe(0x0001 + 0xf203 + 0x10);
    expect(onesComplementSum(data, 1, 5, 0x1_0000)).toBe(0x0001 + 0xf203 + 1);
  });

  it('survives sums far beyond 32 bits', () => {
    expect(foldSum(2 ** 40)).toBe(foldSum((2 ** 40 % 0x10000) + Math.floor(2 ** 40 / 0x10000)));
    expect(onesComplementSum(new Uint8Array(1 << 20).fill(0xff))).toBe(0xffff);
    expect(foldSum(0xffff_ffff)).toBe(0xffff);
  });

  it('sums the TCP pseudo-header (RFC 9293 §3.1)', () => {
    // 10.0.0.1 → 10.0.0.2, protocol 6, TCP length 40
    expect(pseudoHeaderSum(0x0a000001, 0x0a000002, 6, 40)).toBe(0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 6 + 40);
    expect(foldSum(pseudoHeaderSum(0xffffffff, 0xffffffff, 6, 0xffff))).toBe(foldSum(0xffff * 5 + 6));
  });

  it('agrees with a naive byte-at-a-time summer on random data, any alignment', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(8), fc.nat(8), (data, cutStart, cutEnd) => {
        const start = Math.min(cutStart, data.length);
        const end = Math.max(start, data.length - cutEnd);
        expect(internetChecksum(data, start, end)).toBe(naiveChecksum(data.subarray(start, end)));
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('agrees with the naive summer on long ranges through views at every alignment (word path)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 2000 }), fc.nat(7), fc.nat(3), fc.nat(5), (data, viewAt, start, cut) => {
        const backing = new Uint8Array(data.length + 8);
        backing.set(data, viewAt);
        const view = backing.subarray(viewAt, viewAt + data.length);
        const end = data.length - cut;
        expect(onesComplementSum(view, start, end, 7)).toBe(onesComplementSum(data.slice(start, end), 0, end - start, 7));
        expect(internetChecksum(view, start, end)).toBe(naiveChecksum(data.subarray(start, end)));
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('stays exact past the fold interval of the word path (9 MiB)', () => {
    const big = new Uint8Array(9 * 1024 * 1024 + 3);
    let x = 12345;
    for (let i = 0; i < big.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      big[i] = x >>> 24;
    }
    expect(internetChecksum(big)).toBe(naiveChecksum(big));
    expect(internetChecksum(big, 1)).toBe(naiveChecksum(big.subarray(1)));
    expect(onesComplementSum(new Uint8Array(9 * 1024 * 1024).fill(0xff))).toBe(0xffff);
  });

  it('tells checksum failures from malformed layouts', () => {
    expect(isChecksumFailure('bad TCP checksum 0x1234, expected 0xabcd')).toBe(true);
    expect(isChecksumFailure('bad IPv4 header checksum 0x1234, expected 0xabcd')).toBe(true);
    expect(isChecksumFailure('truncated TCP header: 12 bytes, need 20')).toBe(false);
  });
});
