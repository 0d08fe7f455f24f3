// The sending half of a connection: the send sequence variables (RFC 9293 §3.3.1), the fifth
// step's ACK processing (§3.10.7.4), output with sender SWS avoidance and Nagle (§3.8.6.2.1,
// §3.7.4), the retransmission timer (RFC 6298) and the persist timer (§3.8.6.1), RTT (rtt.ts),
// congestion control (congestion.ts, RFC 5681/6582) and SACK loss recovery (sack.ts, RFC 6675).
// It sends through its connection, which adds the receiver's ACK and window to each segment.
import { Flag, type TcpSegment } from './wire/types.ts';
import { SENDS_DATA, SYNCHRONIZED, type TcpState } from './state.ts';
import type { SendReason } from './trace.ts';
import type { StackSettings } from './settings.ts';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt, seqMax } from './seq.ts';
import { SendBuffer } from './send-buffer.ts';
import { RttEstimator } from './rtt.ts';
import { CongestionControl } from './congestion.ts';
import { SackScoreboard } from './sack.ts';
import type { TimerSet } from './timers.ts';
import type { Timestamps } from './timestamps.ts';
import type { ConnTimeouts } from './conn-timeouts.ts';
import { EMPTY, segLen } from './segment.ts';

/** What the sender needs from its connection. */
export interface SenderPort {
  /** The connection's state, for what may be sent in it. */
  state(): TcpState;
  /** Send a segment; the connection adds ACK, window and options. */
  emit(seq: number, flags: number, payload: Uint8Array, reason: SendReason, now: number): void;
  /** Our SYN (or SYN,ACK) is the segment to resend. */
  resendSyn(now: number): void;
  /** Acknowledged data made room in the send buffer. */
  writable(): void;
  /** How many SACK blocks the next segment carries (their room comes off the MSS). */
  sackBlocksOut(): number;
  /** The congestion window changed. */
  cwndChanged(reason: string): void;
}

/** Why an ACK field is not acceptable (§3.10.7.4 fifth step, RFC 5961 §5.2), and the answer. */
export interface AckRefusal {
  kind: 'challenge-ack' | 'invalid-ack';
  detail: string;
}

export class Sender {
  readonly iss: number;
  private sndUnaValue: number;
  private sndNxtValue: number;
  private sndWndValue = 0;
  private sndWl1Value = 0;
  private sndWl2Value = 0;
  /** Highest sequence number sent so far: below it, a send is a retransmission. */
  private sndMax: number;
  /** Largest window the peer ever offered (RFC 9293 §3.8.6.2.1, RFC 5961 §5.2). */
  private maxSndWnd = 0;
  /** Effective send MSS (RFC 9293 §3.7.1). */
  private sndMssValue: number;
  /** The peer's window shift (RFC 7323 §2.3); 0 without window scaling. */
  private sndShift = 0;
  private sackOk = false;

  private readonly buf: SendBuffer;
  /** Sequence number of the first byte in the send buffer. */
  private bufHeadSeq: number;
  /** Sequence number our FIN occupies, fixed when the user closes. */
  private finSeq: number | null = null;

  readonly rtt: RttEstimator;
  readonly cc: CongestionControl;
  private readonly sack = new SackScoreboard();
  /** Retransmissions of the segment at SND.UNA without progress, against the retry limits. */
  private retriesValue = 0;
  private persistBackoff = 0;
  /** Segment being timed for an RTT sample (one at a time; Karn's rule drops it on retransmission). */
  private rttSeq: number | null = null;
  private rttStart = 0;
  /** After an RTO, partial ACKs below this point retransmit the next segment at once. */
  private rtoRecover: number | null = null;
  /** A window probe carried the byte at SND.UNA; resend it as soon as the window opens. */
  private probed = false;
  private synRetransmitted = false;
  private dupAcks = 0;
  /** Nagle's algorithm for this connection (RFC 9293 §3.7.4). */
  private nagle: boolean;
  private totalRetransmitsValue = 0;

  constructor(
    private readonly settings: StackSettings,
    iss: number,
    private readonly timers: TimerSet,
    private readonly ts: Timestamps,
    private readonly watch: ConnTimeouts,
    private readonly port: SenderPort,
  ) {
    this.iss = iss;
    this.sndUnaValue = iss;
    this.sndNxtValue = iss;
    this.sndMax = iss;
    this.bufHeadSeq = seqAdd(iss, 1);
    this.sndMssValue = settings.defaultSendMss;
    this.buf = new SendBuffer(settings.sendBufferSize);
    this.rtt = new RttEstimator(settings);
    this.cc = new CongestionControl(settings, (reason) => port.cwndChanged(reason));
    this.nagle = settings.nagle;
  }

