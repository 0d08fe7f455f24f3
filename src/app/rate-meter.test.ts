import { describe, expect, it } from 'vitest';
import { RateMeter } from './rate-meter.ts';

describe('RateMeter', () => {
  it('settles near a steady rate and decays to nothing when counts stop', () => {
    const m = new RateMeter(300);
    // 25 events every 10 ms: 2,500 a second.
    for (let t = 0; t <= 3_000; t += 10) m.count(25, t);
    expect(m.perSecond(3_000)).toBeGreaterThan(2_400);
    expect(m.perSecond(3_000)).toBeLessThan(2_600);
    expect(m.perSecond(3_300)).toBeCloseTo(m.perSecond(3_000) / Math.E, 5);
    expect(m.perSecond(6_000)).toBeLessThan(1);
  });

  it('is zero before anything is counted', () => {
    expect(new RateMeter(300).perSecond(1_000)).toBe(0);
  });
});
