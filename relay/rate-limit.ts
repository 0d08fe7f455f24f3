// One client's rate limit: a message must find a token in both the message bucket and the
// byte bucket. Excess is dropped, like a policer at a provider's edge. A client that keeps
// sending far above its rate for many seconds in a row (more drops per second than its whole
// allowance) is a runaway tab or a flood, and is reported as abusive so the relay can close it.

import { TokenBucket } from './token-bucket.ts';

export interface RateLimitSettings {
  framesPerSecond: number;
  frameBurst: number;
  bytesPerSecond: number;
  byteBurst: number;
  /** 0: never abusive. */
  rateLimitCloseAfterSeconds: number;
}

/** 'abusive': dropped, and the client has now been over the line for too long. */
export type Verdict = 'pass' | 'drop' | 'abusive';

export class RateLimiter {
  private readonly frames: TokenBucket;
  private readonly bytes: TokenBucket;
  /** Start (ms) of the one-second window the drops are counted in. */
  private windowStart: number;
  private dropsInWindow = 0;
  private strikes = 0;

  constructor(
    private readonly s: RateLimitSettings,
    nowMs: number,
  ) {
    this.frames = new TokenBucket(s.framesPerSecond, s.frameBurst, nowMs);
    this.bytes = new TokenBucket(s.bytesPerSecond, s.byteBurst, nowMs);
    this.windowStart = nowMs;
  }

  check(byteLength: number, nowMs: number): Verdict {
    if (nowMs - this.windowStart >= 1000) this.closeWindow(nowMs);
    this.frames.refill(nowMs);
    this.bytes.refill(nowMs);
    if (this.frames.has(1) && this.bytes.has(byteLength)) {
      this.frames.take(1);
      this.bytes.take(byteLength);
      return 'pass';
    }
    this.dropsInWindow++;
    if (
      this.s.rateLimitCloseAfterSeconds > 0 &&
      this.strikes + 1 >= this.s.rateLimitCloseAfterSeconds &&
      this.dropsInWindow > this.s.framesPerSecond
    ) {
      return 'abusive'; // this window is the last strike
    }
    return 'drop';
  }

  private closeWindow(nowMs: number): void {
    const gap = nowMs - this.windowStart;
    // A whole silent second in between breaks the streak.
    if (gap < 2000 && this.dropsInWindow > this.s.framesPerSecond) this.strikes++;
    else this.strikes = 0;
    this.dropsInWindow = 0;
    this.windowStart = nowMs;
  }
}
