// The three-way handshake (RFC 9293 §3.5) of one connection, as gVisor keeps it apart from the
// endpoint: the opens, SEGMENT ARRIVES in SYN-SENT (§3.10.7.3), SYN-RECEIVED's own cases, our SYN
// and SYN,ACK with their options, and what the SYNs negotiate: the MSS (§3.7.1), window scale and
// timestamps (RFC 7323), SACK-permitted (RFC 2018). An option is on only when both SYNs carry it
// and our settings allow it. State changes go through the connection's setState.
import { Flag, type TcpOptions, type TcpSegment } from './wire/types.ts';
import type { StackSettings } from './settings.ts';
import type { TcpState } from './state.ts';
import type { SendReason } from './trace.ts';
import type { SocketErrorCode } from './errors.ts';
import { seqAdd, seqGt, seqLe } from './seq.ts';
import type { Sender } from './sender.ts';
import type { Receiver } from './receiver.ts';
import type { Timestamps } from './timestamps.ts';
import { EMPTY, MAX_WSCALE } from './segment.ts';

export interface Agreement {
  /** Both sides scale windows (RFC 7323 §2). */
  wscaleOk: boolean;
  /** The peer's shift and ours, when scaling is on. */
  sndShift: number | null;
  rcvShift: number | null;
  tsOk: boolean;
  sackOk: boolean;
  /** Eff.snd.MSS (§3.7.1): min(SendMSS, our MTU's MSS) less the options every segment carries. */
  sndMss: number;
}

/** Before any SYN arrived: nothing is agreed. */
const NOTHING_AGREED: Agreement = { wscaleOk: false, sndShift: null, rcvShift: null, tsOk: false, sackOk: false, sndMss: 0 };

/** The peer's SYN carried `o`; `ourShift` lets our whole receive buffer be advertised. */
export function negotiate(o: TcpOptions, s: StackSettings, ourShift: number): Agreement {
  const peerMss = o.mss ?? s.defaultSendMss;
  const wscaleOk = s.windowScale && o.windowScale !== undefined;
  const tsOk = s.timestamps && o.timestamps !== undefined;
  return {
    wscaleOk,
    sndShift: wscaleOk ? Math.min(MAX_WSCALE, o.windowScale ?? 0) : null,
    rcvShift: wscaleOk ? ourShift : null,
    tsOk,
    sackOk: s.sack && o.sackPermitted === true,
    sndMss: Math.max(1, Math.min(peerMss, s.mss) - (tsOk ? 12 : 0)),
  };
}

/** What the handshake needs from its connection. */
export interface HandshakePort {
  readonly localPort: number;
  readonly remotePort: number;
  readonly role: 'active' | 'passive';
  state(): TcpState;
  setState(to: TcpState, cause: string, now: number): void;
  /** SYN-SENT or SYN-RECEIVED → ESTABLISHED, with what that starts (accept queue, queued FIN, output). */
  becomeEstablished(cause: string, now: number): void;
  fail(code: SocketErrorCode, message: string, cause: string, now: number): void;
  drop(seg: TcpSegment, now: number, reason: 'unacceptable' | 'rst-ignored', detail: string): void;
  /** A segment with the receiver's ACK and window (the RSTs here). */
  emit(seq: number, flags: number, payload: Uint8Array, reason: SendReason, now: number): void;
  /** A segment as it is (our SYN and SYN,ACK). */
  send(seg: TcpSegment, reason: SendReason): void;
  /** Continue at the sixth step with text or FIN that came on a SYN,ACK (§3.10.7.3). */
  processText(seg: TcpSegment, now: number): void;
}

export class Handshake {
  private agreed: Agreement = NOTHING_AGREED;

  constructor(
    private readonly settings: StackSettings,
    private readonly snd: Sender,
    private readonly rcv: Receiver,
    private readonly ts: Timestamps,
    private readonly port: HandshakePort,
  ) {}

  /** OPEN, active (§3.10.1): send SYN, enter SYN-SENT. */
  openActive(now: number): void {
    this.port.setState('SYN-SENT', 'active OPEN / create TCB, snd SYN', now);
    this.sendSyn(now, false);
  }