  get sndUna(): number { return this.sndUnaValue; }
  get sndNxt(): number { return this.sndNxtValue; }
  get sndWnd(): number { return this.sndWndValue; }
  get sndWl1(): number { return this.sndWl1Value; }
  get sndWl2(): number { return this.sndWl2Value; }
  get sndMss(): number { return this.sndMssValue; }
  get retries(): number { return this.retriesValue; }
  get totalRetransmits(): number { return this.totalRetransmitsValue; }
  /** Bytes queued and not yet acknowledged. */
  get queued(): number { return this.buf.length; }
  /** Room in the send buffer. */
  get free(): number { return this.buf.free; }

  setNagle(on: boolean): void {
    this.nagle = on;
  }

  /** What the handshake agreed: the effective send MSS (§3.7.1), the peer's shift, SACK. */
  negotiated(sndMss: number, sndShift: number | null, sackOk: boolean, now: number): void {
    if (sndShift !== null) this.sndShift = sndShift;
    this.sackOk = sackOk;
    this.sndMssValue = sndMss;
    this.cc.init(sndMss, now);
  }

  /** A cookie's ACK acknowledged the SYN,ACK we never kept (RFC 4987 §3.6). */
  synAcknowledged(): void {
    this.sndUnaValue = this.sndNxtValue = this.sndMax = seqAdd(this.iss, 1);
  }

  /** The send window from a handshake segment (a SYN's window is never scaled, RFC 7323 §2.2). */
  takeWindow(seg: TcpSegment, scaled: boolean): void {
    this.sndWndValue = scaled ? seg.window << this.sndShift : seg.window;
    this.maxSndWnd = Math.max(this.maxSndWnd, this.sndWndValue);
    this.sndWl1Value = seg.seq;
    this.sndWl2Value = seg.ack;
  }

  /** SEND (§3.10.2): queue bytes; returns how many fitted. */
  write(bytes: Uint8Array): number {
    return this.buf.write(bytes);
  }

  /** No more data will be written: the FIN takes the sequence number after the last queued byte. */
  queueFin(): void {
    this.finSeq = seqAdd(this.bufHeadSeq, this.buf.length);
  }

  /** SND.UNA has passed our FIN: it is acknowledged. */
  get finAcked(): boolean {
    return this.finSeq !== null && seqGt(this.sndUnaValue, this.finSeq);
  }

  /** ABORT and timeouts: queued data is lost (§3.10.5). */
  discardQueued(): void {
    this.buf.clear();
  }

  /**
   * The sequence number of a segment without data (an RST, §3.10.5; a pure ACK): SND.NXT, unless a
   * zero-window probe took SND.NXT past the peer's window. The peer would then drop it as out of
   * window (§3.10.7.4 with RCV.WND 0 accepts only SEQ = RCV.NXT; RFC 5961 §3.2 the same for RSTs),
   * and never learn what it acknowledges: so the window's right edge, as Linux does
   * (tcp_acceptable_seq).
   */
  acceptableSeq(): number {
    const right = seqAdd(this.sndUnaValue, this.sndWndValue);
    return seqGt(this.sndNxtValue, right) ? right : this.sndNxtValue;
  }

  /** Data or our FIN waits to be sent. */
  private unsent(): boolean {
    return seqDiff(this.sndNxtValue, this.bufHeadSeq) < this.buf.length || (this.finSeq !== null && this.sndNxtValue === this.finSeq);
  }

  /** Something waits on the peer: data in flight, or unsent data behind a shut window (the user timeout watches it). */
  awaitsPeer(): boolean {
    return this.sndUnaValue !== this.sndNxtValue || (this.unsent() && this.sndWndValue === 0);
  }

  // --- The handshake's part of the sender ---

  /** Our SYN goes out (again): time it, or on a retransmission count it and drop the sample (Karn). */
  synGoingOut(retransmission: boolean, now: number): void {
    if (retransmission) {
      this.totalRetransmitsValue++;
      this.rttSeq = null;
    } else {
      this.rttSeq = seqAdd(this.iss, 1);
      this.rttStart = now;
    }
  }

