// One TCP connection, RFC 9293 §3.10: the orchestrator of a sender (sender.ts) and a receiver
// (receiver.ts), as gVisor splits its endpoint. It owns the user calls, the first four steps of
// SEGMENT ARRIVES (sequence check, RST, security, SYN), the handshake, the close, and the one
// setState every state change goes through. It never touches bytes on the wire: it takes decoded
// segments, user calls and `now`, and hands segments to its host through ConnContext. Timers are
// deadlines the host polls (timers.ts).
import { Flag, type TcpSegment } from './wire/types.ts';
import { formatIpv4Address } from './wire/address.ts';
import { RECEIVES_DATA, SENDS_DATA, SYNCHRONIZED, type TcpState } from './state.ts';
import type { SendReason, TcbSnapshot } from './trace.ts';
import { fail, ok, type Result, type SocketError, type SocketErrorCode } from './errors.ts';
import { seqAdd } from './seq.ts';
import { ConnTimeouts, type TimeoutVerdict } from './conn-timeouts.ts';
import { TIMER_NAMES, TimerSet } from './timers.ts';
import { Timestamps } from './timestamps.ts';
import { Receiver } from './receiver.ts';
import { Sender } from './sender.ts';
import { Handshake } from './handshake.ts';
import { EMPTY } from './segment.ts';
import { KeepAlive, isKeepAliveProbe } from './keepalive.ts';
import type { ConnContext, ConnIdentity, ConnOption, HostMarks } from './conn-context.ts';

