// One TCP connection: the transmission control block and its event processing, RFC 9293 §3.10.
// It never touches bytes on the wire: it takes decoded segments, user calls and `now`, and hands
// segments to send to its host through ConnContext. Timers are deadlines the host polls.
import { Flag, type TcpOptions, type TcpSegment } from './wire/types.ts';
import type { TcpState } from './state.ts';
import type { SendReason, TcbSnapshot, TimerName, TraceEvent } from './trace.ts';
import type { StackSettings } from './settings.ts';
import { fail, ok, type Result, type SocketError, type SocketErrorCode } from './errors.ts';
import { seqAdd, seqDiff, seqGe, seqGt, seqInWindow, seqLe, seqLt, seqMax } from './seq.ts';
import { SendBuffer } from './send-buffer.ts';
import { RecvBuffer } from './recv-buffer.ts';
import { RttEstimator } from './rtt.ts';
import { CongestionControl } from './congestion.ts';
import { SackScoreboard } from './sack.ts';
import { ConnTimeouts, type TimeoutVerdict } from './conn-timeouts.ts';

/** What a connection needs from its host. */
export interface ConnContext {
  readonly settings: StackSettings;
  readonly tracing: boolean;
  readonly hostName: string;
  send(conn: Connection, seg: TcpSegment, reason: SendReason): void;
  trace(event: TraceEvent): void;
  /** The connection reached CLOSED: take it out of the demultiplexing table. */
  closed(conn: Connection): void;
  /** A passive connection reached ESTABLISHED: put it on its listener's accept queue. */
  established(conn: Connection): void;
  notify(conn: Connection, kind: 'readable' | 'writable' | 'closed' | 'error'): void;
  /** May this connection answer an unacceptable segment now (RFC 5961 §7)? Null if yes, else why not. */
  mayAnswer(conn: Connection, kind: 'challenge-ack' | 'invalid-ack', now: number): string | null;
}

export interface ConnIdentity {
  id: number;
  localAddr: number;
  localPort: number;
  remoteAddr: number;
  remotePort: number;
  role: 'active' | 'passive';
  iss: number;
}