  /** Our SYN went out: it occupies ISS, and the retransmission timer runs (RFC 6298 §5.1). */
  synSent(retransmission: boolean, now: number): void {
    this.sndNxtValue = seqMax(this.sndNxtValue, seqAdd(this.iss, 1));
    this.sndMax = seqMax(this.sndMax, this.sndNxtValue);
    if (!this.timers.isRunning('retransmit') || !retransmission) this.timers.set('retransmit', now + this.rtt.rto, now);
  }

  /** The connection is synchronized: a SYN timeout's RTO is not kept (RFC 6298 §5.7), retries restart. */
  established(now: number): void {
    if (this.synRetransmitted) this.rtt.resetAfterSynTimeout();
    this.retriesValue = 0;
    if (this.sndUnaValue === this.sndNxtValue) this.timers.cancel('retransmit', now);
  }

  // --- The fifth step (§3.10.7.4) ---

  /** Whether SEG.ACK may be processed; else the answer to give, and the segment is dropped. */
  refuseAck(ack: number): AckRefusal | null {
    if (seqGt(ack, this.sndNxtValue)) {
      // §3.10.7.4: ACK of something not yet sent: send an ACK, drop the segment.
      return { kind: 'invalid-ack', detail: `ACK ${ack} acknowledges data not yet sent (SND.NXT ${this.sndNxtValue})` };
    }
    if (seqLt(ack, seqAdd(this.sndUnaValue, -Math.max(this.maxSndWnd, 1)))) {
      // RFC 5961 §5.2: an ACK far behind SND.UNA is suspicious: challenge ACK, drop.
      return { kind: 'challenge-ack', detail: `ACK ${ack} is older than SND.UNA − MAX.SND.WND: challenge ACK (RFC 5961 §5)` };
    }
    return null;
  }

  /** The fifth step with an acceptable ACK: what it acknowledges, duplicate ACKs, the send window. */
  ackArrives(seg: TcpSegment, now: number): void {
    const ack = seg.ack;
    const wasZeroWindow = this.sndWndValue === 0;
    const inFlightBefore = seqDiff(this.sndNxtValue, this.sndUnaValue);
    const newSack = this.sackOk && seg.options.sackBlocks !== undefined && this.sack.update(seg.options.sackBlocks, seqMax(ack, this.sndUnaValue));
    const advanced = seqGt(ack, this.sndUnaValue);
    if (advanced) this.ackAdvances(ack, now, seg); // RFC 6675 §5 (1): a cumulative ACK resets DupAcks
    if (inFlightBefore > 0 && (newSack || (!advanced && this.isRfc5681Duplicate(seg, wasZeroWindow)))) this.duplicateAck(now);
    // Send window update (§3.10.7.4): only from a segment newer than the last one that updated it.
    if (seqLt(this.sndWl1Value, seg.seq) || (this.sndWl1Value === seg.seq && seqLe(this.sndWl2Value, ack))) {
      this.sndWndValue = seg.window << this.sndShift;
      this.sndWl1Value = seg.seq;
      this.sndWl2Value = ack;
      if (this.sndWndValue > this.maxSndWnd) this.maxSndWnd = this.sndWndValue;
    }
    if (wasZeroWindow && this.sndWndValue > 0) {
      this.timers.cancel('persist', now);
      this.persistBackoff = 0;
      if (this.probed && seqLt(this.sndUnaValue, this.sndNxtValue)) {
        // The probe byte was refused while the window was shut: send it again now.
        this.retransmitFront(now, 'retransmit');
      }
      this.probed = false;
    }
  }

