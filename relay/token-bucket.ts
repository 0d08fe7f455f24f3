// A token bucket (the classic traffic shaper): `burst` tokens at most, refilled at `rate`
// tokens per second. Time is passed in, so tests can drive it and the hot path reads the clock
// once per message for all of its buckets.

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    nowMs: number,
  ) {
    this.tokens = burst;
    this.last = nowMs;
  }

  /** Add what has dripped in since the last call. */
  refill(nowMs: number): void {
    const elapsed = nowMs - this.last;
    if (elapsed <= 0) return; // a clock that stands still or steps back adds nothing
    this.last = nowMs;
    const t = this.tokens + (elapsed * this.rate) / 1000;
    this.tokens = t > this.burst ? this.burst : t;
  }

  /** True when `n` tokens are there (call refill first). */
  has(n: number): boolean {
    return this.tokens >= n;
  }

  take(n: number): void {
    this.tokens -= n;
  }

  /** refill + has + take in one: false (and nothing taken) when there are not enough. */
  tryTake(n: number, nowMs: number): boolean {
    this.refill(nowMs);
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
}
