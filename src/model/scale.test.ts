import { describe, expect, it } from 'vitest';
import { formatCount, linear, niceStep, niceTicks, padded } from './scale.ts';

describe('scales and ticks', () => {
  it('maps a domain onto a range, flipped for a y axis', () => {
    const y = linear([0, 100], [200, 0]);
    expect([y(0), y(50), y(100)]).toEqual([200, 100, 0]);
    expect(linear([5, 5], [0, 10])(5)).toBe(5);
    expect(y.invert(100)).toBe(50);
  });

  it('picks 1/2/5 steps', () => {
    expect(niceStep(0, 10, 5)).toBe(2);
    expect(niceStep(0, 1000, 4)).toBe(500);
    expect(niceStep(0, 0.3, 3)).toBeCloseTo(0.1);
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(-3, 7, 5)).toEqual([-2, 0, 2, 4, 6]);
    expect(niceTicks(4, 4)).toEqual([4]);
    expect(niceTicks(NaN, 1)).toEqual([]);
  });

  it('pads ranges and formats byte counts', () => {
    expect(padded(0, 100, 0.1)).toEqual([-10, 110]);
    expect(padded(3, 3)).toEqual([2, 4]);
    expect([formatCount(1460), formatCount(20000), formatCount(65536), formatCount(1_500_000), formatCount(0.5)]).toEqual(['1460', '20k', '65.5k', '1.5M', '0.5']);
  });
});
