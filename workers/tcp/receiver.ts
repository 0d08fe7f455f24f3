// The receiving half of a connection: RCV.NXT and RCV.WND (RFC 9293 §3.3.1), the acceptability
// test and trimming of the first step (§3.10.7.4), segment text and the FIN (seventh and eighth
// steps), when to acknowledge (§3.8.6.3 delayed ACK, RFC 5681 §4.2), the window we advertise
// (§3.8.6.2.2) and SACK blocks (RFC 2018). State changes are not made here: the connection makes
// them from what these methods report.
import { Flag, type TcpSegment } from './wire/types.ts';
import type { StackSettings } from './settings.ts';
import type { SendReason } from './trace.ts';
import { seqAdd, seqDiff, seqInWindow, seqMax } from './seq.ts';
import { RecvBuffer } from './recv-buffer.ts';
import type { TimerSet } from './timers.ts';
import type { Timestamps } from './timestamps.ts';
import { MAX_WINDOW_FIELD, MAX_WSCALE, segLen } from './segment.ts';

/** What the receiver reports to its connection. */
export interface ReceiverEvents {
  /** In-order bytes were added to the receive buffer. */
  delivered(n: number, now: number): void;
  /** Segment text that cannot be taken in this state. */
  dropped(seg: TcpSegment, detail: string, now: number): void;
}

/** ACK, window and SACK blocks for one outgoing segment (gVisor's getSendParams). */
export interface SendParams {
  ack: number;
  /** The 16-bit window field (scaled, except in a SYN). */
  window: number;
  sackBlocks: { left: number; right: number }[] | null;
}

export class Receiver {
  /** IRS: the peer's initial sequence number. */
  private irsValue = 0;
  private rcvNxtValue = 0;
  /** Right edge of the window last advertised: RCV.NXT + RCV.WND. It never moves left (§3.8.6.2.2). */
  private rcvAdvRight = 0;
  /** Window shift we announced (RFC 7323 §2.2); 0 without window scaling. */
  private rcvShift = 0;
  private sackOk = false;
  private readonly buf: RecvBuffer;
  /** Sequence number of the peer's FIN when it arrived ahead of missing data. */
  private peerFinSeq: number | null = null;
  private finReceivedValue = false;
  /** The user will read no more: arriving data is acknowledged and discarded. */
  private userClosed = false;
  /** An ACK is owed and goes out at the end of this event unless a segment carries it first. */
  private ackNow = false;
  /** Full-sized segments received since our last ACK (delayed ACK, RFC 9293 §3.8.6.3). */
  private unackedSegments = 0;
  /** Delayed ACKs for this connection (a per-connection switch). */
  private delayedAck: boolean;
  /** A duplicate range to report as the first SACK block of the next ACK (RFC 2883 D-SACK). */
  private dsack: { left: number; right: number } | null = null;
  /** Reused for every outgoing segment: the hot path allocates nothing for it. */
  private readonly params: SendParams = { ack: 0, window: 0, sackBlocks: null };

  constructor(
    private readonly settings: StackSettings,
    private readonly timers: TimerSet,
    private readonly ts: Timestamps,
    private readonly events: ReceiverEvents,
  ) {
    this.buf = new RecvBuffer(settings.receiveBufferSize);
    this.delayedAck = settings.delayedAck;
  }

  get irs(): number {
    return this.irsValue;
  }

  get rcvNxt(): number {
    return this.rcvNxtValue;
  }

  /** RCV.WND: what remains of the window last advertised. */
  get rcvWnd(): number {
    return Math.max(0, seqDiff(this.rcvAdvRight, this.rcvNxtValue));
  }

  /** Bytes the user can read. */
  get available(): number {
    return this.buf.available;
  }

  /** Free space in the receive buffer. */
  get free(): number {
    return this.buf.window;
  }

  get finReceived(): boolean {
    return this.finReceivedValue;
  }

  /** The peer's FIN was received and every byte before it read. */
  get eof(): boolean {
    return this.finReceivedValue && this.buf.available === 0;
  }

  /** Out-of-order ranges are held: an ACK now is a duplicate ACK (RFC 5681 §4.2). */
  get hasHoles(): boolean {
    return this.buf.outOfOrder.length > 0;
  }

  setDelayedAck(on: boolean): void {
    this.delayedAck = on;
  }