  /** SND.UNA < SEG.ACK ≤ SND.NXT: bytes (and maybe SYN/FIN) acknowledged. */
  ackAdvances(ack: number, now: number, seg?: TcpSegment): void {
    const acked = seqDiff(ack, this.sndUnaValue);
    const dataAcked = Math.max(0, Math.min(this.buf.length, seqDiff(ack, this.bufHeadSeq)));
    if (dataAcked > 0) {
      this.buf.consume(dataAcked);
      this.bufHeadSeq = seqAdd(this.bufHeadSeq, dataAcked);
    }
    // RTT sample: timestamps give one per ACK (RFC 7323 §4); otherwise the timed segment, if it was
    // not retransmitted (Karn's rule, RFC 6298 §3).
    const echo = seg?.options.timestamps?.tsEcr;
    if (this.ts.ok && echo !== undefined && echo !== 0) {
      this.rtt.sample(Math.max(0, this.ts.tsVal(now) - echo));
      this.rttSeq = null;
    } else if (this.rttSeq !== null && seqGe(ack, this.rttSeq)) {
      this.rtt.sample(now - this.rttStart);
      this.rttSeq = null;
    }
    const inFlight = seqDiff(this.sndNxtValue, this.sndUnaValue);
    this.sndUnaValue = ack;
    this.retriesValue = 0;
    this.watch.progress(now);
    // The ACK of our SYN is not data: it does not grow the congestion window.
    if (SYNCHRONIZED.has(this.port.state())) this.cc.onAck(acked, inFlight, this.sndMssValue, ack, now);
    this.dupAcks = 0;
    this.sack.ackedTo(ack);
    if (this.sndUnaValue === this.sndNxtValue) {
      this.timers.cancel('retransmit', now);
      this.rtoRecover = null;
    } else {
      this.timers.set('retransmit', now + this.rtt.rto, now); // RFC 6298 §5.3
      if (this.cc.partialAck(ack)) {
        // NewReno partial ACK (RFC 6582 §3.2 step 3): the next hole is lost too; resend it now.
        // With SACK the pipe-limited send loop in output() picks the holes instead.
        if (!this.sackOk) this.retransmitFront(now, 'fast-retransmit');
      } else if (this.rtoRecover !== null && seqLt(ack, this.rtoRecover)) {
        // Still repairing after a timeout: the next segment at SND.UNA was lost as well.
        this.retransmitFront(now, 'retransmit');
      } else {
        this.rtoRecover = null;
      }
    }
    if (dataAcked > 0) this.port.writable();
  }

  /**
   * RFC 5681 §2's duplicate ACK, given SEG.ACK = SND.UNA and data outstanding: no data, no SYN or
   * FIN, the advertised window unchanged. And not the answer to a zero-window probe: a probe is
   * sent past a shut window (RFC 9293 §3.8.6.1), so the receiver refuses it by design and its ACK
   * (window still 0) reports the window, not a loss; counted, a few probes made a spurious fast
   * retransmit and a cwnd cut after every zero-window episode. SACK adds its own definition
   * (RFC 6675 §2, in ackArrives): an ACK with new SACK information counts whatever else it carries.
   */
  private isRfc5681Duplicate(seg: TcpSegment, wasZeroWindow: boolean): boolean {
    if (segLen(seg) !== 0 || seg.flags & Flag.FIN) return false;
    if (wasZeroWindow || seg.window === 0 || this.probed || this.timers.isRunning('persist')) return false;
    return (seg.window << this.sndShift) === this.sndWndValue;
  }

  /**
   * A duplicate ACK (RFC 5681 §2, or RFC 6675 §2 with SACK). The third, or SACK information that shows the first segment lost
   * (RFC 6675 §5), starts fast retransmit and recovery. Without congestion control (the RFC 793
   * machine) there is no fast retransmit: only the timer repairs a loss.
   */
  private duplicateAck(now: number): void {
    this.dupAcks++;
    if (this.cc.inRecovery) {
      this.cc.onDupAckInRecovery(this.sndMssValue, now); // NewReno inflation; output() then sends
      return;
    }
    if (!this.cc.mayEnterRecovery(this.sndUnaValue)) return;
    // RFC 6675 §5 (3): DupAcks ≥ DupThresh, or IsLost(HighACK + 1): more than (DupThresh − 1)·SMSS
    // octets, or DupThresh discontiguous blocks, SACKed above SND.UNA.
    const sackSaysLost = this.sackOk && this.sack.isLost(this.sndUnaValue, this.sndMssValue);
    if (this.dupAcks >= 3 || sackSaysLost) {
      this.cc.enterRecovery(seqDiff(this.sndNxtValue, this.sndUnaValue), this.sndMssValue, this.sndNxtValue, this.sackOk, now);
      this.retransmitFront(now, 'fast-retransmit');
    }
  }

  // --- Timeouts (§3.10.8) ---

  /** The retransmission timer fired and the retry limit is not reached: back off and resend (RFC 6298 §5.4–5.6). */
  retransmitTimeout(handshake: boolean, now: number): void {
    this.retriesValue++;
    this.rtt.backoff(); // RFC 6298 §5.5
    this.rttSeq = null; // Karn: no sample from a retransmitted segment
    if (handshake) {
      this.synRetransmitted = true;
      this.port.resendSyn(now);
    } else {
      this.cc.onTimeout(seqDiff(this.sndNxtValue, this.sndUnaValue), this.sndMssValue, this.sndNxtValue, now);
      this.sack.onTimeout();
      this.rtoRecover = this.sndNxtValue;
      this.retransmitFront(now, 'retransmit');
    }
    this.timers.set('retransmit', now + this.rtt.rto, now);
  }

