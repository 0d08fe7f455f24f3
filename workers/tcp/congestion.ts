// Congestion control: RFC 5681 slow start and congestion avoidance, fast retransmit and
// NewReno fast recovery (RFC 6582), initial window per RFC 6928. Switched off, cwnd is unbounded
// and only the peer's window limits the sender, as in RFC 793.
import type { StackSettings } from './settings.ts';
import { seqGe, seqLt } from './seq.ts';

/** "Arbitrarily high" (RFC 5681 §3.1), still a safe integer for snapshots. */
const UNBOUNDED = 0x3fff_ffff;

export class CongestionControl {
  cwnd = UNBOUNDED;
  ssthresh = UNBOUNDED;
  inRecovery = false;
  /** RFC 6582 "recover": the highest sequence number sent when loss was detected. */
  private recover = 0;
  lastChange = 0;

  constructor(
    private readonly settings: StackSettings,
    private readonly onChange: (reason: string) => void,
  ) {}

  get enabled(): boolean {
    return this.settings.congestionControl;
  }

  /** After the handshake fixed the MSS: the initial window (RFC 6928 / RFC 5681 §3.1). */
  init(mss: number, now: number): void {
    if (!this.enabled) return;
    this.cwnd = this.settings.initialWindowSegments * mss;
    this.ssthresh = UNBOUNDED;
    this.changed('initial window', now);
  }

  onAck(acked: number, flightBefore: number, mss: number, ack: number, now: number): void {
    if (!this.enabled) return;
    if (this.inRecovery) {
      if (seqGe(ack, this.recover)) {
        // Full acknowledgment (RFC 6582 §3.2 step 3): deflate the window and leave recovery.
        this.inRecovery = false;
        this.cwnd = Math.min(this.ssthresh, Math.max(flightBefore - acked, mss) + mss);
        this.changed('fast recovery left', now);
      } else {
        // Partial acknowledgment: deflate by what was acked, add back one MSS if it was at least that.
        this.cwnd = Math.max(mss, this.cwnd - acked + (acked >= mss ? mss : 0));
        this.changed('fast recovery: partial ACK', now);
      }
      return;
    }
    if (this.cwnd < this.ssthresh) {
      this.cwnd += Math.min(acked, mss); // slow start (RFC 5681 §3.1, eq. 2)
      this.changed('slow start', now);
    } else {
      this.cwnd += Math.max(1, Math.floor((mss * mss) / this.cwnd)); // congestion avoidance (eq. 3)
      this.changed('congestion avoidance', now);
    }
  }

  partialAck(ack: number): boolean {
    return this.inRecovery && seqLt(ack, this.recover);
  }

  /** Third duplicate ACK (RFC 5681 §3.2 steps 2–3; RFC 6582 §3.2 step 2). */
  enterRecovery(flight: number, mss: number, sndNxt: number, now: number): void {
    if (!this.enabled) return;
    this.ssthresh = Math.max(Math.floor(flight / 2), 2 * mss); // eq. 4
    this.cwnd = this.ssthresh + 3 * mss;
    this.recover = sndNxt;
    this.inRecovery = true;
    this.changed('fast recovery entered', now);
  }

  /** Each further duplicate ACK in recovery: one more segment has left the network (§3.2 step 4). */
  onDupAckInRecovery(mss: number, now: number): void {
    if (!this.enabled) return;
    this.cwnd += mss;
    this.changed('fast recovery: window inflated', now);
  }

  /** Extra room the sender may use in recovery beyond cwnd (none: inflation already counts it). */
  extraForRecovery(_mss: number): number {
    return 0;
  }

  /** Retransmission timeout (RFC 5681 §3.1 eq. 4, loss window of one segment). */
  onTimeout(flight: number, mss: number, sndNxt: number, now: number): void {
    if (!this.enabled) return;
    this.ssthresh = Math.max(Math.floor(flight / 2), 2 * mss);
    this.cwnd = mss;
    this.inRecovery = false;
    this.recover = sndNxt; // RFC 6582 §4: no fast retransmit for losses from before the timeout
    this.changed('RTO collapse', now);
  }

  private changed(reason: string, now: number): void {
    this.lastChange = now;
    this.onChange(reason);
  }
}
