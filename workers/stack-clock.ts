// The stack's clock: stack time advances at `factor` × real time and stands still while paused.
// Pure: every method takes the real time (ms) from the caller, so tests need no fake timers.
//
// It is piecewise linear: an anchor (real, stack) and a slope (factor, or 0 when paused). Each
// change re-anchors at the current point, so stack time is continuous and never runs backwards,
// whatever the sequence of factor changes, pauses and steps.

export const MIN_FACTOR = 1e-3;
export const MAX_FACTOR = 100;

export interface StackClockState {
  factor: number;
  paused: boolean;
  stack: number;
}

export class StackClock {
  private anchorReal: number;
  private anchorStack: number;
  private rate: number;
  private isPaused = false;

  constructor(real: number, options: { factor?: number; stack?: number } = {}) {
    const factor = options.factor ?? 1;
    checkFactor(factor);
    this.anchorReal = real;
    this.anchorStack = options.stack ?? 0;
    this.rate = factor;
  }

  get factor(): number {
    return this.rate;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  /** Stack time at real time `real`. */
  now(real: number): number {
    if (this.isPaused) return this.anchorStack;
    // A real time before the anchor (clock jitter between callers) must not run stack time back.
    const elapsed = real > this.anchorReal ? real - this.anchorReal : 0;
    return this.anchorStack + elapsed * this.rate;
  }

  state(real: number): StackClockState {
    return { factor: this.rate, paused: this.isPaused, stack: this.now(real) };
  }

  /** Change the speed from now on; time already passed keeps the old speed. Throws RangeError. */
  setFactor(factor: number, real: number): void {
    checkFactor(factor);
    this.reanchor(real);
    this.rate = factor;
  }

  pause(real: number): void {
    if (this.isPaused) return;
    this.reanchor(real);
    this.isPaused = true;
  }

  resume(real: number): void {
    if (!this.isPaused) return;
    // Re-anchor at the frozen stack time: the paused stretch of real time is skipped.
    this.anchorReal = real;
    this.isPaused = false;
  }

  /** Jump forward to stack time `t` (a step while paused); earlier times are ignored. */
  advanceTo(t: number, real: number): void {
    this.reanchor(real);
    if (t > this.anchorStack) this.anchorStack = t;
  }

  /**
   * Real ms from `real` until stack time reaches `deadline` (0 when already due), or null while
   * paused (no timer should run: only resume or step moves stack time).
   */
  realDelay(deadline: number, real: number): number | null {
    if (this.isPaused) return null;
    const d = (deadline - this.now(real)) / this.rate;
    return d > 0 ? d : 0;
  }

  private reanchor(real: number): void {
    this.anchorStack = this.now(real);
    if (real > this.anchorReal) this.anchorReal = real;
  }
}

function checkFactor(factor: number): void {
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < MIN_FACTOR || factor > MAX_FACTOR) {
    throw new RangeError(`time factor must be a number from ${MIN_FACTOR} to ${MAX_FACTOR}, got ${String(factor)}`);
  }
}
