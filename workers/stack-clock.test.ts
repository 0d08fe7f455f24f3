import { describe, expect, it } from 'vitest';
import { StackClock } from './stack-clock.ts';

describe('StackClock', () => {
  it('runs at real time by default, from the given start', () => {
    const c = new StackClock(1000, { stack: 50 });
    expect(c.now(1000)).toBe(50);
    expect(c.now(1250)).toBe(300);
  });

  it('scales elapsed real time by the factor, and a change only affects time after it', () => {
    const c = new StackClock(0);
    expect(c.now(100)).toBe(100);
    c.setFactor(0.5, 100);
    expect(c.now(300)).toBe(200); // 100 at 1× + 200 ms at 0.5×
    c.setFactor(0.1, 300);
    expect(c.now(1300)).toBeCloseTo(300);
    c.setFactor(2, 1300);
    expect(c.now(1400)).toBeCloseTo(500);
  });

  it('converts a stack deadline to a real delay: an RTO of 1 s at 0.5× takes 2 s', () => {
    const c = new StackClock(0, { factor: 0.5 });
    expect(c.realDelay(1000, 0)).toBe(2000);
    expect(c.realDelay(1000, 1000)).toBe(1000);
    expect(c.realDelay(1000, 5000)).toBe(0); // overdue: fire now
    c.setFactor(0.1, 0);
    expect(c.realDelay(1000, 0)).toBeCloseTo(10_000);
  });

  it('freezes while paused and skips the paused stretch on resume', () => {
    const c = new StackClock(0);
    c.pause(100);
    expect(c.paused).toBe(true);
    expect(c.now(5000)).toBe(100);
    expect(c.realDelay(200, 5000)).toBeNull();
    c.resume(5000);
    expect(c.now(5000)).toBe(100);
    expect(c.now(5050)).toBe(150);
  });

  it('steps forward only, while paused or not', () => {
    const c = new StackClock(0);
    c.pause(10);
    c.advanceTo(500, 20);
    expect(c.now(30)).toBe(500);
    c.advanceTo(400, 40); // backwards: ignored
    expect(c.now(50)).toBe(500);
    c.resume(60);
    expect(c.now(70)).toBe(510);
  });

  it('never runs backwards, even when callers pass an older real time', () => {
    const c = new StackClock(100);
    expect(c.now(50)).toBe(0);
    c.setFactor(3, 200);
    expect(c.now(150)).toBe(100);
  });

  it('refuses a factor that is not a positive finite number in range', () => {
    const c = new StackClock(0);
    for (const f of [0, -1, Number.NaN, Infinity, 1000]) expect(() => c.setFactor(f, 0)).toThrow(RangeError);
    expect(c.factor).toBe(1);
  });
});
