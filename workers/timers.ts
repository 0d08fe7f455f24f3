// Time as the worker's modules see it: a wall clock and one-shot timers. Injected so that the
// link's backoff, the batcher and the host driver run under vitest's fake timers in tests.

export type TimerHandle = ReturnType<typeof setTimeout>;

export interface Timers {
  /** Wall-clock ms since the epoch, sub-millisecond where the platform allows. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The platform's clock and timers. Looked up on every call (not captured once) so that fake
 * timers installed after this object was made still take effect.
 */
export const realTimers: Timers = {
  now: () =>
    typeof performance !== 'undefined' && typeof performance.timeOrigin === 'number'
      ? performance.timeOrigin + performance.now()
      : Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle),
};

/** Date.now()-based timers: what vitest's fake timers control completely (performance too, but not timeOrigin). */
export const dateTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle),
};
