import { describe, expect, it } from 'vitest';
import { seqAdd, seqDiff, seqGe, seqGt, seqInWindow, seqLe, seqLt, seqMax, seqMin } from './seq.ts';

const TOP = 0xffff_ffff;

describe('sequence arithmetic modulo 2^32 (RFC 9293 §3.4)', () => {
  it('adds with wrap-around', () => {
    expect(seqAdd(TOP, 1)).toBe(0);
    expect(seqAdd(TOP - 9, 20)).toBe(10);
    expect(seqAdd(5, 0)).toBe(5);
    expect(seqAdd(0, -1)).toBe(TOP);
  });

  it('compares across the wrap', () => {
    expect(seqLt(TOP, 0)).toBe(true);
    expect(seqGt(0, TOP)).toBe(true);
    expect(seqLt(TOP - 100, 100)).toBe(true);
    expect(seqLe(7, 7)).toBe(true);
    expect(seqGe(7, 7)).toBe(true);
    expect(seqLt(7, 7)).toBe(false);
    expect(seqGt(100, TOP - 100)).toBe(true);
  });

  it('gives signed distances across the wrap', () => {
    expect(seqDiff(5, TOP - 4)).toBe(10);
    expect(seqDiff(TOP - 4, 5)).toBe(-10);
    expect(seqDiff(0x8000_0000 - 1, 0)).toBe(0x7fff_ffff);
  });

  it('tests windows that straddle the wrap', () => {
    const lo = TOP - 10;
    const hi = seqAdd(lo, 100);
    expect(seqInWindow(TOP, lo, hi)).toBe(true);
    expect(seqInWindow(0, lo, hi)).toBe(true);
    expect(seqInWindow(hi - 1, lo, hi)).toBe(true);
    expect(seqInWindow(hi, lo, hi)).toBe(false);
    expect(seqInWindow(lo - 1, lo, hi)).toBe(false);
    expect(seqInWindow(5, 5, 5)).toBe(false);
  });

  it('max and min respect the wrap', () => {
    expect(seqMax(TOP, 3)).toBe(3);
    expect(seqMin(TOP, 3)).toBe(TOP);
  });
});