  /** A SYN arrived with sequence number `irs` (§3.10.7.2, §3.10.7.3): RCV.NXT is the byte after it. */
  synchronize(irs: number): void {
    this.irsValue = irs;
    this.rcvNxtValue = seqAdd(irs, 1);
    this.rcvAdvRight = this.rcvNxtValue;
  }

  /** A valid SYN cookie's ACK at `seq` (RFC 4987 §3.6): the window its SYN,ACK offered. */
  synchronizeFromCookie(seq: number): void {
    this.irsValue = seqAdd(seq, -1);
    this.rcvNxtValue = seq;
    this.rcvAdvRight = seqAdd(seq, Math.min(this.buf.window, MAX_WINDOW_FIELD));
  }

  /** What the handshake agreed (RFC 7323 window scale, RFC 2018 SACK-permitted). */
  negotiated(rcvShift: number | null, sackOk: boolean): void {
    if (rcvShift !== null) this.rcvShift = rcvShift;
    this.sackOk = sackOk;
  }

  /** The shift that lets our whole receive buffer be advertised (RFC 7323 §2.3). */
  windowShift(): number {
    let shift = 0;
    while (shift < MAX_WSCALE && MAX_WINDOW_FIELD << shift < this.buf.capacity) shift++;
    return shift;
  }

  /** The four cases of the acceptability test (§3.10.7.4, first step). */
  acceptable(seg: TcpSegment): boolean {
    const len = segLen(seg);
    const wnd = this.rcvWnd;
    const end = seqAdd(this.rcvNxtValue, wnd);
    if (len === 0) return wnd === 0 ? seg.seq === this.rcvNxtValue : seqInWindow(seg.seq, this.rcvNxtValue, end);
    if (wnd === 0) return false;
    return seqInWindow(seg.seq, this.rcvNxtValue, end) || seqInWindow(seqAdd(seg.seq, len - 1), this.rcvNxtValue, end);
  }

  /** Cut what lies before RCV.NXT or beyond the window, so only new parts are processed (§3.10.7.4). */
  trim(seg: TcpSegment): TcpSegment {
    let { seq, flags, payload } = seg;
    let front = seqDiff(this.rcvNxtValue, seq);
    if (front > 0) {
      if (flags & Flag.SYN) {
        flags &= ~Flag.SYN;
        seq = seqAdd(seq, 1);
        front--;
      }
      const cut = Math.min(front, payload.length);
      if (cut > 0) this.duplicate(seq, seqAdd(seq, cut)); // RFC 2883 §4.1.2: the part already received
      payload = payload.subarray(cut);
      seq = seqAdd(seq, cut);
      front -= cut;
      if (front > 0 && flags & Flag.FIN) flags &= ~Flag.FIN;
    }
    const room = seqDiff(seqAdd(this.rcvNxtValue, this.rcvWnd), seq);
    if (payload.length > room) {
      payload = payload.subarray(0, Math.max(0, room));
      flags &= ~Flag.FIN; // the FIN lies beyond the window
    }
    if (seq === seg.seq && flags === seg.flags && payload === seg.payload) return seg;
    return { ...seg, seq, flags, payload };
  }

  /**
   * Seventh and eighth steps: segment text, then the FIN bit. `receivesData` is false once the
   * peer's FIN came (CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT), where text "should not occur".
   * Returns true when the peer's FIN is now in order: RCV.NXT has passed it and the connection
   * makes the eighth step's state change.
   */
  text(seg: TcpSegment, receivesData: boolean, state: string, now: number): boolean {
    const len = seg.payload.length;
    if (len > 0) {
      if (receivesData) {
        const inOrder = seg.seq === this.rcvNxtValue;
        const hadHoles = this.buf.outOfOrder.length > 0;
        const offset = this.buf.nextOffset + seqDiff(seg.seq, this.rcvNxtValue);
        if (hadHoles) this.duplicateOfHeld(offset, len, seg.seq);
        const advanced = this.buf.insert(offset, seg.payload);
        if (advanced > 0) this.rcvNxtValue = seqAdd(this.rcvNxtValue, advanced);
        if (!inOrder || hadHoles) {
          // RFC 5681 §4.2: an immediate duplicate ACK for an out-of-order segment, and an immediate
          // ACK for one that "fills in all or part of a gap": the sender is repairing a loss and
          // waits on these ACKs, so none is delayed.
          this.ackNow = true;
        } else {
          this.scheduleAck(len, now);
        }
        if (advanced > 0) {
          if (this.userClosed) this.buf.discard();
          this.events.delivered(advanced, now);
        }
      } else {
        this.events.dropped(seg, `data after the peer's FIN ignored in ${state}`, now);
      }
    }
    if (seg.flags & Flag.FIN) {
      this.peerFinSeq = seqAdd(seg.seq, len);
      this.ackNow = true;
    }
    if (this.peerFinSeq === null || this.finReceivedValue || this.rcvNxtValue !== this.peerFinSeq) return false;
    // The eighth step: the FIN occupies one sequence number, and is acknowledged at once.
    this.finReceivedValue = true;
    this.rcvNxtValue = seqAdd(this.rcvNxtValue, 1);
    this.rcvAdvRight = seqMax(this.rcvAdvRight, this.rcvNxtValue);
    this.ackNow = true;
    return true;
  }