const SYNCHRONIZED: ReadonlySet<TcpState> = new Set([
  'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT',
]);
/** States in which the user may still hand us data to send. */
const CAN_SEND: ReadonlySet<TcpState> = new Set(['SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'CLOSE-WAIT']);
/** States in which data segments go out (RFC 9293 §3.10.4: before ESTABLISHED, SENDs are queued). */
const SENDS_DATA: ReadonlySet<TcpState> = new Set(['ESTABLISHED', 'CLOSE-WAIT', 'FIN-WAIT-1', 'CLOSING', 'LAST-ACK']);
/** States the idle and user timeouts watch: synchronized, and not already ending on its own timer. */
const WATCHED: ReadonlySet<TcpState> = new Set(['ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK']);
/** States in which ABORT sends an RST: the peer has state to reset (§3.10.5). */
const RESET_ON_ABORT: ReadonlySet<TcpState> = new Set(['SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT']);
/** States in which segment text is delivered to the user (RFC 9293 §3.10.7.4, seventh step). */
const RECEIVES_DATA: ReadonlySet<TcpState> = new Set(['ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2']);

/** The largest window the 16-bit field can carry before scaling. */
const MAX_WINDOW_FIELD = 0xffff;
/** RFC 7323 §2.3: a shift count above 14 is treated as 14. */
const MAX_WSCALE = 14;

export class Connection {
  readonly id: number;
  readonly localAddr: number;
  readonly localPort: number;
  readonly remoteAddr: number;
  readonly remotePort: number;
  readonly role: 'active' | 'passive';

  state: TcpState = 'CLOSED';
  // --- Send sequence variables (RFC 9293 §3.3.1) ---
  readonly iss: number;
  sndUna: number;
  sndNxt: number;
  sndWnd = 0;
  sndWl1 = 0;
  sndWl2 = 0;
  /** Highest sequence number sent so far: below it, a send is a retransmission. */
  sndMax: number;
  /** Largest window the peer ever offered (RFC 9293 §3.8.6.2.1, RFC 5961 §5.2). */
  maxSndWnd = 0;
  /** Effective send MSS (RFC 9293 §3.7.1). */
  sndMss: number;
  // --- Receive sequence variables ---
  irs = 0;
  rcvNxt = 0;
  /** Right edge of the window last advertised: RCV.NXT + RCV.WND. It never moves left (§3.8.6.2.2). */
  private rcvAdvRight = 0;

  // --- Options negotiated in the handshake (RFC 7323, RFC 2018) ---
  private sndShift = 0;
  private rcvShift = 0;
  private wscaleOk = false;
  private tsOk = false;
  sackOk = false;
  /** Most recent peer timestamp to echo (RFC 7323 §4.3 TS.Recent) and its arrival time. */
  private tsRecent = 0;
  private tsRecentAge = 0;
  /** Our timestamp clock base: TSval = now − tsBase + tsOffset (ms ticks). */
  private readonly tsOffset: number;

  // --- Buffers ---
  private readonly sendBuf: SendBuffer;
  /** Sequence number of the first byte in sendBuf. */
  private bufHeadSeq: number;
  private readonly recvBuf: RecvBuffer;
  /** Sequence number our FIN occupies, fixed when the user closes. */
  private finSeq: number | null = null;
  /** Sequence number of the peer's FIN when it arrived ahead of missing data. */
  private peerFinSeq: number | null = null;
  private finReceived = false;

  // --- Timers, as absolute deadlines ---
  private timers: Record<TimerName, number | null> = {
    retransmit: null, persist: null, 'time-wait': null, 'delayed-ack': null, idle: null, 'user-timeout': null,
  };
  /** Idle and user timeouts (conn-timeouts.ts). */
  private readonly watch: ConnTimeouts;
  /** When this connection last answered an unacceptable segment (rate-limits.ts). */
  lastInvalidAck: number | null = null;
  readonly rtt: RttEstimator;
  private retries = 0;
  private persistBackoff = 0;
  /** Segment being timed for an RTT sample (one at a time; Karn's rule drops it on retransmission). */
  private rttSeq: number | null = null;
  private rttStart = 0;
  /** After an RTO, partial ACKs below this point retransmit the next segment at once. */
  private rtoRecover: number | null = null;
  /** A window probe carried the byte at SND.UNA; resend it as soon as the window opens. */
  private probed = false;
  private synRetransmitted = false;
  readonly cc: CongestionControl;
  readonly sack: SackScoreboard;
  private dupAcks = 0;

  // --- Pending acknowledgments ---
  private ackNow = false;
  /** Full-sized segments received since our last ACK (delayed ACK, RFC 9293 §3.8.6.3). */
  private unackedSegments = 0;

  // --- User side ---
  /** close() was called: the user reads no more; arriving data is acknowledged and discarded. */
  userClosed = false;
  /** shutdown() or close() was called: we send no more. */
  userShutdown = false;
  /** CLOSE arrived in SYN-RECEIVED with data queued: send the FIN once ESTABLISHED (§3.10.4). */
  private closeWhenEstablished = false;
  error: SocketError | null = null;
  totalRetransmits = 0;
  /** Socket events queued by the host and not yet taken (bits: readable, writable, closed). */
  queuedEvents = 0;
  /** Nagle's algorithm for this connection (RFC 9293 §3.7.4). */
  nagle: boolean;
  delayedAck: boolean;

  constructor(private readonly ctx: ConnContext, id: ConnIdentity, now: number) {
    const s = ctx.settings;
    this.id = id.id;
    this.localAddr = id.localAddr;
    this.localPort = id.localPort;
    this.remoteAddr = id.remoteAddr;
    this.remotePort = id.remotePort;
    this.role = id.role;
    this.iss = id.iss;
    this.sndUna = id.iss;
    this.sndNxt = id.iss;
    this.sndMax = id.iss;
    this.bufHeadSeq = seqAdd(id.iss, 1);
    this.sndMss = s.defaultSendMss;
    this.sendBuf = new SendBuffer(s.sendBufferSize);
    this.recvBuf = new RecvBuffer(s.receiveBufferSize);
    this.rtt = new RttEstimator(s);
    this.cc = new CongestionControl(s, (reason) => this.traceCwnd(reason));
    this.sack = new SackScoreboard();
    this.nagle = s.nagle;
    this.delayedAck = s.delayedAck;
    this.tsOffset = (id.iss ^ 0x5a5a5a5a) >>> 0;
    this.watch = new ConnTimeouts(now);
    if (ctx.tracing) {
      ctx.trace({
        type: 'conn', t: now, host: ctx.hostName, conn: this.id,
        localAddr: fmt(this.localAddr), localPort: this.localPort,
        remoteAddr: fmt(this.remoteAddr), remotePort: this.remotePort, role: this.role,
      });
    }
  }

  // ===================================================================================
  // User calls (RFC 9293 §3.10.1–3.10.6)
  // ===================================================================================

  /** OPEN, active (§3.10.1): send SYN, enter SYN-SENT. */
  openActive(now: number): void {
    this.setState('SYN-SENT', 'active OPEN / create TCB, snd SYN', now);
    this.sendSyn(now, false);
  }

  /** A SYN arrived at a listener (§3.10.7.2): create the TCB in SYN-RECEIVED and answer SYN,ACK. */
  openPassive(seg: TcpSegment, now: number): void {
    this.setState('LISTEN', 'passive OPEN / create TCB', now);
    this.irs = seg.seq;
    this.rcvNxt = seqAdd(seg.seq, 1);
    this.rcvAdvRight = this.rcvNxt;
    this.negotiate(seg.options, now);
    this.sndWnd = seg.window; // never scaled in a SYN (RFC 7323 §2.2)
    this.maxSndWnd = this.sndWnd;
    this.sndWl1 = seg.seq;
    this.sndWl2 = seg.ack;
    this.setState('SYN-RECEIVED', 'rcv SYN / snd SYN,ACK', now);
    this.sendSyn(now, false);
  }

  /**
   * The ACK of a SYN cookie (RFC 4987 §3.6) arrived and the cookie is valid: build the TCB that
   * SYN-RECEIVED would have held, with no option but the MSS the cookie carries, enter ESTABLISHED
   * and process the ACK (with any data it carries) there (§3.10.7.4).
   */
  openFromCookie(seg: TcpSegment, peerMss: number, now: number): void {
    this.setState('LISTEN', 'passive OPEN / create TCB', now);
    this.irs = seqAdd(seg.seq, -1);
    this.rcvNxt = seg.seq;
    this.rcvAdvRight = seqAdd(seg.seq, Math.min(this.recvBuf.window, MAX_WINDOW_FIELD)); // what the cookie SYN,ACK offered
    this.negotiate({ mss: peerMss }, now);
    this.sndUna = this.sndNxt = this.sndMax = seqAdd(this.iss, 1);
    this.sndWnd = seg.window;
    this.maxSndWnd = this.sndWnd;
    this.sndWl1 = seg.seq;
    this.sndWl2 = seg.ack;
    this.becomeEstablished('rcv ACK (valid SYN cookie)', now);
    this.segmentArrives(seg, now);
  }

  /** The host takes this half-open connection back to make room in a full backlog (RFC 4987 §3.4). */
  recycle(cause: string, now: number): void {
    if (this.state === 'SYN-RECEIVED') this.returnToListen(cause, now);
  }

  /**
   * End the connection on the host's behalf (a timeout, abortPeer): as ABORT (§3.10.5), an RST
   * where the peer has state unless `reset` is false, and the user is told why with `code`.
   */
  terminate(code: SocketErrorCode, message: string, cause: string, now: number, reset = true): void {
    if (this.state === 'CLOSED') return;
    if (reset && RESET_ON_ABORT.has(this.state)) this.emit({ seq: this.acceptableSeq(), ack: 0, flags: Flag.RST, payload: EMPTY }, 'rst', now);
    this.sendBuf.clear();
    if (this.state === 'TIME-WAIT') this.toClosed(cause, now);
    else this.fail(code, message, cause, now);
  }

  /** SEND (§3.10.2): queue bytes; returns how many fitted in the send buffer. */
  write(bytes: Uint8Array, now: number): Result<number> {
    if (this.error) return { ok: false, error: this.error };
    if (this.userShutdown) return fail('EPIPE', 'connection closing: this side already sent its FIN, it cannot send more data');
    if (!CAN_SEND.has(this.state)) return fail('ENOTCONN', `cannot send in ${this.state}`);
    const n = this.sendBuf.write(bytes);
    if (SENDS_DATA.has(this.state)) this.output(now);
    this.armTimeouts(now);
    this.snapshot(now);
    return ok(n);
  }

  /** RECEIVE (§3.10.3): up to `max` in-order bytes; `eof` once the peer's FIN was received and all data read. */
  read(max: number, now: number): Result<{ data: Uint8Array; eof: boolean }> {
    if (this.userClosed) return fail('EBADF', 'the socket was closed by the user; it can no longer be read');
    const hadWindow = this.recvBuf.window;
    const data = this.recvBuf.read(max);
    if (data.length === 0 && this.error) return { ok: false, error: this.error };
    if (data.length > 0 && this.state !== 'CLOSED') this.maybeWindowUpdate(hadWindow, now);
    const eof = this.finReceived && this.recvBuf.available === 0;
    return ok({ data, eof });
  }

  /** RECEIVE into the caller's buffer: no allocation, for shells that move a lot of data. */
  readInto(target: Uint8Array, now: number): Result<{ n: number; eof: boolean }> {
    if (this.userClosed) return fail('EBADF', 'the socket was closed by the user; it can no longer be read');
    const hadWindow = this.recvBuf.window;
    const n = this.recvBuf.readInto(target);
    if (n === 0 && this.error) return { ok: false, error: this.error };
    if (n > 0 && this.state !== 'CLOSED') this.maybeWindowUpdate(hadWindow, now);
    return ok({ n, eof: this.finReceived && this.recvBuf.available === 0 });
  }

  get readable(): number {
    return this.recvBuf.available;
  }

  get writable(): number {
    return this.userShutdown ? 0 : this.sendBuf.free;
  }

  /** CLOSE (§3.10.4) as a half-close: we will send no more; reading goes on. */
  shutdown(now: number): Result<void> {
    switch (this.state) {
      case 'CLOSED':
        return this.error ? { ok: false, error: this.error } : fail('ENOTCONN', 'the connection is closed');
      case 'SYN-SENT':
        // §3.10.4: delete the TCB; queued SENDs are lost.
        this.userShutdown = true;
        this.toClosed('CLOSE / delete TCB', now);
        return ok(undefined);
      case 'SYN-RECEIVED':
      case 'ESTABLISHED':
        if (this.state === 'SYN-RECEIVED' && this.sendBuf.length > 0 && !this.userShutdown) {
          // §3.10.4: with data queued, a CLOSE in SYN-RECEIVED waits until ESTABLISHED.
          this.userShutdown = true;
          this.closeWhenEstablished = true;
          return ok(undefined);
        }
        if (this.userShutdown) return fail('EPIPE', 'this side already closed its half of the connection');
        this.queueFin();
        this.setState('FIN-WAIT-1', 'CLOSE / snd FIN', now);
        this.output(now);
        this.snapshot(now);
        return ok(undefined);
      case 'CLOSE-WAIT':
        this.queueFin();
        this.setState('LAST-ACK', 'CLOSE / snd FIN', now);
        this.output(now);
        this.snapshot(now);
        return ok(undefined);
      default:
        return fail('EPIPE', `connection closing: this side already sent its FIN (${this.state})`);
    }
  }

  /** close(): CLOSE, and the user reads no more (arriving data is acknowledged and dropped). */
  close(now: number): Result<void> {
    const wasShut = this.userShutdown;
    this.userClosed = true;
    this.recvBuf.discard();
    if (wasShut || this.state === 'CLOSED') return ok(undefined);
    const r = this.shutdown(now);
    return r.ok ? r : ok(undefined);
  }

  /** ABORT (§3.10.5): send RST where the peer has state, and delete the TCB. */
  abort(now: number): void {
    if (RESET_ON_ABORT.has(this.state)) {
      this.emit({ seq: this.acceptableSeq(), ack: 0, flags: Flag.RST, payload: EMPTY }, 'rst', now);
    }
    this.userClosed = true;
    this.userShutdown = true;
    this.sendBuf.clear();
    if (this.state !== 'CLOSED') this.toClosed('ABORT / snd RST', now);
  }

  /**
   * The sequence number of a segment without data (an RST, §3.10.5; a pure ACK): SND.NXT, unless a
   * zero-window probe took SND.NXT past the peer's window. The peer would then drop it as out of
   * window (§3.10.7.4 with RCV.WND 0 accepts only SEQ = RCV.NXT; RFC 5961 §3.2 the same for RSTs),
   * and never learn what it acknowledges: so the window's right edge, as Linux does
   * (tcp_acceptable_seq).
   */
  private acceptableSeq(): number {
    const right = seqAdd(this.sndUna, this.sndWnd);
    return seqGt(this.sndNxt, right) ? right : this.sndNxt;
  }

  /** STATUS (§3.10.6). */
  status(): TcbSnapshot {
    return {
      state: this.state,
      iss: this.iss,
      irs: this.irs,
      sndUna: this.sndUna,
      sndNxt: this.sndNxt,
      sndWnd: this.sndWnd,
      sndWl1: this.sndWl1,
      sndWl2: this.sndWl2,
      rcvNxt: this.rcvNxt,
      rcvWnd: this.rcvWnd,
      sndMss: this.sndMss,
      rto: this.rtt.rto,
      srtt: this.rtt.srtt,
      rttvar: this.rtt.rttvar,
      cwnd: this.cc.cwnd,
      ssthresh: this.cc.ssthresh,
      sendQueued: this.sendBuf.length,
      recvQueued: this.recvBuf.available,
      timers: this.runningTimers(),
      retransmits: this.totalRetransmits,
    };
  }

  // ===================================================================================
  // SEGMENT ARRIVES (§3.10.7.3 SYN-SENT, §3.10.7.4 other states)
  // ===================================================================================

  segmentArrives(seg: TcpSegment, now: number): void {
    this.watch.heardAt = now;
    if (this.state === 'SYN-SENT') this.arrivesInSynSent(seg, now);
    else if (this.state !== 'CLOSED' && this.state !== 'LISTEN') this.arrivesSynchronizing(seg, now);
    this.flushAck(now);
    this.armTimeouts(now);
    this.snapshot(now);
  }

  private arrivesInSynSent(seg: TcpSegment, now: number): void {
    const f = seg.flags;
    // First: the ACK bit.
    if (f & Flag.ACK) {
      if (seqLe(seg.ack, this.iss) || seqGt(seg.ack, this.sndNxt)) {
        if (!(f & Flag.RST)) this.emit({ seq: seg.ack, ack: 0, flags: Flag.RST, payload: EMPTY }, 'rst', now);
        this.drop(seg, now, 'unacceptable', `ACK ${seg.ack} does not acknowledge our SYN (ISS ${this.iss})`);
        return;
      }
    }
    // Second: the RST bit. Acceptable only with an ACK of our SYN (RFC 5961 §3.2 for SYN-SENT).
    if (f & Flag.RST) {
      if (f & Flag.ACK) {
        this.fail('ECONNREFUSED', 'connection refused: the peer answered the SYN with RST (nobody listens on that port)', 'rcv RST', now);
      } else {
        this.drop(seg, now, 'rst-ignored', 'RST without ACK in SYN-SENT');
      }
      return;
    }
    // Fourth: the SYN bit.
    if (!(f & Flag.SYN)) {
      this.drop(seg, now, 'unacceptable', 'neither SYN nor RST in SYN-SENT');
      return;
    }
    this.irs = seg.seq;
    this.rcvNxt = seqAdd(seg.seq, 1);
    this.rcvAdvRight = this.rcvNxt;
    this.negotiate(seg.options, now);
    if (f & Flag.ACK) {
      this.ackAdvances(seg.ack, now);
    }
    this.sndWnd = seg.window; // a SYN's window is never scaled (RFC 7323 §2.2)
    this.maxSndWnd = Math.max(this.maxSndWnd, this.sndWnd);
    this.sndWl1 = seg.seq;
    this.sndWl2 = seg.ack;
    if (seqGt(this.sndUna, this.iss)) {
      // Our SYN has been acknowledged.
      this.becomeEstablished('rcv SYN,ACK / snd ACK', now);
      this.ackNow = true;
      // Data or FIN in the SYN,ACK: continue at the sixth step (§3.10.7.3).
      if (seg.payload.length > 0 || f & Flag.FIN) {
        this.processText({ ...seg, seq: seqAdd(seg.seq, 1), flags: f & ~Flag.SYN }, now);
      }
    } else {
      // Simultaneous open (§3.5, Figure 8): SYN-SENT → SYN-RECEIVED, answer SYN,ACK.
      this.setState('SYN-RECEIVED', 'rcv SYN / snd SYN,ACK', now);
      this.sendSyn(now, false);
    }
  }

  private arrivesSynchronizing(seg0: TcpSegment, now: number): void {
    let seg = seg0;
    const f = seg.flags;

    // PAWS (RFC 7323 §5.3): a timestamp older than TS.Recent marks an old duplicate.
    if (this.tsOk && !(f & Flag.RST) && seg.options.timestamps && this.state !== 'SYN-RECEIVED') {
      const ts = seg.options.timestamps.tsVal;
      if (seqLt(ts, this.tsRecent) && now - this.tsRecentAge < 24 * 86_400_000) {
        this.answerInvalid(seg, 'invalid-ack', 'paws', `timestamp ${ts} is older than TS.Recent ${this.tsRecent} (PAWS)`, now);
        return;
      }
    }

    // A retransmitted SYN while we wait in SYN-RECEIVED: our SYN,ACK was lost, send it again.
    if (this.state === 'SYN-RECEIVED' && f & Flag.SYN && !(f & Flag.ACK) && seg.seq === this.irs) {
      this.sendSyn(now, true);
      return;
    }
    // Simultaneous open, RFC 9293 §3.5 Figure 8 line 6: in SYN-RECEIVED the peer's SYN,ACK repeats its
    // SYN (already counted) and acknowledges ours. Accept it as the ACK it carries.
    if (this.state === 'SYN-RECEIVED' && f & Flag.SYN && f & Flag.ACK && seqAdd(seg.seq, 1) === this.rcvNxt && seg.ack === this.sndNxt) {
      seg = { ...seg, seq: this.rcvNxt, flags: f & ~Flag.SYN };
    }

    // First: check the sequence number (§3.10.7.4).
    const accepted = this.acceptable(seg);
    if (!accepted) {
      if (seg.flags & Flag.RST) {
        this.drop(seg, now, 'out-of-window', `RST seq ${seg.seq} outside the receive window`);
        return;
      }
      // TIME-WAIT: a retransmitted FIN means our last ACK was lost. ACK again and restart 2MSL.
      if (this.state === 'TIME-WAIT' && seg.flags & Flag.FIN && seqAdd(seg.seq, seg.payload.length + 1) === this.rcvNxt) {
        this.emitAck('ack', now);
        this.setTimer('time-wait', now + 2 * this.ctx.settings.msl, now);
        this.drop(seg, now, 'old-duplicate', 'retransmitted FIN in TIME-WAIT: ACK sent again, 2MSL timer restarted');
        return;
      }
      // Zero window: still take the ACK and window of a segment at RCV.NXT (§3.10.7.4 "special allowance").
      if (this.rcvWnd === 0 && seg.seq === this.rcvNxt && seg.flags & Flag.ACK) {
        this.ackNow = true;
        this.drop(seg, now, 'out-of-window', `receive window is 0: ${seg.payload.length} byte(s) not accepted, ACK processed`);
        seg = { ...seg, payload: EMPTY, flags: seg.flags & ~(Flag.FIN | Flag.SYN | Flag.PSH) };
      } else {
        // RFC 5961 §4: a SYN gets a challenge ACK whatever its sequence number.
        this.answerInvalid(seg, seg.flags & Flag.SYN ? 'challenge-ack' : 'invalid-ack', 'unacceptable', `seq ${seg.seq} len ${seg.payload.length} outside RCV.NXT ${this.rcvNxt} RCV.WND ${this.rcvWnd}`, now);
        return;
      }
    } else {
      seg = this.trim(seg);
    }

    // Second: the RST bit (RFC 5961 §3.2: only an exact RCV.NXT resets; else challenge ACK).
    if (seg.flags & Flag.RST) {
      if (seg.seq !== this.rcvNxt) {
        this.answerInvalid(seg, 'challenge-ack', 'rst-ignored', `RST seq ${seg.seq} ≠ RCV.NXT ${this.rcvNxt}: challenge ACK (RFC 5961)`, now);
        return;
      }
      this.rstArrives(now);
      return;
    }

    // Fourth: the SYN bit. In a synchronized state any SYN gets a challenge ACK (RFC 5961 §4).
    if (seg.flags & Flag.SYN) {
      if (this.state === 'SYN-RECEIVED' && this.role === 'passive') {
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
    if (this.tsOk && seg.options.timestamps) this.updateTsRecent(seg, now);
    if (this.state === 'SYN-RECEIVED') {
      if (seqGt(seg.ack, this.sndUna) && seqLe(seg.ack, this.sndNxt)) {
        this.sndWnd = seg.window << this.sndShift;
        this.maxSndWnd = Math.max(this.maxSndWnd, this.sndWnd);
        this.sndWl1 = seg.seq;
        this.sndWl2 = seg.ack;
        this.becomeEstablished('rcv ACK of SYN / x', now);
      } else {
        this.emit({ seq: seg.ack, ack: 0, flags: Flag.RST, payload: EMPTY }, 'rst', now);
        this.drop(seg, now, 'unacceptable', `ACK ${seg.ack} does not acknowledge our SYN,ACK`);
        return;
      }
    }
    if (!this.processAck(seg, now)) return;

    // Sixth (URG) is not implemented: the urgent pointer is ignored, as RFC 6093 advises new applications.
    // Seventh and eighth: segment text and FIN.
    this.processText(seg, now);
  }

  /** The four cases of the acceptability test (§3.10.7.4, first step). */
  private acceptable(seg: TcpSegment): boolean {
    const len = segLen(seg);
    const wnd = this.rcvWnd;
    const end = seqAdd(this.rcvNxt, wnd);
    if (len === 0) return wnd === 0 ? seg.seq === this.rcvNxt : seqInWindow(seg.seq, this.rcvNxt, end);
    if (wnd === 0) return false;
    return seqInWindow(seg.seq, this.rcvNxt, end) || seqInWindow(seqAdd(seg.seq, len - 1), this.rcvNxt, end);
  }

  /** Cut what lies before RCV.NXT or beyond the window, so only new parts are processed (§3.10.7.4). */
  private trim(seg: TcpSegment): TcpSegment {
    let { seq, flags, payload } = seg;
    let front = seqDiff(this.rcvNxt, seq);
    if (front > 0) {
      if (flags & Flag.SYN) {
        flags &= ~Flag.SYN;
        seq = seqAdd(seq, 1);
        front--;
      }
      const cut = Math.min(front, payload.length);
      payload = payload.subarray(cut);
      seq = seqAdd(seq, cut);
      front -= cut;
      if (front > 0 && flags & Flag.FIN) flags &= ~Flag.FIN;
    }
    const room = seqDiff(seqAdd(this.rcvNxt, this.rcvWnd), seq);
    if (payload.length > room) {
      payload = payload.subarray(0, Math.max(0, room));
      flags &= ~Flag.FIN; // the FIN lies beyond the window
    }
    if (seq === seg.seq && flags === seg.flags && payload === seg.payload) return seg;
    return { ...seg, seq, flags, payload };
  }

  /** An acceptable RST (§3.10.7.4, second step), per state. */
  private rstArrives(now: number): void {
    switch (this.state) {
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

  /** The fifth step for synchronized states. Returns false when the segment must be dropped. */
  private processAck(seg: TcpSegment, now: number): boolean {
    const ack = seg.ack;
    if (seqGt(ack, this.sndNxt)) {
      // §3.10.7.4: ACK of something not yet sent: send an ACK, drop the segment.
      this.answerInvalid(seg, 'invalid-ack', 'unacceptable', `ACK ${ack} acknowledges data not yet sent (SND.NXT ${this.sndNxt})`, now);
      return false;
    }
    if (seqLt(ack, seqAdd(this.sndUna, -Math.max(this.maxSndWnd, 1)))) {
      // RFC 5961 §5.2: an ACK far behind SND.UNA is suspicious: challenge ACK, drop.
      this.answerInvalid(seg, 'challenge-ack', 'unacceptable', `ACK ${ack} is older than SND.UNA − MAX.SND.WND: challenge ACK (RFC 5961 §5)`, now);
      return false;
    }
    const wasZeroWindow = this.sndWnd === 0;
    const inFlightBefore = seqDiff(this.sndNxt, this.sndUna);
    if (this.sackOk && seg.options.sackBlocks) this.sack.update(seg.options.sackBlocks, seqMax(ack, this.sndUna));
    if (seqGt(ack, this.sndUna)) {
      this.ackAdvances(ack, now, seg);
    } else if (ack === this.sndUna && segLen(seg) === 0 && inFlightBefore > 0 &&
               (seg.window << this.sndShift) === this.sndWnd && !(seg.flags & Flag.FIN)) {
      this.duplicateAck(now);
    }
    // Send window update (§3.10.7.4): only from a segment newer than the last one that updated it.
    if (seqLt(this.sndWl1, seg.seq) || (this.sndWl1 === seg.seq && seqLe(this.sndWl2, ack))) {
      this.sndWnd = seg.window << this.sndShift;
      this.sndWl1 = seg.seq;
      this.sndWl2 = ack;
      if (this.sndWnd > this.maxSndWnd) this.maxSndWnd = this.sndWnd;
    }
    if (wasZeroWindow && this.sndWnd > 0) {
      this.cancelTimer('persist', now);
      this.persistBackoff = 0;
      if (this.probed && seqLt(this.sndUna, this.sndNxt)) {
        // The probe byte was refused while the window was shut: send it again now.
        this.retransmitFront(now, 'retransmit');
      }
      this.probed = false;
    }

    // State-specific parts of the fifth step.
    if (this.finSeq !== null && seqGt(this.sndUna, this.finSeq)) {
      switch (this.state) {
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
    this.output(now);
    return true;
  }

  /** SND.UNA < SEG.ACK ≤ SND.NXT: bytes (and maybe SYN/FIN) acknowledged. */
  private ackAdvances(ack: number, now: number, seg?: TcpSegment): void {
    const acked = seqDiff(ack, this.sndUna);
    const dataAcked = Math.max(0, Math.min(this.sendBuf.length, seqDiff(ack, this.bufHeadSeq)));
    if (dataAcked > 0) {
      this.sendBuf.consume(dataAcked);
      this.bufHeadSeq = seqAdd(this.bufHeadSeq, dataAcked);
    }
    // RTT sample: timestamps give one per ACK (RFC 7323 §4); otherwise the timed segment, if it was
    // not retransmitted (Karn's rule, RFC 6298 §3).
    const echo = seg?.options.timestamps?.tsEcr;
    if (this.tsOk && echo !== undefined && echo !== 0) {
      this.rtt.sample(Math.max(0, this.tsNow(now) - echo));
      this.rttSeq = null;
    } else if (this.rttSeq !== null && seqGe(ack, this.rttSeq)) {
      this.rtt.sample(now - this.rttStart);
      this.rttSeq = null;
    }
    const inFlight = seqDiff(this.sndNxt, this.sndUna);
    this.sndUna = ack;
    this.retries = 0;
    this.watch.progress(now);
    // The ACK of our SYN is not data: it does not grow the congestion window.
    if (SYNCHRONIZED.has(this.state)) this.cc.onAck(acked, inFlight, this.sndMss, ack, now);
    this.dupAcks = 0;
    this.sack.ackedTo(ack);
    if (this.sndUna === this.sndNxt) {
      this.cancelTimer('retransmit', now);
      this.rtoRecover = null;
    } else {
      this.setTimer('retransmit', now + this.rtt.rto, now); // RFC 6298 §5.3
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
    if (dataAcked > 0) this.ctx.notify(this, 'writable');
  }

  /**
   * A duplicate ACK (RFC 5681 §2). The third, or SACK information that shows the first segment lost
   * (RFC 6675 §5), starts fast retransmit and recovery. Without congestion control (the RFC 793
   * machine) there is no fast retransmit: only the timer repairs a loss.
   */
  private duplicateAck(now: number): void {
    this.dupAcks++;
    if (this.cc.inRecovery) {
      this.cc.onDupAckInRecovery(this.sndMss, now); // NewReno inflation; output() then sends
      return;
    }
    if (!this.cc.mayEnterRecovery(this.sndUna)) return;
    const sackSaysLost = this.sackOk && this.sack.isLost(this.sndUna, this.sndMss);
    if (this.dupAcks >= 3 || sackSaysLost) {
      this.cc.enterRecovery(seqDiff(this.sndNxt, this.sndUna), this.sndMss, this.sndNxt, this.sackOk, now);
      this.retransmitFront(now, 'fast-retransmit');
    }
  }

  /** Seventh and eighth steps: segment text, then the FIN bit. */
  private processText(seg: TcpSegment, now: number): void {
    const len = seg.payload.length;
    if (len > 0) {
      if (RECEIVES_DATA.has(this.state)) {
        const inOrder = seg.seq === this.rcvNxt;
        const offset = this.recvBuf.nextOffset + seqDiff(seg.seq, this.rcvNxt);
        const advanced = this.recvBuf.insert(offset, seg.payload);
        if (advanced > 0) this.rcvNxt = seqAdd(this.rcvNxt, advanced);
        if (!inOrder || this.recvBuf.outOfOrder.length > 0) {
          // Out of order, or filling part of a hole: ACK at once (RFC 5681 §4.2).
          this.ackNow = true;
        } else {
          this.scheduleAck(len, now);
        }
        if (advanced > 0) this.delivered(advanced, now);
      } else {
        // CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: the peer already sent FIN; this should not occur.
        this.drop(seg, now, 'unacceptable', `data after the peer's FIN ignored in ${this.state}`);
      }
    }
    if (seg.flags & Flag.FIN) {
      this.peerFinSeq = seqAdd(seg.seq, len);
      this.ackNow = true;
    }
    if (this.peerFinSeq !== null && !this.finReceived && this.rcvNxt === this.peerFinSeq) this.finArrives(now);
  }

  /** The eighth step: the peer's FIN is in order. */
  private finArrives(now: number): void {
    this.finReceived = true;
    this.rcvNxt = seqAdd(this.rcvNxt, 1);
    this.rcvAdvRight = seqMax(this.rcvAdvRight, this.rcvNxt);
    this.ackNow = true;
    this.ctx.notify(this, 'readable');
    switch (this.state) {
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
        this.setTimer('time-wait', now + 2 * this.ctx.settings.msl, now);
        break;
      default:
        break;
    }
  }

  // ===================================================================================
  // Timeouts (§3.10.8)
  // ===================================================================================

  /** The earliest timer deadline; cached, since the host asks after every packet. */
  deadline(): number | null {
    if (this.deadlineDirty) {
      let d: number | null = null;
      for (const name of TIMER_NAMES) {
        const t = this.timers[name];
        if (t !== null && (d === null || t < d)) d = t;
      }
      this.cachedDeadline = d;
      this.deadlineDirty = false;
    }
    return this.cachedDeadline;
  }
  private cachedDeadline: number | null = null;
  private deadlineDirty = false;

  onTimers(now: number): void {
    for (const name of TIMER_NAMES) {
      const t = this.timers[name];
      if (t === null || t > now || this.state === 'CLOSED') continue;
      this.timers[name] = null;
      this.deadlineDirty = true;
      this.traceTimer(name, 'fired', now);
      switch (name) {
        case 'retransmit':
          this.retransmitTimeout(now);
          break;
        case 'persist':
          this.persistTimeout(now);
          break;
        case 'time-wait':
          this.toClosed('Timeout=2MSL / delete TCB', now);
          break;
        case 'delayed-ack':
          this.ackNow = true;
          break;
        case 'idle':
          this.timeoutFired('idle', this.watch.idleDue(this.ctx.settings, now), now);
          break;
        case 'user-timeout':
          this.timeoutFired('user-timeout', this.watch.userDue(this.ctx.settings, now), now);
          break;
      }
    }
    if (this.state !== 'CLOSED') {
      this.flushAck(now);
      this.armTimeouts(now);
      this.snapshot(now);
    }
  }

  /** Arm the idle and user timeouts where they apply (conn-timeouts.ts); stop the user timeout once nothing waits. */
  private armTimeouts(now: number): void {
    if (!WATCHED.has(this.state)) return;
    const s = this.ctx.settings;
    if (s.idleTimeout > 0 && this.timers.idle === null) this.setTimer('idle', this.watch.heardAt + s.idleTimeout, now);
    const unsent = seqDiff(this.sndNxt, this.bufHeadSeq) < this.sendBuf.length || (this.finSeq !== null && this.sndNxt === this.finSeq);
    if (this.sndUna !== this.sndNxt || (unsent && this.sndWnd === 0)) {
      const due = this.watch.waiting(s, now);
      if (due !== null && this.timers['user-timeout'] === null) this.setTimer('user-timeout', due, now);
    } else {
      this.watch.stalledSince = null;
      this.cancelTimer('user-timeout', now);
    }
  }

  private timeoutFired(name: 'idle' | 'user-timeout', v: TimeoutVerdict, now: number): void {
    if (v.kind === 'rearm') this.setTimer(name, v.at, now);
    else if (v.kind === 'expire') this.terminate('ETIMEDOUT', v.message, `${name === 'idle' ? 'idle timeout' : 'user timeout'} / snd RST`, now);
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
    else this.ackNow = true;
    this.drop(seg, now, reason, detail);
  }

  private retransmitTimeout(now: number): void {
    const handshake = this.state === 'SYN-SENT' || this.state === 'SYN-RECEIVED';
    const limit = handshake ? this.ctx.settings.synRetries : this.ctx.settings.dataRetries;
    if (this.retries >= limit) {
      const what = this.state === 'SYN-SENT' ? 'SYN' : this.state === 'SYN-RECEIVED' ? 'SYN,ACK' : 'segment';
      if (this.state === 'SYN-RECEIVED' && this.role === 'passive') {
        this.toClosed(`retransmission timeout / delete TCB`, now);
        return;
      }
      this.fail('ETIMEDOUT', `connection timed out: no answer after ${this.retries + 1} transmissions of the ${what}`, 'retransmission timeout / delete TCB', now);
      return;
    }
    this.retries++;
    this.rtt.backoff(); // RFC 6298 §5.5
    this.rttSeq = null; // Karn: no sample from a retransmitted segment
    if (handshake) {
      this.synRetransmitted = true;
      this.sendSyn(now, true);
    } else {
      this.cc.onTimeout(seqDiff(this.sndNxt, this.sndUna), this.sndMss, this.sndNxt, now);
      this.sack.onTimeout();
      this.rtoRecover = this.sndNxt;
      this.retransmitFront(now, 'retransmit');
    }
    this.setTimer('retransmit', now + this.rtt.rto, now);
  }

  /** Zero-window probe (§3.8.6.1): one byte of new data beyond the window, or the FIN. */
  private persistTimeout(now: number): void {
    const sentOff = seqDiff(this.sndNxt, this.bufHeadSeq);
    const unsent = this.sendBuf.length - sentOff;
    if (this.sndWnd > 0) {
      // SWS override timeout (§3.8.6.2.1): the window is open but too small for the rules; send what fits.
      const usable = Math.min(this.sndWnd, this.cc.cwnd) - seqDiff(this.sndNxt, this.sndUna);
      const len = Math.min(unsent, this.segmentMss(), usable);
      if (len > 0) {
        const fin = this.finSeq !== null && len === unsent;
        this.emitData(this.sndNxt, len, fin, 'data', now);
        this.advanceSndNxt(len + (fin ? 1 : 0), now);
      }
      this.persistBackoff = 0;
      return;
    }
    if (seqLt(this.sndUna, this.sndNxt)) {
      // Something is outstanding (an earlier probe, or data sent before the window shut): probe
      // with the first unacknowledged octet again rather than pushing new ones past the window.
      this.sendProbe(this.sndUna, now);
    } else if (sentOff < this.sendBuf.length || (this.finSeq !== null && this.sndNxt === this.finSeq)) {
      // One octet of new data (or the FIN) beyond the shut window (§3.8.6.1).
      this.sendProbe(this.sndNxt, now);
      this.sndNxt = seqAdd(this.sndNxt, 1);
      this.sndMax = seqMax(this.sndMax, this.sndNxt);
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
    this.cancelTimer('retransmit', now);
    this.emitData(seq, fin ? 0 : 1, fin, 'window-probe', now);
  }

  private armPersist(now: number): void {
    const interval = Math.min(this.ctx.settings.maxPersist, this.rtt.rto * 2 ** this.persistBackoff);
    this.setTimer('persist', now + interval, now);
  }

  // ===================================================================================
  // Output
  // ===================================================================================

  /** Send what the windows allow, then the FIN; in SACK recovery, what the pipe allows (RFC 6675). */
  private output(now: number): void {
    if (!SENDS_DATA.has(this.state)) return;
    if (this.cc.inRecovery && this.sackOk) {
      this.sackRecoverySend(now);
    } else {
      // Limited Transmit (RFC 3042): each of the first two duplicate ACKs lets one new segment out
      // beyond cwnd, so a small window can still collect the three duplicates fast retransmit needs.
      const limited = this.cc.enabled && !this.cc.inRecovery && this.dupAcks > 0 && this.dupAcks < 3 ? this.dupAcks * this.sndMss : 0;
      while (this.sendNew(now, Math.min(this.sndWnd, this.cc.cwnd + limited) - seqDiff(this.sndNxt, this.sndUna)));
    }
    // Data waits on a shut window with nothing in flight: probe it with the persist timer (§3.8.6.1).
    const waiting = seqDiff(this.sndNxt, this.bufHeadSeq) < this.sendBuf.length || (this.finSeq !== null && this.sndNxt === this.finSeq);
    if (waiting && this.sndUna === this.sndNxt && this.timers.persist === null) {
      this.armPersist(now);
    }
  }

  /**
   * Send one new segment using at most `room` bytes of window, with sender SWS avoidance
   * (§3.8.6.2.1) and Nagle (§3.7.4). Returns whether another may follow.
   */
  private sendNew(now: number, room: number): boolean {
    const inFlight = seqDiff(this.sndNxt, this.sndUna);
    const unsent = this.sendBuf.length - seqDiff(this.sndNxt, this.bufHeadSeq);
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
      this.emitData(this.sndNxt, len, fin, seqLt(this.sndNxt, this.sndMax) ? 'retransmit' : 'data', now);
      this.advanceSndNxt(len + (fin ? 1 : 0), now);
      return !fin;
    }
    if (this.finSeq !== null && this.sndNxt === this.finSeq && !(room < 1 && this.sndWnd === 0)) {
      this.emitData(this.sndNxt, 0, true, 'fin', now);
      this.advanceSndNxt(1, now);
    }
    return false;
  }

  /** RFC 6675 §5: while cwnd − pipe ≥ 1 SMSS, resend the next lost segment, else send new data. */
  private sackRecoverySend(now: number): void {
    for (let guard = 0; guard < 10_000; guard++) {
      const pipe = this.sack.pipe(this.sndUna, this.sndNxt, this.sndMss);
      if (this.cc.cwnd - pipe < this.sndMss) return;
      const lost = this.sack.nextLost(this.sndUna, this.sndMss);
      if (lost !== null) {
        if (!this.retransmitFrom(lost, now, 'fast-retransmit')) return;
        continue;
      }
      const room = this.sndWnd - seqDiff(this.sndNxt, this.sndUna);
      if (!this.sendNew(now, Math.min(room, this.sndMss))) return;
    }
  }

  private advanceSndNxt(n: number, now: number): void {
    if (this.rttSeq === null && !seqLt(this.sndNxt, this.sndMax)) {
      this.rttSeq = seqAdd(this.sndNxt, n);
      this.rttStart = now;
    }
    this.sndNxt = seqAdd(this.sndNxt, n);
    this.sndMax = seqMax(this.sndMax, this.sndNxt);
    if (this.timers.retransmit === null) this.setTimer('retransmit', now + this.rtt.rto, now);
    this.cancelTimer('persist', now);
  }

  /** Retransmit the first unacknowledged segment (the front of the retransmission queue). */
  private retransmitFront(now: number, reason: SendReason): void {
    this.retransmitFrom(this.sndUna, now, reason);
  }

  /** Resend from `seq`: up to one MSS, stopping at the next SACKed range. Returns whether anything went. */
  private retransmitFrom(seq: number, now: number, reason: SendReason): boolean {
    if (this.state === 'SYN-SENT' || this.state === 'SYN-RECEIVED') {
      this.sendSyn(now, true);
      return true;
    }
    const off = Math.max(0, seqDiff(seq, this.bufHeadSeq));
    const outstandingData = Math.min(this.sendBuf.length, seqDiff(this.sndNxt, this.bufHeadSeq)) - off;
    const mss = this.segmentMss();
    const len = Math.max(0, Math.min(mss, outstandingData, this.sack.holeLength(seq, mss)));
    const fin = this.finSeq !== null && seqGt(this.sndNxt, this.finSeq) && seqAdd(seq, len) === this.finSeq;
    if (len === 0 && !fin) return false;
    this.totalRetransmits++;
    this.rttSeq = null; // Karn's rule
    this.sack.markRetransmitted(seq, len);
    this.emitData(seq, len, fin, reason, now);
    if (this.timers.retransmit === null) this.setTimer('retransmit', now + this.rtt.rto, now);
    return true;
  }

  private emitData(seq: number, len: number, fin: boolean, reason: SendReason, now: number): void {
    const off = seqDiff(seq, this.bufHeadSeq);
    const payload = len > 0 ? this.sendBuf.view(off, len) : EMPTY;
    let flags = Flag.ACK;
    if (fin) flags |= Flag.FIN;
    if (len > 0 && off + len === this.sendBuf.length) flags |= Flag.PSH;
    this.emit({ seq, ack: this.rcvNxt, flags, payload }, reason, now);
  }

  private sendSyn(now: number, retransmission: boolean): void {
    const s = this.ctx.settings;
    const options: TcpOptions = { mss: s.mss };
    if (s.sack && (this.state === 'SYN-SENT' || this.sackOk)) options.sackPermitted = true;
    if (s.timestamps && (this.state === 'SYN-SENT' || this.tsOk)) options.timestamps = { tsVal: this.tsNow(now), tsEcr: this.tsOk ? this.tsRecent : 0 };
    if (s.windowScale && (this.state === 'SYN-SENT' || this.wscaleOk)) options.windowScale = this.ourWindowShift();
    const synAck = this.state === 'SYN-RECEIVED';
    const flags = synAck ? Flag.SYN | Flag.ACK : Flag.SYN;
    if (retransmission) {
      this.totalRetransmits++;
      this.rttSeq = null;
    } else {
      this.rttSeq = seqAdd(this.iss, 1);
      this.rttStart = now;
    }
    const window = Math.min(this.recvBuf.window, MAX_WINDOW_FIELD); // never scaled in a SYN (RFC 7323 §2.2)
    this.rcvAdvRight = seqAdd(this.rcvNxt, window);
    this.ctx.send(this, {
      srcPort: this.localPort, dstPort: this.remotePort, seq: this.iss, ack: synAck ? this.rcvNxt : 0,
      flags, window, urgent: 0, options, payload: EMPTY,
    }, retransmission ? 'retransmit' : synAck ? 'syn-ack' : 'syn');
    this.sndNxt = seqMax(this.sndNxt, seqAdd(this.iss, 1));
    this.sndMax = seqMax(this.sndMax, this.sndNxt);
    this.ackNow = false;
    if (this.timers.retransmit === null || !retransmission) this.setTimer('retransmit', now + this.rtt.rto, now);
  }

  /** Build and send a segment with our current ACK, window and per-segment options. */
  private emit(p: { seq: number; ack: number; flags: number; payload: Uint8Array }, reason: SendReason, now: number): void {
    const rst = (p.flags & Flag.RST) !== 0;
    const options: TcpOptions = {};
    if (this.tsOk && !rst) options.timestamps = { tsVal: this.tsNow(now), tsEcr: this.tsRecent };
    if (this.sackOk && !rst && this.recvBuf.outOfOrder.length > 0) options.sackBlocks = this.sackBlocks();
    const window = rst ? 0 : this.advertise();
    this.ctx.send(this, {
      srcPort: this.localPort, dstPort: this.remotePort, seq: p.seq,
      ack: p.flags & Flag.ACK ? p.ack : 0, flags: p.flags, window, urgent: 0, options, payload: p.payload,
    }, reason);
    if (p.flags & Flag.ACK) {
      this.ackNow = false;
      this.unackedSegments = 0;
      if (this.timers['delayed-ack'] !== null) this.cancelTimer('delayed-ack', now);
    }
  }

  private emitAck(reason: SendReason, now: number): void {
    this.emit({ seq: this.acceptableSeq(), ack: this.rcvNxt, flags: Flag.ACK, payload: EMPTY }, reason, now);
  }

  /** Send the ACK that processing decided on, unless a data segment already carried it. */
  private flushAck(now: number): void {
    if (this.ackNow && this.state !== 'CLOSED' && this.state !== 'SYN-SENT' && this.state !== 'LISTEN') {
      this.emitAck(this.recvBuf.outOfOrder.length > 0 ? 'dup-ack' : 'ack', now);
    }
    this.ackNow = false;
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
    } else if (this.timers['delayed-ack'] === null) {
      this.setTimer('delayed-ack', now + this.ctx.settings.delayedAckTimeout, now);
    }
  }

  /** Window to advertise, with receiver-side SWS avoidance (§3.8.6.2.2): the right edge moves
   *  only by at least min(buffer/2, MSS), and never moves left. Returns the (scaled) field value. */
  private advertise(): number {
    const capacity = this.recvBuf.capacity;
    const free = this.userClosed ? capacity : this.recvBuf.window;
    const maxWnd = MAX_WINDOW_FIELD << this.rcvShift;
    let wnd = Math.min(free, maxWnd);
    const newRight = seqAdd(this.rcvNxt, wnd);
    const grow = seqDiff(newRight, this.rcvAdvRight);
    const threshold = Math.min(Math.floor(capacity / 2), this.effectiveRcvMss());
    if (grow < threshold) {
      wnd = Math.max(0, seqDiff(this.rcvAdvRight, this.rcvNxt));
      wnd = Math.min(wnd, maxWnd);
    }
    const field = Math.min(MAX_WINDOW_FIELD, Math.ceil(wnd / 2 ** this.rcvShift));
    const advertised = field << this.rcvShift;
    this.rcvAdvRight = seqMax(this.rcvAdvRight, seqAdd(this.rcvNxt, advertised));
    return field;
  }

  /** RCV.WND: what remains of the window last advertised. */
  get rcvWnd(): number {
    return Math.max(0, seqDiff(this.rcvAdvRight, this.rcvNxt));
  }

  /** After the user read: tell the peer when the window opened enough to matter (§3.8.6.2.2). */
  private maybeWindowUpdate(windowBefore: number, now: number): void {
    if (!SYNCHRONIZED.has(this.state) || this.finReceived) return;
    const current = this.rcvWnd;
    const possible = Math.min(this.recvBuf.window, MAX_WINDOW_FIELD << this.rcvShift);
    const threshold = Math.min(Math.floor(this.recvBuf.capacity / 2), this.effectiveRcvMss());
    if (possible - current >= threshold && (current < threshold || windowBefore < threshold)) {
      this.emitAck('window-update', now);
    } else if (possible - current >= this.recvBuf.capacity / 2) {
      this.emitAck('window-update', now);
    }
    this.snapshot(now);
  }

  /**
   * Payload that fits in the next segment: the effective send MSS (which already allows for
   * timestamps) less the SACK blocks this segment will carry (RFC 9293 §3.7.1: the MSS excludes
   * TCP options), so no segment ever exceeds the path MTU.
   */
  private segmentMss(): number {
    const blocks = this.sackOk ? Math.min(this.recvBuf.outOfOrder.length, this.tsOk ? 3 : 4) : 0;
    return blocks === 0 ? this.sndMss : Math.max(1, this.sndMss - (4 + 8 * blocks));
  }

  private effectiveRcvMss(): number {
    return this.ctx.settings.mss - (this.tsOk ? 12 : 0);
  }

  /** SACK blocks (RFC 2018 §4): the range holding the most recent arrival first, then the others in order. */
  private sackBlocks(): { left: number; right: number }[] {
    const base = this.recvBuf.nextOffset;
    const last = this.recvBuf.lastOutOfOrder;
    const ranges = this.recvBuf.outOfOrder;
    const first = ranges.findIndex((r) => r.start <= last && last < r.end);
    const ordered = first <= 0 ? ranges : [ranges[first]!, ...ranges.slice(0, first), ...ranges.slice(first + 1)];
    // At most 4 here; the codec trims to what fits beside the other options (3 with timestamps).
    return ordered.slice(0, 4).map((r) => ({
      left: seqAdd(this.rcvNxt, r.start - base),
      right: seqAdd(this.rcvNxt, r.end - base),
    }));
  }

  // ===================================================================================
  // Handshake options (RFC 9293 §3.7.1 MSS, RFC 7323 window scale and timestamps, RFC 2018 SACK)
  // ===================================================================================

  private negotiate(o: TcpOptions, now: number): void {
    const s = this.ctx.settings;
    const peerMss = o.mss ?? s.defaultSendMss;
    this.wscaleOk = s.windowScale && o.windowScale !== undefined;
    if (this.wscaleOk) {
      this.sndShift = Math.min(MAX_WSCALE, o.windowScale ?? 0);
      this.rcvShift = this.ourWindowShift();
    }
    this.tsOk = s.timestamps && o.timestamps !== undefined;
    if (this.tsOk && o.timestamps) {
      this.tsRecent = o.timestamps.tsVal;
      this.tsRecentAge = now;
    }
    this.sackOk = s.sack && o.sackPermitted === true;
    // §3.7.1: Eff.snd.MSS = min(SendMSS, our MTU's MSS) less the options every segment carries.
    this.sndMss = Math.max(1, Math.min(peerMss, s.mss) - (this.tsOk ? 12 : 0));
    this.cc.init(this.sndMss, now);
  }

  /** The shift that lets our whole receive buffer be advertised (RFC 7323 §2.3). */
  private ourWindowShift(): number {
    let shift = 0;
    while (shift < MAX_WSCALE && MAX_WINDOW_FIELD << shift < this.recvBuf.capacity) shift++;
    return shift;
  }

  private tsNow(now: number): number {
    return (Math.floor(now) + this.tsOffset) >>> 0;
  }

  /** RFC 7323 §4.3: remember the peer's TSval from a segment that covers RCV.NXT. */
  private updateTsRecent(seg: TcpSegment, now: number): void {
    const ts = seg.options.timestamps;
    if (!ts) return;
    if (seqLe(seg.seq, this.rcvNxt) && seqGe(ts.tsVal, this.tsRecent)) {
      this.tsRecent = ts.tsVal;
      this.tsRecentAge = now;
    }
  }

  // ===================================================================================
  // State changes, timers, trace
  // ===================================================================================

  /** Every state change goes through here, so each one is traced with its cause. */
  private setState(to: TcpState, cause: string, now: number): void {
    const from = this.state;
    this.state = to;
    if (this.ctx.tracing) this.ctx.trace({ type: 'state', t: now, host: this.ctx.hostName, conn: this.id, from, to, cause });
  }

  private becomeEstablished(cause: string, now: number): void {
    this.setState('ESTABLISHED', cause, now);
    if (this.synRetransmitted) this.rtt.resetAfterSynTimeout(); // RFC 6298 §5.7
    this.retries = 0;
    if (this.sndUna === this.sndNxt) this.cancelTimer('retransmit', now);
    if (this.role === 'passive') this.ctx.established(this);
    this.ctx.notify(this, 'writable');
    if (this.closeWhenEstablished) {
      this.closeWhenEstablished = false;
      this.queueFin();
      this.setState('FIN-WAIT-1', 'CLOSE / snd FIN', now);
    }
    this.output(now);
  }

  private enterTimeWait(cause: string, now: number): void {
    this.setState('TIME-WAIT', cause, now);
    for (const name of TIMER_NAMES) if (name !== 'time-wait') this.cancelTimer(name, now);
    this.setTimer('time-wait', now + 2 * this.ctx.settings.msl, now);
  }

  /** No more data will be written: the FIN takes the sequence number after the last queued byte. */
  private queueFin(): void {
    this.userShutdown = true;
    this.finSeq = seqAdd(this.bufHeadSeq, this.sendBuf.length);
  }

  /** Fail the connection with an error the user sees, and enter CLOSED. */
  private fail(code: SocketErrorCode, message: string, cause: string, now: number): void {
    this.error = { code, message };
    if (this.ctx.tracing) this.ctx.trace({ type: 'error', t: now, host: this.ctx.hostName, conn: this.id, code, message });
    this.ctx.notify(this, 'error');
    this.toClosed(cause, now);
  }

  /**
   * A passive open that failed goes back to LISTEN (Figure 5, note 1): the listener is still there,
   * so this connection's TCB is simply dropped and nobody is told.
   */
  private returnToListen(cause: string, now: number): void {
    for (const name of TIMER_NAMES) this.cancelTimer(name, now);
    this.setState('LISTEN', cause, now);
    this.snapshot(now);
    this.ctx.closed(this);
  }

  private toClosed(cause: string, now: number): void {
    for (const name of TIMER_NAMES) this.cancelTimer(name, now);
    this.setState('CLOSED', cause, now);
    this.snapshot(now);
    this.ctx.closed(this);
    this.ctx.notify(this, 'closed');
  }

  private setTimer(name: TimerName, deadline: number, now: number): void {
    this.timers[name] = deadline;
    this.deadlineDirty = true;
    if (this.ctx.tracing) this.ctx.trace({ type: 'timer', t: now, host: this.ctx.hostName, conn: this.id, timer: name, action: 'set', deadline });
  }

  private cancelTimer(name: TimerName, now: number): void {
    if (this.timers[name] === null) return;
    this.timers[name] = null;
    this.deadlineDirty = true;
    this.traceTimer(name, 'cancelled', now);
  }

  private traceTimer(name: TimerName, action: 'fired' | 'cancelled', now: number): void {
    if (this.ctx.tracing) this.ctx.trace({ type: 'timer', t: now, host: this.ctx.hostName, conn: this.id, timer: name, action });
  }

  private runningTimers(): Partial<Record<TimerName, number>> {
    const out: Partial<Record<TimerName, number>> = {};
    for (const name of TIMER_NAMES) {
      const t = this.timers[name];
      if (t !== null) out[name] = t;
    }
    return out;
  }

  private drop(seg: TcpSegment, now: number, reason: 'unacceptable' | 'rst-ignored' | 'out-of-window' | 'old-duplicate' | 'paws' | 'rate-limited', detail: string): void {
    if (this.ctx.tracing) {
      this.ctx.trace({ type: 'drop', t: now, host: this.ctx.hostName, conn: this.id, bytes: EMPTY, seg, reason, detail });
    }
  }

  private delivered(n: number, now: number): void {
    if (this.userClosed) this.recvBuf.discard();
    else this.ctx.notify(this, 'readable');
    if (this.ctx.tracing) this.ctx.trace({ type: 'deliver', t: now, host: this.ctx.hostName, conn: this.id, bytes: n });
  }

  private traceCwnd(reason: string): void {
    if (this.ctx.tracing) {
      this.ctx.trace({ type: 'cwnd', t: this.cc.lastChange, host: this.ctx.hostName, conn: this.id, cwnd: this.cc.cwnd, ssthresh: this.cc.ssthresh, reason });
    }
  }

  /** A TCB snapshot after each event that touched the connection (skipped when nobody traces). */
  private snapshot(now: number): void {
    if (this.ctx.tracing) this.ctx.trace({ type: 'tcb', t: now, host: this.ctx.hostName, conn: this.id, tcb: this.status() });
  }
}

const TIMER_NAMES: readonly TimerName[] = ['retransmit', 'persist', 'time-wait', 'delayed-ack', 'idle', 'user-timeout'];
const EMPTY = new Uint8Array(0);

/** SEG.LEN: data plus one for each of SYN and FIN (§3.4). */
function segLen(seg: TcpSegment): number {
  return seg.payload.length + (seg.flags & Flag.SYN ? 1 : 0) + (seg.flags & Flag.FIN ? 1 : 0);
}

function fmt(addr: number): string {
  return `${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.${addr & 255}`;
}