  /** A SYN arrived at a listener (§3.10.7.2): create the TCB in SYN-RECEIVED and answer SYN,ACK. */
  openPassive(seg: TcpSegment, now: number): void {
    this.port.setState('LISTEN', 'passive OPEN / create TCB', now);
    this.rcv.synchronize(seg.seq);
    this.negotiate(seg.options, now);
    this.snd.takeWindow(seg, false); // never scaled in a SYN (RFC 7323 §2.2)
    this.port.setState('SYN-RECEIVED', 'rcv SYN / snd SYN,ACK', now);
    this.sendSyn(now, false);
  }

  /**
   * The ACK of a valid SYN cookie (RFC 4987 §3.6): build the TCB that SYN-RECEIVED would have held,
   * with no option but the MSS the cookie carries, and enter ESTABLISHED.
   */
  openFromCookie(seg: TcpSegment, peerMss: number, now: number): void {
    this.port.setState('LISTEN', 'passive OPEN / create TCB', now);
    this.rcv.synchronizeFromCookie(seg.seq); // the window the cookie SYN,ACK offered
    this.negotiate({ mss: peerMss }, now);
    this.snd.synAcknowledged();
    this.snd.takeWindow(seg, false);
    this.port.becomeEstablished('rcv ACK (valid SYN cookie)', now);
  }

  /** SEGMENT ARRIVES in SYN-SENT (§3.10.7.3). */
  arrivesInSynSent(seg: TcpSegment, now: number): void {
    const f = seg.flags;
    const port = this.port;
    // First: the ACK bit.
    if (f & Flag.ACK) {
      if (seqLe(seg.ack, this.snd.iss) || seqGt(seg.ack, this.snd.sndNxt)) {
        if (!(f & Flag.RST)) port.emit(seg.ack, Flag.RST, EMPTY, 'rst', now);
        port.drop(seg, now, 'unacceptable', `ACK ${seg.ack} does not acknowledge our SYN (ISS ${this.snd.iss})`);
        return;
      }
    }
    // Second: the RST bit. Acceptable only with an ACK of our SYN (RFC 5961 §3.2 for SYN-SENT).
    if (f & Flag.RST) {
      if (f & Flag.ACK) {
        port.fail('ECONNREFUSED', 'connection refused: the peer answered the SYN with RST (nobody listens on that port)', 'rcv RST', now);
      } else {
        port.drop(seg, now, 'rst-ignored', 'RST without ACK in SYN-SENT');
      }
      return;
    }
    // Fourth: the SYN bit.
    if (!(f & Flag.SYN)) {
      port.drop(seg, now, 'unacceptable', 'neither SYN nor RST in SYN-SENT');
      return;
    }
    this.rcv.synchronize(seg.seq);
    this.negotiate(seg.options, now);
    if (f & Flag.ACK) this.snd.ackAdvances(seg.ack, now);
    this.snd.takeWindow(seg, false); // a SYN's window is never scaled (RFC 7323 §2.2)
    if (seqGt(this.snd.sndUna, this.snd.iss)) {
      // Our SYN has been acknowledged.
      // The ACK is owed before ESTABLISHED sends queued data, so the first data segment carries it
      // (§3.10.7.3: "form an ACK segment ... and send it", piggybacked when data is queued, §3.10.7.4);
      // only when nothing is queued does a pure ACK go out. Owed after, it followed the first flight
      // as a needless pure ACK.
      this.rcv.ackAtOnce();
      port.becomeEstablished('rcv SYN,ACK / snd ACK', now);
      // Data or FIN in the SYN,ACK: continue at the sixth step (§3.10.7.3).
      if (seg.payload.length > 0 || f & Flag.FIN) {
        port.processText({ ...seg, seq: seqAdd(seg.seq, 1), flags: f & ~Flag.SYN }, now);
      }
    } else {
      // Simultaneous open (§3.5, Figure 8): SYN-SENT → SYN-RECEIVED, answer SYN,ACK.
      port.setState('SYN-RECEIVED', 'rcv SYN / snd SYN,ACK', now);
      this.sendSyn(now, false);
    }
  }

