// The timestamps option of one connection (RFC 7323): our TSval clock, TS.Recent (the peer's
// TSval to echo, §4.3) and PAWS (§5). Both halves read it: the receiver for the room the option
// takes, the sender for RTT samples from echoed timestamps (§4).
import type { TcpSegment } from './wire/types.ts';
import { seqGe, seqLe, seqLt } from './seq.ts';

/** PAWS trusts TS.Recent for 24 days at most (RFC 7323 §5.5). */
const PAWS_IDLE_LIMIT = 24 * 86_400_000;

export class Timestamps {
  private okValue = false;
  private recentValue = 0;
  /** When TS.Recent was last updated. */
  private recentAge = 0;

  /** `offset` makes TSval start from a per-connection value (TSval = now + offset, ms ticks). */
  constructor(private readonly offset: number) {}

  /** Both sides offered the option in the handshake. */
  get ok(): boolean {
    return this.okValue;
  }

  /** TS.Recent: the TSecr of our next segment. */
  get recent(): number {
    return this.recentValue;
  }

  /** The handshake's outcome; the peer's SYN carries the first TS.Recent. */
  negotiated(ok: boolean, peer: { tsVal: number } | undefined, now: number): void {
    this.okValue = ok;
    if (ok && peer) {
      this.recentValue = peer.tsVal;
      this.recentAge = now;
    }
  }

  /** Our TSval at `now`. */
  tsVal(now: number): number {
    return (Math.floor(now) + this.offset) >>> 0;
  }

  /** PAWS (RFC 7323 §5.3): a TSval older than TS.Recent marks an old duplicate. */
  isOld(tsVal: number, now: number): boolean {
    return seqLt(tsVal, this.recentValue) && now - this.recentAge < PAWS_IDLE_LIMIT;
  }

  /** RFC 7323 §4.3: remember the peer's TSval from a segment that covers RCV.NXT. */
  remember(seg: TcpSegment, rcvNxt: number, now: number): void {
    const ts = seg.options.timestamps;
    if (!ts) return;
    if (seqLe(seg.seq, rcvNxt) && seqGe(ts.tsVal, this.recentValue)) {
      this.recentValue = ts.tsVal;
      this.recentAge = now;
    }
  }
}