  /**
   * An unacceptable segment whose text lies wholly before RCV.NXT: a duplicate the peer resent,
   * reported to it as a D-SACK block (RFC 2883 §4.1.1) in the ACK the segment gets.
   */
  unacceptableText(seg: TcpSegment): void {
    const end = seqAdd(seg.seq, seg.payload.length);
    if (seg.payload.length > 0 && !(seg.flags & Flag.SYN) && seqDiff(this.rcvNxtValue, end) >= 0 && seqDiff(this.rcvNxtValue, end) < 0x4000_0000) {
      this.duplicate(seg.seq, end);
    }
  }

  /** Remember a duplicate range for the next ACK (RFC 2883 §4: one D-SACK block, the latest). */
  private duplicate(left: number, right: number): void {
    if (this.sackOk) this.dsack = { left, right };
  }

  /** Text at `offset` overlapping out-of-order data already held: its first overlap (RFC 2883 §4.2.1). */
  private duplicateOfHeld(offset: number, len: number, seq: number): void {
    for (const r of this.buf.outOfOrder) {
      const from = Math.max(r.start, offset);
      const to = Math.min(r.end, offset + len);
      if (from < to) {
        this.duplicate(seqAdd(seq, from - offset), seqAdd(seq, to - offset));
        return;
      }
    }
  }

  /** Acknowledge at the end of this event (an unacceptable segment, a segment at a shut window…). */
  ackAtOnce(): void {
    this.ackNow = true;
  }

  /** The ACK owed at the end of an event, if any: taken, so it is sent once. */
  takeAckDue(): SendReason | null {
    if (!this.ackNow) return null;
    this.ackNow = false;
    return this.buf.outOfOrder.length > 0 ? 'dup-ack' : 'ack';
  }

  /**
   * ACK, window and SACK blocks for an outgoing segment with `flags`: the one place every segment
   * gets them, so the advertised right edge is tracked for all (§3.8.6.2.2). A SYN's window is
   * never scaled (RFC 7323 §2.2); an RST advertises none; a segment with ACK settles what was owed.
   */
  sendParams(flags: number): SendParams {
    const p = this.params;
    p.ack = flags & Flag.ACK ? this.rcvNxtValue : 0;
    p.sackBlocks = null;
    if (flags & Flag.SYN) {
      p.window = Math.min(this.buf.window, MAX_WINDOW_FIELD);
      this.rcvAdvRight = seqAdd(this.rcvNxtValue, p.window);
      this.ackNow = false;
      return p;
    }
    if (flags & Flag.RST) {
      p.window = 0;
      return p;
    }
    if (this.sackOk && (this.buf.outOfOrder.length > 0 || this.dsack !== null)) p.sackBlocks = this.sackBlocks();
    p.window = this.advertise();
    if (flags & Flag.ACK) {
      this.dsack = null; // reported once (RFC 2883 §4)
      this.ackNow = false;
      this.unackedSegments = 0;
    }
    return p;
  }

  /** How many SACK blocks the next segment carries, for the room they take (RFC 2018 §3). */
  sackBlocksOut(): number {
    return this.sackOk ? Math.min(this.buf.outOfOrder.length + (this.dsack !== null ? 1 : 0), this.ts.ok ? 3 : 4) : 0;
  }