/** States in which the user may still hand us data to send. */
const CAN_SEND: ReadonlySet<TcpState> = new Set(['SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'CLOSE-WAIT']);
/** States the idle and user timeouts watch: synchronized, and not already ending on its own timer. */
const WATCHED: ReadonlySet<TcpState> = new Set(['ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK']);
/** States in which ABORT sends an RST: the peer has state to reset (§3.10.5). */
/** States in which keep-alive probes an idle peer (RFC 1122 §4.2.3.6), as Linux does. */
const KEEPS_ALIVE: ReadonlySet<TcpState> = new Set(['ESTABLISHED', 'CLOSE-WAIT', 'FIN-WAIT-2']);
const RESET_ON_ABORT: ReadonlySet<TcpState> = new Set(['SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT']);

type DropKind = 'unacceptable' | 'rst-ignored' | 'out-of-window' | 'old-duplicate' | 'paws' | 'rate-limited';

export class Connection {
  readonly id: number;
  readonly localAddr: number;
  readonly localPort: number;
  readonly remoteAddr: number;
  readonly remotePort: number;
  readonly role: 'active' | 'passive';
  /** The host's bookkeeping (event bits, rate-limit clock); not part of the TCB. */
  readonly hostMarks: HostMarks = { queuedEvents: 0, lastInvalidAck: null };

  private stateValue: TcpState = 'CLOSED';
  private readonly timers: TimerSet;
  private readonly ts: Timestamps;
  private readonly snd: Sender;
  private readonly rcv: Receiver;
  /** Idle and user timeouts (conn-timeouts.ts). */
  private readonly watch: ConnTimeouts;
  private readonly handshake: Handshake;
  private readonly keepAlive: KeepAlive;

  // --- User side ---
  /** close() was called: the user reads no more; arriving data is acknowledged and discarded. */
  private userClosedValue = false;
  /** shutdown() or close() was called: we send no more. */
  private userShutdown = false;
  /** CLOSE arrived in SYN-RECEIVED with data queued: send the FIN once ESTABLISHED (§3.10.4). */
  private closeWhenEstablished = false;
  private errorValue: SocketError | null = null;

  constructor(private readonly ctx: ConnContext<Connection>, id: ConnIdentity, now: number) {
    const s = ctx.settings;
    this.id = id.id;
    this.localAddr = id.localAddr;
    this.localPort = id.localPort;
    this.remoteAddr = id.remoteAddr;
    this.remotePort = id.remotePort;
    this.role = id.role;
    this.timers = new TimerSet(ctx, id.id);
    this.ts = new Timestamps((id.iss ^ 0x5a5a5a5a) >>> 0);
    this.watch = new ConnTimeouts(now);
    this.keepAlive = new KeepAlive(s.keepAlive);
    this.snd = new Sender(s, id.iss, this.timers, this.ts, this.watch, {
      state: () => this.stateValue,
      emit: (seq, flags, payload, reason, t) => this.emit(seq, flags, payload, reason, t),
      resendSyn: (t) => this.handshake.sendSyn(t, true),
      writable: () => this.ctx.notify(this, 'writable'),
      sackBlocksOut: () => this.rcv.sackBlocksOut(),
      cwndChanged: (reason) => this.traceCwnd(reason),
    });
    this.rcv = new Receiver(s, this.timers, this.ts, {
      delivered: (n, t) => this.delivered(n, t),
      dropped: (seg, detail, t) => this.drop(seg, t, 'unacceptable', detail),
    });
    this.handshake = new Handshake(s, this.snd, this.rcv, this.ts, {
      localPort: this.localPort, remotePort: this.remotePort, role: this.role,
      state: () => this.stateValue,
      setState: (to, cause, t) => this.setState(to, cause, t),
      becomeEstablished: (cause, t) => this.becomeEstablished(cause, t),
      fail: (code, message, cause, t) => this.fail(code, message, cause, t),
      drop: (seg, t, reason, detail) => this.drop(seg, t, reason, detail),
      emit: (seq, flags, payload, reason, t) => this.emit(seq, flags, payload, reason, t),
      send: (seg, reason) => this.ctx.send(this, seg, reason),
      processText: (seg, t) => this.processText(seg, t),
    });
    if (ctx.tracing) {
      ctx.trace({
        type: 'conn', t: now, host: ctx.hostName, conn: this.id,
        localAddr: formatIpv4Address(this.localAddr), localPort: this.localPort,
        remoteAddr: formatIpv4Address(this.remoteAddr), remotePort: this.remotePort, role: this.role,
      });
    }
  }

  get state(): TcpState {
    return this.stateValue;
  }

  /** The error the user was told, once the connection failed. */
  get error(): SocketError | null {
    return this.errorValue;
  }

  /** close() or abort() was called: nobody will read this connection again. */
  get userClosed(): boolean {
    return this.userClosedValue;
  }

  get readable(): number {
    return this.rcv.available;
  }

  get writable(): number {
    return this.userShutdown ? 0 : this.snd.free;
  }

  /** Per-connection switches: Nagle (RFC 9293 §3.7.4), delayed ACKs (§3.8.6.3), keep-alive (§3.8.4). */
  setOption(option: ConnOption, value: boolean, now: number): void {
    if (option === 'nagle') this.snd.setNagle(value);
    else if (option === 'delayedAck') this.rcv.setDelayedAck(value);
    else {
      this.keepAlive.set(value);
      this.armTimeouts(now);
    }
  }

  // ===================================================================================
  // User calls (RFC 9293 §3.10.1–3.10.6)
  // ===================================================================================

  /** OPEN, active (§3.10.1): send SYN, enter SYN-SENT. */
  openActive(now: number): void {
    this.handshake.openActive(now);
  }

  /** A SYN arrived at a listener (§3.10.7.2): create the TCB in SYN-RECEIVED and answer SYN,ACK. */
  openPassive(seg: TcpSegment, now: number): void {
    this.handshake.openPassive(seg, now);
  }

  /** The ACK of a valid SYN cookie (RFC 4987 §3.6): ESTABLISHED at once, then the ACK (with any data) is processed there (§3.10.7.4). */
  openFromCookie(seg: TcpSegment, peerMss: number, now: number): void {
    this.handshake.openFromCookie(seg, peerMss, now);
    this.segmentArrives(seg, now);
  }

  /** The host takes this half-open connection back to make room in a full backlog (RFC 4987 §3.4). */
  recycle(cause: string, now: number): void {
    if (this.stateValue === 'SYN-RECEIVED') this.returnToListen(cause, now);
  }

  /**
   * End the connection on the host's behalf (a timeout, abortPeer): as ABORT (§3.10.5), an RST
   * where the peer has state unless `reset` is false, and the user is told why with `code`.
   */
  terminate(code: SocketErrorCode, message: string, cause: string, now: number, reset = true): void {
    if (this.stateValue === 'CLOSED') return;
    if (reset && RESET_ON_ABORT.has(this.stateValue)) this.emit(this.snd.acceptableSeq(), Flag.RST, EMPTY, 'rst', now);
    this.snd.discardQueued();
    if (this.stateValue === 'TIME-WAIT') this.toClosed(cause, now);
    else this.fail(code, message, cause, now);
  }

  /** SEND (§3.10.2): queue bytes; returns how many fitted in the send buffer. */
  write(bytes: Uint8Array, now: number): Result<number> {
    if (this.errorValue) return { ok: false, error: this.errorValue };
    if (this.userShutdown) return fail('EPIPE', 'connection closing: this side already sent its FIN, it cannot send more data');
    if (!CAN_SEND.has(this.stateValue)) return fail('ENOTCONN', `cannot send in ${this.stateValue}`);
    const n = this.snd.write(bytes);
    if (SENDS_DATA.has(this.stateValue)) this.snd.output(now);
    this.armTimeouts(now);
    this.snapshot(now);
    return ok(n);
  }

  /** RECEIVE (§3.10.3): up to `max` in-order bytes; `eof` once the peer's FIN was received and all data read. */
  read(max: number, now: number): Result<{ data: Uint8Array; eof: boolean }> {
    if (this.userClosedValue) return fail('EBADF', 'the socket was closed by the user; it can no longer be read');
    const hadWindow = this.rcv.free;
    const data = this.rcv.read(max);
    if (data.length === 0 && this.errorValue) return { ok: false, error: this.errorValue };
    if (data.length > 0 && this.stateValue !== 'CLOSED') this.maybeWindowUpdate(hadWindow, now);
    return ok({ data, eof: this.rcv.eof });
  }

  /** RECEIVE into the caller's buffer: no allocation, for shells that move a lot of data. */
  readInto(target: Uint8Array, now: number): Result<{ n: number; eof: boolean }> {
    if (this.userClosedValue) return fail('EBADF', 'the socket was closed by the user; it can no longer be read');
    const hadWindow = this.rcv.free;
    const n = this.rcv.readInto(target);
    if (n === 0 && this.errorValue) return { ok: false, error: this.errorValue };
    if (n > 0 && this.stateValue !== 'CLOSED') this.maybeWindowUpdate(hadWindow, now);
    return ok({ n, eof: this.rcv.eof });
  }

  /** CLOSE (§3.10.4) as a half-close: we will send no more; reading goes on. */
  shutdown(now: number): Result<void> {
    switch (this.stateValue) {
      case 'CLOSED':
        return this.errorValue ? { ok: false, error: this.errorValue } : fail('ENOTCONN', 'the connection is closed');
      case 'SYN-SENT':
        // §3.10.4: delete the TCB; queued SENDs are lost.
        this.userShutdown = true;
        this.toClosed('CLOSE / delete TCB', now);
        return ok(undefined);
      case 'SYN-RECEIVED':
      case 'ESTABLISHED':
        if (this.stateValue === 'SYN-RECEIVED' && this.snd.queued > 0 && !this.userShutdown) {
          // §3.10.4: with data queued, a CLOSE in SYN-RECEIVED waits until ESTABLISHED.
          this.userShutdown = true;
          this.closeWhenEstablished = true;
          return ok(undefined);
        }
        if (this.userShutdown) return fail('EPIPE', 'this side already closed its half of the connection');
        return this.sendFin('FIN-WAIT-1', now);
      case 'CLOSE-WAIT':
        return this.sendFin('LAST-ACK', now);
      default:
        return fail('EPIPE', `connection closing: this side already sent its FIN (${this.stateValue})`);
    }
  }

  /** close(): CLOSE, and the user reads no more (arriving data is acknowledged and dropped). */
  close(now: number): Result<void> {
    const wasShut = this.userShutdown;
    this.userClosedValue = true;
    this.rcv.stopReading(true);
    if (wasShut || this.stateValue === 'CLOSED') return ok(undefined);
    const r = this.shutdown(now);
    return r.ok ? r : ok(undefined);
  }

  /** ABORT (§3.10.5): send RST where the peer has state, and delete the TCB. */
  abort(now: number): void {
    if (RESET_ON_ABORT.has(this.stateValue)) this.emit(this.snd.acceptableSeq(), Flag.RST, EMPTY, 'rst', now);
    this.userClosedValue = true;
    this.rcv.stopReading(false);
    this.userShutdown = true;
    this.snd.discardQueued();
    if (this.stateValue !== 'CLOSED') this.toClosed('ABORT / snd RST', now);
  }

  /** STATUS (§3.10.6). */
  status(): TcbSnapshot {
    const snd = this.snd;
    const rcv = this.rcv;
    return {
      state: this.stateValue,
      iss: snd.iss,
      irs: rcv.irs,
      sndUna: snd.sndUna,
      sndNxt: snd.sndNxt,
      sndWnd: snd.sndWnd,
      sndWl1: snd.sndWl1,
      sndWl2: snd.sndWl2,
      rcvNxt: rcv.rcvNxt,
      rcvWnd: rcv.rcvWnd,
      sndMss: snd.sndMss,
      rto: snd.rtt.rto,
      srtt: snd.rtt.srtt,
      rttvar: snd.rtt.rttvar,
      cwnd: snd.cc.cwnd,
      ssthresh: snd.cc.ssthresh,
      sendQueued: snd.queued,
      recvQueued: rcv.available,
      timers: this.timers.running(),
      retransmits: snd.totalRetransmits,
    };
  }

  // ===================================================================================
  // SEGMENT ARRIVES (§3.10.7.3 SYN-SENT, §3.10.7.4 other states)
  // ===================================================================================

  segmentArrives(seg: TcpSegment, now: number): void {
    this.watch.heardAt = now;
    this.keepAlive.heard();
    if (this.stateValue === 'SYN-SENT') this.handshake.arrivesInSynSent(seg, now);
    else if (this.stateValue !== 'CLOSED' && this.stateValue !== 'LISTEN') this.arrivesSynchronizing(seg, now);
    this.flushAck(now);
    this.armTimeouts(now);
    this.snapshot(now);
  }

  private arrivesSynchronizing(seg0: TcpSegment, now: number): void {
    let seg = seg0;
    const f = seg.flags;
    const synReceived = this.stateValue === 'SYN-RECEIVED';

    // PAWS (RFC 7323 §5.3): a timestamp older than TS.Recent marks an old duplicate.
    if (this.ts.ok && !(f & Flag.RST) && seg.options.timestamps && !synReceived) {
      const tsVal = seg.options.timestamps.tsVal;
      if (this.ts.isOld(tsVal, now)) {
        this.answerInvalid(seg, 'invalid-ack', 'paws', `timestamp ${tsVal} is older than TS.Recent ${this.ts.recent} (PAWS)`, now);
        return;
      }
    }

    if (synReceived && f & Flag.SYN) {
      const goOn = this.handshake.synInSynReceived(seg, now);
      if (goOn === null) return;
      seg = goOn;
    }

    // First: check the sequence number (§3.10.7.4).
    if (this.rcv.acceptable(seg)) {
      seg = this.rcv.trim(seg);
    } else {
      const allowed = this.unacceptable(seg, now);
      if (allowed === null) return;
      seg = allowed;
    }

    // Second: the RST bit (RFC 5961 §3.2: only an exact RCV.NXT resets; else challenge ACK).
    if (seg.flags & Flag.RST) {
      if (seg.seq !== this.rcv.rcvNxt) {
        this.answerInvalid(seg, 'challenge-ack', 'rst-ignored', `RST seq ${seg.seq} ≠ RCV.NXT ${this.rcv.rcvNxt}: challenge ACK (RFC 5961)`, now);
        return;
      }
      this.rstArrives(now);
      return;
    }

    // Third, security and precedence, has nothing to check: this TCP uses neither (RFC 9293 §3.10.7.4).
    // Fourth: the SYN bit. In a synchronized state any SYN gets a challenge ACK (RFC 5961 §4).
    if (seg.flags & Flag.SYN) {
      if (synReceived && this.role === 'passive') {
        this.returnToListen('rcv SYN', now);
        return;
      }
      this.answerInvalid(seg, 'challenge-ack', 'unacceptable', 'SYN in a synchronized state: challenge ACK (RFC 5961 §4)', now);
      return;
    }

    // Fifth: the ACK field.
    if (!(seg.flags & Flag.ACK)) {
      this.drop(seg, now, 'unacceptable', 'no ACK bit on a segment of a synchronized connection');
      return;
    }
    if (this.ts.ok && seg.options.timestamps) this.ts.remember(seg, this.rcv.rcvNxt, now);
    if (synReceived && !this.handshake.ackInSynReceived(seg, now)) return;
    if (!this.processAck(seg, now)) return;

    // Sixth (URG) is not implemented: the urgent pointer is ignored, as RFC 6093 advises new applications.
    // Seventh and eighth: segment text and FIN.
    this.processText(seg, now);
  }

  /**
   * A segment that failed the acceptability test (§3.10.7.4, first step). Returns what may still
   * be processed of it (the ACK of a segment at a shut window), or null when it is dropped.
   */
  private unacceptable(seg: TcpSegment, now: number): TcpSegment | null {
    const rcvNxt = this.rcv.rcvNxt;
    if (seg.flags & Flag.RST) {
      this.drop(seg, now, 'out-of-window', `RST seq ${seg.seq} outside the receive window`);
      return null;
    }
    // TIME-WAIT: a retransmitted FIN means our last ACK was lost. ACK again and restart 2MSL.
    if (this.stateValue === 'TIME-WAIT' && seg.flags & Flag.FIN && seqAdd(seg.seq, seg.payload.length + 1) === rcvNxt) {
      this.emitAck('ack', now);
      this.timers.set('time-wait', now + 2 * this.ctx.settings.msl, now);
      this.drop(seg, now, 'old-duplicate', 'retransmitted FIN in TIME-WAIT: ACK sent again, 2MSL timer restarted');
      return null;
    }
    // Zero window: still take the ACK and window of a segment at RCV.NXT (§3.10.7.4 "special allowance").
    if (this.rcv.rcvWnd === 0 && seg.seq === rcvNxt && seg.flags & Flag.ACK) {
      this.rcv.ackAtOnce();
      this.drop(seg, now, 'out-of-window', `receive window is 0: ${seg.payload.length} byte(s) not accepted, ACK processed`);
      return { ...seg, payload: EMPTY, flags: seg.flags & ~(Flag.FIN | Flag.SYN | Flag.PSH) };
    }
    if (isKeepAliveProbe(seg, rcvNxt)) {
      this.rcv.ackAtOnce();
      this.drop(seg, now, 'old-duplicate', `keep-alive probe (seq ${seg.seq} = RCV.NXT − 1): answered with an ACK (RFC 1122 §4.2.3.6)`);
      return null;
    }
    this.rcv.unacceptableText(seg); // a resent duplicate: D-SACK it (RFC 2883)
    // RFC 5961 §4: a SYN gets a challenge ACK whatever its sequence number.
    this.answerInvalid(seg, seg.flags & Flag.SYN ? 'challenge-ack' : 'invalid-ack', 'unacceptable', `seq ${seg.seq} len ${seg.payload.length} outside RCV.NXT ${rcvNxt} RCV.WND ${this.rcv.rcvWnd}`, now);
    return null;
  }

  /** An acceptable RST (§3.10.7.4, second step), per state. */
  private rstArrives(now: number): void {
    switch (this.stateValue) {
      case 'SYN-RECEIVED':
        if (this.role === 'passive') {
          // Note 1 of Figure 5: a passive connection returns to LISTEN, the user is not told.
          this.returnToListen('rcv RST', now);
        } else {
          this.fail('ECONNREFUSED', 'connection refused: the peer reset the simultaneous open', 'rcv RST', now);
        }
        return;
      case 'ESTABLISHED':
      case 'FIN-WAIT-1':
      case 'FIN-WAIT-2':
      case 'CLOSE-WAIT':
        this.fail('ECONNRESET', 'connection reset by peer', 'rcv RST', now);
        return;
      default:
        // CLOSING, LAST-ACK, TIME-WAIT: enter CLOSED and delete the TCB.
        this.toClosed('rcv RST / delete TCB', now);
    }
  }

  /** The fifth step for synchronized states (the sender's part, then the close's). False: drop the segment. */
  private processAck(seg: TcpSegment, now: number): boolean {
    const refused = this.snd.refuseAck(seg.ack);
    if (refused !== null) {
      this.answerInvalid(seg, refused.kind, 'unacceptable', refused.detail, now);
      return false;
    }
    this.snd.ackArrives(seg, now);
    // State-specific parts of the fifth step: the ACK of our FIN.
    if (this.snd.finAcked) {
      switch (this.stateValue) {
        case 'FIN-WAIT-1':
          this.setState('FIN-WAIT-2', 'rcv ACK of FIN / x', now);
          break;
        case 'CLOSING':
          this.enterTimeWait('rcv ACK of FIN / x', now);
          return false;
        case 'LAST-ACK':
          this.toClosed('rcv ACK of FIN / x', now);
          return false;
        default:
          break;
      }
    }
    this.snd.output(now);
    return true;
  }

  /** Seventh and eighth steps (the receiver's), then the eighth step's state change. */
  private processText(seg: TcpSegment, now: number): void {
    if (!this.rcv.text(seg, RECEIVES_DATA.has(this.stateValue), this.stateValue, now)) return;
    // The peer's FIN is in order.
    this.ctx.notify(this, 'readable');
    switch (this.stateValue) {
      case 'SYN-RECEIVED':
      case 'ESTABLISHED':
        this.setState('CLOSE-WAIT', 'rcv FIN / snd ACK', now);
        break;
      case 'FIN-WAIT-1':
        // Still FIN-WAIT-1 after the fifth step, so our FIN is unacknowledged: the FINs crossed.
        // (A FIN,ACK that acknowledges our FIN already moved us to FIN-WAIT-2.)
        this.setState('CLOSING', 'rcv FIN / snd ACK', now);
        break;
      case 'FIN-WAIT-2':
        this.enterTimeWait('rcv FIN / snd ACK', now);
        break;
      case 'TIME-WAIT':
        this.timers.set('time-wait', now + 2 * this.ctx.settings.msl, now);
        break;
      default:
        break;
    }
  }

  /**
   * Answer a segment that should not have come (§3.10.7.4's ACK, RFC 5961's challenge ACK) within
   * the rate limits. Segments with data always get their ACK, as in Linux: they may be spurious
   * retransmissions, and cannot be part of an ACK loop.
   */
  private answerInvalid(seg: TcpSegment, kind: 'challenge-ack' | 'invalid-ack', reason: 'unacceptable' | 'rst-ignored' | 'paws', detail: string, now: number): void {
    const dataOnly = kind === 'invalid-ack' && seg.payload.length > 0 && !(seg.flags & Flag.SYN);
    const refused = dataOnly ? null : this.ctx.mayAnswer(this, kind, now);
    if (refused !== null) {
      this.drop(seg, now, 'rate-limited', `${detail}; ${kind === 'challenge-ack' ? 'challenge ACK' : 'ACK'} not sent: ${refused}`);
      return;
    }
    if (kind === 'challenge-ack') this.emitAck('challenge-ack', now);
    else this.rcv.ackAtOnce();
    this.drop(seg, now, reason, detail);
  }

  // ===================================================================================
  // Timeouts (§3.10.8)
  // ===================================================================================

  /** The earliest timer deadline (smoltcp's poll_at): the host calls onTimers() when it has come. */
  deadline(): number | null {
    return this.timers.deadline();
  }

  onTimers(now: number): void {
    for (const name of TIMER_NAMES) {
      if (this.stateValue === 'CLOSED' || !this.timers.take(name, now)) continue;
      switch (name) {
        case 'retransmit':
          this.retransmitTimeout(now);
          break;
        case 'persist':
          this.snd.persistTimeout(now);
          break;
        case 'time-wait':
          this.toClosed('Timeout=2MSL / delete TCB', now);
          break;
        case 'delayed-ack':
          this.rcv.ackAtOnce();
          break;
        case 'idle':
          this.timeoutFired('idle', this.watch.idleDue(this.ctx.settings, now), now);
          break;
        case 'user-timeout':
          this.timeoutFired('user-timeout', this.watch.userDue(this.ctx.settings, now), now);
          break;
        case 'keepalive':
          this.keepAliveFired(now);
          break;
      }
    }
    if (this.stateValue !== 'CLOSED') {
      this.flushAck(now);
      this.armTimeouts(now);
      this.snapshot(now);
    }
  }

  /** The retry limits end the connection (§3.8.3: R2); below them the sender resends. */
  private retransmitTimeout(now: number): void {
    const handshake = this.stateValue === 'SYN-SENT' || this.stateValue === 'SYN-RECEIVED';
    const limit = handshake ? this.ctx.settings.synRetries : this.ctx.settings.dataRetries;
    const retries = this.snd.retries;
    if (retries < limit) {
      this.snd.retransmitTimeout(handshake, now);
      return;
    }
    if (this.stateValue === 'SYN-RECEIVED' && this.role === 'passive') {
      this.toClosed(`retransmission timeout / delete TCB`, now);
      return;
    }
    const what = this.stateValue === 'SYN-SENT' ? 'SYN' : this.stateValue === 'SYN-RECEIVED' ? 'SYN,ACK' : 'segment';
    this.fail('ETIMEDOUT', `connection timed out: no answer after ${retries + 1} transmissions of the ${what}`, 'retransmission timeout / delete TCB', now);
  }

  /** Arm the idle and user timeouts (conn-timeouts.ts) and keep-alive (keepalive.ts) where they apply. */
  private armTimeouts(now: number): void {
    if (!WATCHED.has(this.stateValue)) return;
    const awaitsPeer = this.snd.awaitsPeer();
    this.watch.arm(this.ctx.settings, this.timers, awaitsPeer, now);
    this.keepAlive.arm(this.ctx.settings, this.timers, this.watch.heardAt, KEEPS_ALIVE.has(this.stateValue) && !awaitsPeer, now);
  }

  /** A keep-alive probe is an ACK at SND.NXT − 1 with no data (keepalive.ts); the last unanswered one aborts. */
  private keepAliveFired(now: number): void {
    const v = this.keepAlive.fired(this.ctx.settings, this.watch.heardAt, now);
    if (v.kind === 'probe') this.emit(seqAdd(this.snd.sndNxt, -1), Flag.ACK, EMPTY, 'keepalive', now);
    if (v.kind === 'expire') this.terminate('ETIMEDOUT', v.message, 'keep-alive timeout / snd RST', now);
    else this.timers.set('keepalive', v.at, now);
  }

  private timeoutFired(name: 'idle' | 'user-timeout', v: TimeoutVerdict, now: number): void {
    if (v.kind === 'rearm') this.timers.set(name, v.at, now);
    else if (v.kind === 'expire') this.terminate('ETIMEDOUT', v.message, `${name === 'idle' ? 'idle timeout' : 'user timeout'} / snd RST`, now);
  }

  // ===================================================================================
  // Sending: every segment gets its ACK and window from the receiver
  // ===================================================================================

  /** Build and send a segment with the receiver's ACK, window and SACK blocks, and our timestamp. */
  private emit(seq: number, flags: number, payload: Uint8Array, reason: SendReason, now: number): void {
    const rst = (flags & Flag.RST) !== 0;
    const p = this.rcv.sendParams(flags);
    const options: TcpSegment['options'] = {};
    if (this.ts.ok && !rst) options.timestamps = { tsVal: this.ts.tsVal(now), tsEcr: this.ts.recent };
    if (p.sackBlocks !== null) options.sackBlocks = p.sackBlocks;
    this.ctx.send(this, {
      srcPort: this.localPort, dstPort: this.remotePort, seq, ack: p.ack, flags, window: p.window, urgent: 0, options, payload,
    }, reason);
    if (flags & Flag.ACK) this.timers.cancel('delayed-ack', now);
  }

  private emitAck(reason: SendReason, now: number): void {
    this.emit(this.snd.acceptableSeq(), Flag.ACK, EMPTY, reason, now);
  }

  /** Send the ACK that processing decided on, unless a data segment already carried it. */
  private flushAck(now: number): void {
    const reason = this.rcv.takeAckDue();
    if (reason !== null && this.stateValue !== 'CLOSED' && this.stateValue !== 'SYN-SENT' && this.stateValue !== 'LISTEN') {
      this.emitAck(reason, now);
    }
  }

  /** After the user read: tell the peer when the window opened enough to matter (§3.8.6.2.2). */
  private maybeWindowUpdate(windowBefore: number, now: number): void {
    if (!SYNCHRONIZED.has(this.stateValue)) return;
    if (this.rcv.finReceived) return;
    if (this.rcv.windowUpdateDue(windowBefore)) this.emitAck('window-update', now);
    this.snapshot(now);
  }

  // ===================================================================================
  // Handshake (RFC 9293 §3.5; the rest in handshake.ts) and close (§3.6)
  // ===================================================================================

  private becomeEstablished(cause: string, now: number): void {
    this.setState('ESTABLISHED', cause, now);
    this.snd.established(now);
    if (this.role === 'passive') this.ctx.established(this);
    this.ctx.notify(this, 'writable');
    if (this.closeWhenEstablished) {
      this.closeWhenEstablished = false;
      this.snd.queueFin();
      this.setState('FIN-WAIT-1', 'CLOSE / snd FIN', now);
    }
    this.snd.output(now);
  }

  /** Every state change goes through here, so each one is traced with its cause. */
  private setState(to: TcpState, cause: string, now: number): void {
    const from = this.stateValue;
    this.stateValue = to;
    if (this.ctx.tracing) this.ctx.trace({ type: 'state', t: now, host: this.ctx.hostName, conn: this.id, from, to, cause });
  }

  /** CLOSE in ESTABLISHED or CLOSE-WAIT: our FIN follows the queued data (§3.10.4). */
  private sendFin(to: 'FIN-WAIT-1' | 'LAST-ACK', now: number): Result<void> {
    this.userShutdown = true;
    this.snd.queueFin();
    this.setState(to, 'CLOSE / snd FIN', now);
    this.snd.output(now);
    this.snapshot(now);
    return ok(undefined);
  }

  private enterTimeWait(cause: string, now: number): void {
    this.setState('TIME-WAIT', cause, now);
    for (const name of TIMER_NAMES) if (name !== 'time-wait') this.timers.cancel(name, now);
    this.timers.set('time-wait', now + 2 * this.ctx.settings.msl, now);
  }

  /** Fail the connection with an error the user sees, and enter CLOSED. */
  private fail(code: SocketErrorCode, message: string, cause: string, now: number): void {
    this.errorValue = { code, message };
    if (this.ctx.tracing) this.ctx.trace({ type: 'error', t: now, host: this.ctx.hostName, conn: this.id, code, message });
    this.ctx.notify(this, 'error');
    this.toClosed(cause, now);
  }

  /**
   * A passive open that failed goes back to LISTEN (Figure 5, note 1): the listener is still there,
   * so this connection's TCB is simply dropped and nobody is told.
   */
  private returnToListen(cause: string, now: number): void {
    this.timers.cancelAll(now);
    this.setState('LISTEN', cause, now);
    this.snapshot(now);
    this.ctx.closed(this);
  }

  private toClosed(cause: string, now: number): void {
    this.timers.cancelAll(now);
    this.setState('CLOSED', cause, now);
    this.snapshot(now);
    this.ctx.closed(this);
    this.ctx.notify(this, 'closed');
  }

  // ===================================================================================
  // Trace
  // ===================================================================================

  private drop(seg: TcpSegment, now: number, reason: DropKind, detail: string): void {
    if (this.ctx.tracing) {
      this.ctx.trace({ type: 'drop', t: now, host: this.ctx.hostName, conn: this.id, bytes: EMPTY, seg, reason, detail });
    }
  }

  private delivered(n: number, now: number): void {
    if (!this.userClosedValue) this.ctx.notify(this, 'readable');
    if (this.ctx.tracing) this.ctx.trace({ type: 'deliver', t: now, host: this.ctx.hostName, conn: this.id, bytes: n });
  }

  private traceCwnd(reason: string): void {
    if (this.ctx.tracing) {
      const cc = this.snd.cc;
      this.ctx.trace({ type: 'cwnd', t: cc.lastChange, host: this.ctx.hostName, conn: this.id, cwnd: cc.cwnd, ssthresh: cc.ssthresh, reason });
    }
  }

  /** A TCB snapshot after each event that touched the connection (skipped when nobody traces). */
  private snapshot(now: number): void {
    if (this.ctx.tracing) this.ctx.trace({ type: 'tcb', t: now, host: this.ctx.hostName, conn: this.id, tcb: this.status() });
  }
}
