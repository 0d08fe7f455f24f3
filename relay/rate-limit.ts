// One client's rate limit: a message must find a token in both the message bucket and the
// byte bucket. Excess is dropped, like a policer at a provider's edge: dropping is the answer to
// a fast sender, not punishment.
//
// Closing is kept for a flood that nothing it receives can explain. A TCP stack sends a segment
// mostly because one arrived: an ACK for data, a RST for a segment to a closed port (RFC 9293
// §3.10.7.1), so three senders each within their own limit can make an innocent receiver answer
// at three times its limit (reflection). Such a receiver's excess is at most about what was
// delivered to it. So a one-second window is a strike only when its drops exceed the client's
// whole allowance (framesPerSecond) plus twice the frames delivered to it in that window; a
// stack's replies cannot reach that, a flood does. rateLimitCloseAfterSeconds strikes in a row
// mark the client abusive.

import { TokenBucket } from './token-bucket.ts';

export interface RateLimitSettings {
  framesPerSecond: number;
  frameBurst: number;
  bytesPerSecond: number;
  byteBurst: number;
  /** 0: never abusive. */
  rateLimitCloseAfterSeconds: number;
}

/** Drops a window may have per frame delivered to the client before it counts as a strike. */
export const REPLY_ALLOWANCE = 2;

/** 'abusive': dropped, and the client has now been over the line for too long. */
export type Verdict = 'pass' | 'drop' | 'abusive';

export class RateLimiter {
  private readonly frames: TokenBucket;
  private readonly bytes: TokenBucket;
  /** Start (ms) of the one-second window the drops are counted in. */
  private windowStart: number;
  private dropsInWindow = 0;
  /** Frames delivered to the client (its running total) when the window began. */
  private deliveredAtWindowStart = 0;
  private strikes = 0;

  constructor(
    private readonly s: RateLimitSettings,
    nowMs: number,
  ) {
    this.frames = new TokenBucket(s.framesPerSecond, s.frameBurst, nowMs);
    this.bytes = new TokenBucket(s.bytesPerSecond, s.byteBurst, nowMs);
    this.windowStart = nowMs;
  }

  /** `delivered`: the running total of frames delivered to this client (its replies' budget). */
  check(byteLength: number, nowMs: number, delivered = 0): Verdict {
    if (nowMs - this.windowStart >= 1000) this.closeWindow(nowMs, delivered);
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
      this.isStrike(delivered)
    ) {
      return 'abusive'; // this window is the last strike
    }
    return 'drop';
  }

  private isStrike(delivered: number): boolean {
    const repliesAllowed = REPLY_ALLOWANCE * (delivered - this.deliveredAtWindowStart);
    return this.dropsInWindow > this.s.framesPerSecond + repliesAllowed;
  }

  private closeWindow(nowMs: number, delivered: number): void {
    const gap = nowMs - this.windowStart;
    // A whole silent second in between breaks the streak.
    if (gap < 2000 && this.isStrike(delivered)) this.strikes++;
    else this.strikes = 0;
    this.dropsInWindow = 0;
    this.deliveredAtWindowStart = delivered;
    this.windowStart = nowMs;
  }
}