  /**
   * A SYN in SYN-RECEIVED, before the sequence check. Returns null when it was answered, else the
   * segment to process further.
   */
  synInSynReceived(seg: TcpSegment, now: number): TcpSegment | null {
    const f = seg.flags;
    // A retransmitted SYN: our SYN,ACK was lost, send it again.
    if (!(f & Flag.ACK) && seg.seq === this.rcv.irs) {
      this.sendSyn(now, true);
      return null;
    }
    // Simultaneous open, RFC 9293 §3.5 Figure 8 line 6: the peer's SYN,ACK repeats its SYN (already
    // counted) and acknowledges ours. Accept it as the ACK it carries.
    if (f & Flag.ACK && seqAdd(seg.seq, 1) === this.rcv.rcvNxt && seg.ack === this.snd.sndNxt) {
      return { ...seg, seq: this.rcv.rcvNxt, flags: f & ~Flag.SYN };
    }
    return seg;
  }

  /**
   * The fifth step in SYN-RECEIVED (§3.10.7.4): an ACK of our SYN,ACK enters ESTABLISHED; any other
   * gets an RST. Returns whether processing goes on.
   */
  ackInSynReceived(seg: TcpSegment, now: number): boolean {
    if (seqGt(seg.ack, this.snd.sndUna) && seqLe(seg.ack, this.snd.sndNxt)) {
      this.snd.takeWindow(seg, true);
      this.port.becomeEstablished('rcv ACK of SYN / x', now);
      return true;
    }
    this.port.emit(seg.ack, Flag.RST, EMPTY, 'rst', now);
    this.port.drop(seg, now, 'unacceptable', `ACK ${seg.ack} does not acknowledge our SYN,ACK`);
    return false;
  }

  /** Our SYN (SYN-SENT) or SYN,ACK (SYN-RECEIVED), first or again. */
  sendSyn(now: number, retransmission: boolean): void {
    const state = this.port.state();
    const synAck = state === 'SYN-RECEIVED';
    const options = this.synOptions(state, now);
    const flags = synAck ? Flag.SYN | Flag.ACK : Flag.SYN;
    this.snd.synGoingOut(retransmission, now);
    const p = this.rcv.sendParams(flags);
    this.port.send({
      srcPort: this.port.localPort, dstPort: this.port.remotePort, seq: this.snd.iss, ack: p.ack,
      flags, window: p.window, urgent: 0, options, payload: EMPTY,
    }, retransmission ? 'retransmit' : synAck ? 'syn-ack' : 'syn');
    this.snd.synSent(retransmission, now);
  }

  /** Both halves and the timestamps learn what the SYNs agreed. */
  private negotiate(o: TcpOptions, now: number): void {
    const a = negotiate(o, this.settings, this.rcv.windowShift());
    this.agreed = a;
    this.ts.negotiated(a.tsOk, o.timestamps, now);
    this.rcv.negotiated(a.rcvShift, a.sackOk);
    this.snd.negotiated(a.sndMss, a.sndShift, a.sackOk, now);
  }

  /**
   * A SYN offers every option our settings allow; a SYN,ACK only those the peer's SYN offered too
   * (RFC 7323 §2.2, §3.2; RFC 2018 §2).
   */
  private synOptions(state: TcpState, now: number): TcpOptions {
    const s = this.settings;
    const offer = state === 'SYN-SENT';
    const options: TcpOptions = { mss: s.mss };
    if (s.sack && (offer || this.agreed.sackOk)) options.sackPermitted = true;
    if (s.timestamps && (offer || this.agreed.tsOk)) options.timestamps = { tsVal: this.ts.tsVal(now), tsEcr: this.ts.ok ? this.ts.recent : 0 };
    if (s.windowScale && (offer || this.agreed.wscaleOk)) options.windowScale = this.rcv.windowShift();
    return options;
  }
}