  /** Zero-window probe (§3.8.6.1): one byte of new data beyond the window, or the FIN. */
  persistTimeout(now: number): void {
    const sentOff = seqDiff(this.sndNxtValue, this.bufHeadSeq);
    const unsent = this.buf.length - sentOff;
    if (this.sndWndValue > 0) {
      // SWS override timeout (§3.8.6.2.1): the window is open but too small for the rules; send what fits.
      const usable = Math.min(this.sndWndValue, this.cc.cwnd) - seqDiff(this.sndNxtValue, this.sndUnaValue);
      const len = Math.min(unsent, this.segmentMss(), usable);
      if (len > 0) {
        const fin = this.finSeq !== null && len === unsent;
        this.emitData(this.sndNxtValue, len, fin, 'data', now);
        this.advanceSndNxt(len + (fin ? 1 : 0), now);
      }
      this.persistBackoff = 0;
      return;
    }
    if (seqLt(this.sndUnaValue, this.sndNxtValue)) {
      // Something is outstanding (an earlier probe, or data sent before the window shut): probe
      // with the first unacknowledged octet again rather than pushing new ones past the window.
      this.sendProbe(this.sndUnaValue, now);
    } else if (sentOff < this.buf.length || (this.finSeq !== null && this.sndNxtValue === this.finSeq)) {
      // One octet of new data (or the FIN) beyond the shut window (§3.8.6.1).
      this.sendProbe(this.sndNxtValue, now);
      this.sndNxtValue = seqAdd(this.sndNxtValue, 1);
      this.sndMax = seqMax(this.sndMax, this.sndNxtValue);
      this.probed = true;
    } else {
      return;
    }
    this.persistBackoff++;
    this.armPersist(now);
  }

  /** A zero-window probe: the one octet (or the FIN) at `seq`. The persist timer, not the
   *  retransmission timer, repeats it, and it never counts against the retry limit. */
  private sendProbe(seq: number, now: number): void {
    const fin = this.finSeq !== null && seq === this.finSeq;
    this.timers.cancel('retransmit', now);
    this.emitData(seq, fin ? 0 : 1, fin, 'window-probe', now);
  }

  private armPersist(now: number): void {
    const interval = Math.min(this.settings.maxPersist, this.rtt.rto * 2 ** this.persistBackoff);
    this.timers.set('persist', now + interval, now);
  }

  // --- Output ---

  /** Send what the windows allow, then the FIN; in SACK recovery, what the pipe allows (RFC 6675). */
  output(now: number): void {
    if (!SENDS_DATA.has(this.port.state())) return;
    if (this.cc.inRecovery && this.sackOk) {
      this.sackRecoverySend(now);
    } else {
      // Limited Transmit (RFC 3042): each of the first two duplicate ACKs lets one new segment out
      // beyond cwnd, so a small window can still collect the three duplicates fast retransmit needs.
      const limited = this.cc.enabled && !this.cc.inRecovery && this.dupAcks > 0 && this.dupAcks < 3 ? this.dupAcks * this.sndMssValue : 0;
      while (this.sendNew(now, Math.min(this.sndWndValue, this.cc.cwnd + limited) - seqDiff(this.sndNxtValue, this.sndUnaValue)));
    }
    // Data waits on a shut window with nothing in flight: probe it with the persist timer (§3.8.6.1).
    if (this.unsent() && this.sndUnaValue === this.sndNxtValue && !this.timers.isRunning('persist')) {
      this.armPersist(now);
    }
  }

  /**
   * Send one new segment using at most `room` bytes of window, with sender SWS avoidance
   * (§3.8.6.2.1) and Nagle (§3.7.4). Returns whether another may follow.
   */
  private sendNew(now: number, room: number): boolean {
    const inFlight = seqDiff(this.sndNxtValue, this.sndUnaValue);
    const unsent = this.buf.length - seqDiff(this.sndNxtValue, this.bufHeadSeq);
    if (unsent > 0) {
      const mss = this.segmentMss();
      const len = Math.min(unsent, mss, room);
      if (len <= 0) return false;
      // A full segment; or everything left when the peer can take it and (Nagle) nothing is
      // outstanding; or at least half the largest window the peer ever offered.
      const full = len === mss;
      const rest = len === unsent && (!this.nagle || inFlight === 0);
      const half = this.maxSndWnd > 0 && len >= this.maxSndWnd / 2;
      if (!full && !rest && !half) return false;
      const fin = this.finSeq !== null && len === unsent;
      this.emitData(this.sndNxtValue, len, fin, seqLt(this.sndNxtValue, this.sndMax) ? 'retransmit' : 'data', now);
      this.advanceSndNxt(len + (fin ? 1 : 0), now);
      return !fin;
    }
    if (this.finSeq !== null && this.sndNxtValue === this.finSeq && !(room < 1 && this.sndWndValue === 0)) {
      this.emitData(this.sndNxtValue, 0, true, 'fin', now);
      this.advanceSndNxt(1, now);
    }
    return false;
  }

