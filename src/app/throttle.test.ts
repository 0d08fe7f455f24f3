import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Throttled } from './throttle.ts';

describe('Throttled: an expensive view recomputed no more often than the page can afford', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('computes at once for a new key, then at most every minInterval, waking the view when due', () => {
    const wake = vi.fn();
    const t = new Throttled<number>(wake, 120, 35);
    let runs = 0;
    const compute = () => ++runs;
    expect(t.get('a', 1, 10, compute)).toBe(1);
    expect(t.get('a', 2, 10, compute)).toBe(1); // too soon: the old value, marked stale
    expect(t.stale).toBe(true);
    vi.advanceTimersByTime(120);
    expect(wake).toHaveBeenCalledTimes(1);
    expect(t.get('a', 2, 10, compute)).toBe(2);
    expect(t.stale).toBe(false);
    expect(t.get('b', 2, 10, compute)).toBe(3); // another connection: at once
  });

  it('holds the value while the trace streams (hold), however long', () => {
    const t = new Throttled<number>(() => {}, 120, 35);
    let runs = 0;
    t.get('a', 1, 10, () => ++runs);
    vi.advanceTimersByTime(10_000);
    expect(t.get('a', 2, 10, () => ++runs, true)).toBe(1);
    expect(t.get('a', 2, 10, () => ++runs, false)).toBe(2);
  });

  it('leaves a recomputation over a big input to the user, assuming at least 3 µs a row', () => {
    const t = new Throttled<number>(() => {}, 120, 35);
    let runs = 0;
    // The first computation is instant (fake clock): only the per-row floor predicts the cost.
    t.get('a', 1, 100, () => ++runs);
    vi.advanceTimersByTime(1_000);
    expect(t.get('a', 2, 11_000, () => ++runs)).toBe(2); // 33 ms estimated: still automatic
    vi.advanceTimersByTime(1_000);
    expect(t.get('a', 3, 12_000, () => ++runs)).toBe(2); // 36 ms: waits for the user
    expect(t.manual).toBe(true);
    t.refresh();
    expect(t.get('a', 3, 12_000, () => ++runs)).toBe(3);
    expect(t.manual).toBe(false);
  });
});