  /**
   * After the user read: whether the window opened enough to tell the peer now (§3.8.6.2.2), by
   * at least min(buffer/2, MSS) from a small window, or by half the buffer in any case.
   */
  windowUpdateDue(windowBefore: number): boolean {
    if (this.finReceivedValue) return false;
    const current = this.rcvWnd;
    const possible = Math.min(this.buf.window, MAX_WINDOW_FIELD << this.rcvShift);
    const threshold = Math.min(Math.floor(this.buf.capacity / 2), this.effectiveRcvMss());
    if (possible - current >= threshold && (current < threshold || windowBefore < threshold)) return true;
    return possible - current >= this.buf.capacity / 2;
  }

  /** RECEIVE (§3.10.3): up to `max` in-order bytes. */
  read(max: number): Uint8Array {
    return this.buf.read(max);
  }

  /** RECEIVE into the caller's buffer; returns the count. */
  readInto(target: Uint8Array): number {
    return this.buf.readInto(target);
  }

  /**
   * The user closed (or aborted): from now on data is acknowledged and discarded, and the whole
   * buffer is offered as window. `discard` drops what is already queued.
   */
  stopReading(discard: boolean): void {
    this.userClosed = true;
    if (discard) this.buf.discard();
  }

  /** Delayed ACK (RFC 9293 §3.8.6.3, RFC 5681 §4.2): at least every second full-sized segment. */
  private scheduleAck(len: number, now: number): void {
    if (!this.delayedAck) {
      this.ackNow = true;
      return;
    }
    if (len >= this.effectiveRcvMss()) this.unackedSegments++;
    if (this.unackedSegments >= 2) {
      this.ackNow = true;
    } else if (!this.timers.isRunning('delayed-ack')) {
      this.timers.set('delayed-ack', now + this.settings.delayedAckTimeout, now);
    }
  }

  /** Window to advertise, with receiver-side SWS avoidance (§3.8.6.2.2): the right edge moves
   *  only by at least min(buffer/2, MSS), and never moves left. Returns the (scaled) field value. */
  private advertise(): number {
    const capacity = this.buf.capacity;
    const free = this.userClosed ? capacity : this.buf.window;
    const maxWnd = MAX_WINDOW_FIELD << this.rcvShift;
    let wnd = Math.min(free, maxWnd);
    const newRight = seqAdd(this.rcvNxtValue, wnd);
    const grow = seqDiff(newRight, this.rcvAdvRight);
    const threshold = Math.min(Math.floor(capacity / 2), this.effectiveRcvMss());
    if (grow < threshold) {
      wnd = Math.max(0, seqDiff(this.rcvAdvRight, this.rcvNxtValue));
      wnd = Math.min(wnd, maxWnd);
    }
    const field = Math.min(MAX_WINDOW_FIELD, Math.ceil(wnd / 2 ** this.rcvShift));
    const advertised = field << this.rcvShift;
    this.rcvAdvRight = seqMax(this.rcvAdvRight, seqAdd(this.rcvNxtValue, advertised));
    return field;
  }

  /** The MSS the peer sends with: ours less the timestamps option every segment carries. */
  private effectiveRcvMss(): number {
    return this.settings.mss - (this.ts.ok ? 12 : 0);
  }

  /**
   * SACK blocks (RFC 2018 §4): the range holding the most recent arrival first, then the others in
   * order; a D-SACK block before them all (RFC 2883 §4), so when it repeats held data the block
   * holding it follows as the second.
   */
  private sackBlocks(): { left: number; right: number }[] {
    const held = this.heldBlocks();
    return this.dsack === null ? held : [this.dsack, ...held].slice(0, 4);
  }

  private heldBlocks(): { left: number; right: number }[] {
    const base = this.buf.nextOffset;
    const last = this.buf.lastOutOfOrder;
    const ranges = this.buf.outOfOrder;
    // With a D-SACK of held data, the block holding it goes first after the D-SACK (RFC 2883 §4.2.1).
    const mark = this.dsack !== null ? base + seqDiff(this.dsack.left, this.rcvNxtValue) : last;
    const first = ranges.findIndex((r) => r.start <= mark && mark < r.end);
    const ordered = first <= 0 ? ranges : [ranges[first]!, ...ranges.slice(0, first), ...ranges.slice(first + 1)];
    // At most 4 here; the codec trims to what fits beside the other options (3 with timestamps).
    return ordered.slice(0, 4).map((r) => ({
      left: seqAdd(this.rcvNxtValue, r.start - base),
      right: seqAdd(this.rcvNxtValue, r.end - base),
    }));
  }
}