  /** RFC 6675 §5: while cwnd − pipe ≥ 1 SMSS, resend the next lost segment, else send new data. */
  private sackRecoverySend(now: number): void {
    for (let guard = 0; guard < 10_000; guard++) {
      const pipe = this.sack.pipe(this.sndUnaValue, this.sndNxtValue, this.sndMssValue);
      if (this.cc.cwnd - pipe < this.sndMssValue) return;
      const lost = this.sack.nextLost(this.sndUnaValue, this.sndMssValue);
      if (lost !== null) {
        if (!this.retransmitFrom(lost, now, 'fast-retransmit')) return;
        continue;
      }
      const room = this.sndWndValue - seqDiff(this.sndNxtValue, this.sndUnaValue);
      if (!this.sendNew(now, Math.min(room, this.sndMssValue))) return;
    }
  }

  private advanceSndNxt(n: number, now: number): void {
    if (this.rttSeq === null && !seqLt(this.sndNxtValue, this.sndMax)) {
      this.rttSeq = seqAdd(this.sndNxtValue, n);
      this.rttStart = now;
    }
    this.sndNxtValue = seqAdd(this.sndNxtValue, n);
    this.sndMax = seqMax(this.sndMax, this.sndNxtValue);
    if (!this.timers.isRunning('retransmit')) this.timers.set('retransmit', now + this.rtt.rto, now);
    this.timers.cancel('persist', now);
  }

  /** Retransmit the first unacknowledged segment (the front of the retransmission queue). */
  private retransmitFront(now: number, reason: SendReason): void {
    this.retransmitFrom(this.sndUnaValue, now, reason);
  }

  /** Resend from `seq`: up to one MSS, stopping at the next SACKed range. Returns whether anything went. */
  private retransmitFrom(seq: number, now: number, reason: SendReason): boolean {
    const state = this.port.state();
    if (state === 'SYN-SENT' || state === 'SYN-RECEIVED') {
      this.port.resendSyn(now);
      return true;
    }
    const off = Math.max(0, seqDiff(seq, this.bufHeadSeq));
    const outstandingData = Math.min(this.buf.length, seqDiff(this.sndNxtValue, this.bufHeadSeq)) - off;
    const mss = this.segmentMss();
    const len = Math.max(0, Math.min(mss, outstandingData, this.sack.holeLength(seq, mss)));
    const fin = this.finSeq !== null && seqGt(this.sndNxtValue, this.finSeq) && seqAdd(seq, len) === this.finSeq;
    if (len === 0 && !fin) return false;
    this.totalRetransmitsValue++;
    this.rttSeq = null; // Karn's rule
    this.sack.markRetransmitted(seq, len);
    this.emitData(seq, len, fin, reason, now);
    if (!this.timers.isRunning('retransmit')) this.timers.set('retransmit', now + this.rtt.rto, now);
    return true;
  }

  private emitData(seq: number, len: number, fin: boolean, reason: SendReason, now: number): void {
    const off = seqDiff(seq, this.bufHeadSeq);
    const payload = len > 0 ? this.buf.view(off, len) : EMPTY;
    let flags = Flag.ACK;
    if (fin) flags |= Flag.FIN;
    if (len > 0 && off + len === this.buf.length) flags |= Flag.PSH;
    this.port.emit(seq, flags, payload, reason, now);
  }

  /**
   * Payload that fits in the next segment: the effective send MSS (which already allows for
   * timestamps) less the SACK blocks this segment will carry (RFC 9293 §3.7.1: the MSS excludes
   * TCP options), so no segment ever exceeds the path MTU.
   */
  private segmentMss(): number {
    const blocks = this.sackOk ? this.port.sackBlocksOut() : 0;
    return blocks === 0 ? this.sndMssValue : Math.max(1, this.sndMssValue - (4 + 8 * blocks));
  }
}
