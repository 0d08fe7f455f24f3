// Congestion control: RFC 5681 slow start and congestion avoidance, fast retransmit and
// NewReno fast recovery (RFC 6582), initial window per RFC 6928. Switched off, cwnd is unbounded
// and only the peer's window limits the sender, as in RFC 793.
import type { StackSettings } from './settings.ts';
import { seqGe, seqGt, seqLt } from './seq.ts';

/** "Arbitrarily high" (RFC 5681 §3.1), still a safe integer for snapshots. */
const UNBOUNDED = 0x3fff_ffff;

export class CongestionControl {
  cwnd = UNBOUNDED;
  ssthresh = UNBOUNDED;
  inRecovery = false;
  /** RFC 6582 "recover" / RFC 6675 RecoveryPoint: the highest sequence number sent when loss was detected. */
  private recover: number | null = null;
  /** Whether this recovery is SACK-based (RFC 6675: no window inflation, the pipe decides). */
  private sackBased = false;
  /** Bytes acknowledged towards the next congestion-avoidance increase (RFC 5681 §3.1 byte counting). */
  private bytesAcked = 0;
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
    if (this.inRecovery && this.recover !== null) {
      if (seqGe(ack, this.recover)) {
        // Full acknowledgment: leave recovery (RFC 6582 §3.2 step 3; RFC 6675 §5 step 2: cwnd = ssthresh).
        this.inRecovery = false;
        this.recover = null;
        this.cwnd = this.sackBased ? this.ssthresh : Math.min(this.ssthresh, Math.max(flightBefore - acked, mss) + mss);
        this.changed('fast recovery left', now);
      } else if (!this.sackBased) {
        // NewReno partial acknowledgment: deflate by what was acked, add back one MSS if it was at least that.
        this.cwnd = Math.max(mss, this.cwnd - acked + (acked >= mss ? mss : 0));
        this.changed('fast recovery: partial ACK', now);
      }
      return;
    }
    if (this.cwnd < this.ssthresh) {
      // Slow start (RFC 5681 §3.1 eq. 2) with RFC 3465's limit L = 2 SMSS, so delayed ACKs do not halve growth.
      this.cwnd += Math.min(acked, 2 * mss);
      this.bytesAcked = 0;
      this.changed('slow start', now);
    } else {
      // Congestion avoidance by byte counting: one SMSS per cwnd of acknowledged data.
      this.bytesAcked += acked;
      if (this.bytesAcked >= this.cwnd) {
        this.bytesAcked -= this.cwnd;
        this.cwnd += mss;
        this.changed('congestion avoidance', now);
      }
    }
  }

  /** RFC 6582 §3.2 step 1: after a timeout, no fast retransmit until the ACK passes the old recover point. */
  mayEnterRecovery(ack: number): boolean {
    return this.enabled && !this.inRecovery && (this.recover === null || seqGt(ack, this.recover));
  }

  partialAck(ack: number): boolean {
    return this.inRecovery && this.recover !== null && seqLt(ack, this.recover);
  }

  /** Loss detected by duplicate ACKs or SACK (RFC 5681 §3.2 steps 2–3; RFC 6582 §3.2; RFC 6675 §5 step 4). */
  enterRecovery(flight: number, mss: number, highData: number, sack: boolean, now: number): void {
    if (!this.enabled) return;
    this.ssthresh = Math.max(Math.floor(flight / 2), 2 * mss); // eq. 4
    this.sackBased = sack;
    this.cwnd = sack ? this.ssthresh : this.ssthresh + 3 * mss;
    this.recover = highData;
    this.inRecovery = true;
    this.bytesAcked = 0;
    this.changed('fast recovery entered', now);
  }

  /** Each further duplicate ACK in recovery: one more segment has left the network (§3.2 step 4). */
  onDupAckInRecovery(mss: number, now: number): void {
    if (!this.enabled || this.sackBased) return;
    this.cwnd += mss;
    this.changed('fast recovery: window inflated', now);
  }

  /** Retransmission timeout (RFC 5681 §3.1 eq. 4, loss window of one segment). */
  onTimeout(flight: number, mss: number, sndNxt: number, now: number): void {
    if (!this.enabled) return;
    this.ssthresh = Math.max(Math.floor(flight / 2), 2 * mss);
    this.cwnd = mss;
    this.inRecovery = false;
    this.bytesAcked = 0;
    this.recover = sndNxt; // RFC 6582 §4: no fast retransmit for losses from before the timeout
    this.changed('RTO collapse', now);
  }

  private changed(reason: string, now: number): void {
    this.lastChange = now;
    this.onChange(reason);
  }
}
