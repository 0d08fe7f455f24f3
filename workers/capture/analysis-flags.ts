// Wireshark's TCP sequence analysis (tcp.analysis.*), rules written from its User's Guide
// ("TCP Analysis"): each packet, seen in capture order, is judged against what its direction
// (fwd) and the reverse direction (rev) sent before it. The flag names are Wireshark's fields.
import { Flag } from '../tcp/wire/types.ts';
import { seqAdd, seqGt, seqLe, seqLt } from '../tcp/seq.ts';
import type { DecodedTcp } from './decode-packet.ts';

export type AnalysisFlag =
  | 'retransmission'
  | 'fast_retransmission'
  | 'spurious_retransmission'
  | 'out_of_order'
  | 'lost_segment'
  | 'ack_lost_segment'
  | 'duplicate_ack'
  | 'zero_window'
  | 'zero_window_probe'
  | 'zero_window_probe_ack'
  | 'window_update'
  | 'window_full'
  | 'keep_alive'
  | 'keep_alive_ack';

export interface PacketAnalysis {
  flags: AnalysisFlag[];
  /** Duplicate ACK #n and the frame it duplicates (tcp.analysis.duplicate_ack_num/_frame). */
  duplicateAck?: { number: number; of: number };
  /** The window as Wireshark calculates it: raw << scale once both SYNs carried WS (RFC 7323 §2.2). */
  calculatedWindow: number;
  /** Time from the segment this packet acknowledges (tcp.analysis.ack_rtt), seconds. */
  ackRtt?: number;
}

/** What the analysis keeps per direction (Wireshark's tcp_analyze_seq_info, in our words). */
export interface DirectionState {
  nextSeq?: number;
  nextSeqTime: number;
  maxSeqToBeAcked?: number;
  lastAck?: number;
  lastAckTime: number;
  lastNonDupAck: number;
  dupAckCount: number;
  window?: number;
  /** Window scale this direction announced in its SYN; undefined = none seen. */
  windowScale?: number;
  lastFlags: AnalysisFlag[];
  /** Unacknowledged segments for RTT samples: end sequence, time, frame, whether retransmitted. */
  inFlight: { end: number; time: number; frame: number; retransmitted: boolean }[];
}

export function newDirection(): DirectionState {
  return { nextSeqTime: 0, lastAckTime: 0, lastNonDupAck: 0, dupAckCount: 0, lastFlags: [], inFlight: [] };
}

/** Out-of-order threshold when no RTT is known (Wireshark's default, 3 ms). */
const OOO_THRESHOLD = 0.003;
/** A fast retransmission follows the third duplicate ACK closely (the guide says within 20 ms). */
const FAST_RETRANSMISSION_WINDOW = 0.02;

export interface AnalysisContext {
  /** Both SYNs carried a window scale option, so windows after the SYNs are scaled. */
  scaling: 'both' | 'none' | 'unknown';
  /** The handshake's RTT (SYN → the ACK of the SYN,ACK), used as the out-of-order threshold. */
  firstRtt?: number;
  /** When the first SYN was seen, and by which direction state. */
  syn?: { time: number; from: DirectionState };
}

const CONTROL = Flag.SYN | Flag.FIN | Flag.RST;

/** Judge one packet; updates fwd/rev. `time` is in seconds. */
export function analysePacket(
  frame: number,
  time: number,
  tcp: DecodedTcp,
  fwd: DirectionState,
  rev: DirectionState,
  ctx: AnalysisContext,
): PacketAnalysis {
  const flags: AnalysisFlag[] = [];
  const out: PacketAnalysis = { flags, calculatedWindow: tcp.window };
  const { seq, ack } = tcp;
  const seglen = tcp.payloadLength;
  const control = (tcp.flags & CONTROL) !== 0;
  const hasAck = (tcp.flags & Flag.ACK) !== 0;
  const syn = (tcp.flags & Flag.SYN) !== 0;
  if (syn && tcp.options.windowScale !== undefined) fwd.windowScale = Math.min(tcp.options.windowScale, 14);
  // RFC 7323 §2.2: the window in a SYN is never scaled.
  const scale = !syn && ctx.scaling === 'both' ? (fwd.windowScale ?? 0) : 0;
  const window = tcp.window * 2 ** scale;
  out.calculatedWindow = window;
  if (syn && !hasAck && ctx.syn === undefined) ctx.syn = { time, from: fwd };
  const nextSeq = seqAdd(seq, seglen + (syn ? 1 : 0) + ((tcp.flags & Flag.FIN) !== 0 ? 1 : 0));

  // Zero window: the receive window is 0 and the segment is no SYN, FIN or RST.
  if (window === 0 && !control) flags.push('zero_window');
  // Previous segment not captured: the sequence number jumps past what this direction sent.
  if (fwd.nextSeq !== undefined && seqGt(seq, fwd.nextSeq) && (tcp.flags & Flag.RST) === 0) flags.push('lost_segment');
  // Keep-alive: 0 or 1 bytes at one less than the next expected sequence number.
  if (seglen <= 1 && !control && fwd.nextSeq !== undefined && seqAdd(fwd.nextSeq, -1) === seq) flags.push('keep_alive');
  // Window update: no data, same seq and ack as before, a different non-zero window.
  const sameSeqAck = fwd.nextSeq === seq && fwd.lastAck === ack;
  if (seglen === 0 && window !== 0 && fwd.window !== undefined && window !== fwd.window && sameSeqAck && !control) {
    flags.push('window_update');
  }
  // Window full: this segment fills the window the reverse direction last offered.
  if (seglen > 0 && !control && rev.window !== undefined && rev.lastAck !== undefined && seqAdd(seq, seglen) === seqAdd(rev.lastAck, rev.window)) {
    flags.push('window_full');
  }
  let done = false;
  // Keep-alive ACK: the answer to a keep-alive; it supersedes duplicate ACK.
  if (seglen === 0 && window !== 0 && window === fwd.window && sameSeqAck && !control && rev.lastFlags.includes('keep_alive')) {
    flags.push('keep_alive_ack');
    done = true;
  }
  // Zero-window probe: one byte at the next expected sequence number into a zero window.
  if (!done && seglen === 1 && fwd.nextSeq === seq && rev.window === 0) {
    flags.push('zero_window_probe');
    done = true;
  }
  if (!done && seglen === 0 && window === 0 && window === fwd.window && fwd.nextSeq === seq && rev.lastFlags.includes('zero_window_probe') && !control &&
    fwd.lastAck !== undefined && (ack === fwd.lastAck || ack === seqAdd(fwd.lastAck, 1))) {
    flags.push('zero_window_probe_ack');
    done = true;
  }
  // Duplicate ACK: nothing new at all (no data, same window, same seq and ack).
  if (!done && seglen === 0 && window !== 0 && window === fwd.window && sameSeqAck && !control && fwd.lastAck !== undefined) {
    fwd.dupAckCount++;
    flags.push('duplicate_ack');
    out.duplicateAck = { number: fwd.dupAckCount, of: fwd.lastNonDupAck };
  }
  // A new acknowledgement (not a window update or keep-alive ACK) is the one later duplicates repeat.
  if (!flags.includes('duplicate_ack') && (fwd.lastAck === undefined || ack !== fwd.lastAck || seglen > 0 || control)) {
    fwd.dupAckCount = 0;
    fwd.lastNonDupAck = frame;
  }
  // ACKed unseen segment: this acknowledges more than the reverse direction was seen to send.
  if (hasAck && rev.maxSeqToBeAcked !== undefined && seqGt(ack, rev.maxSeqToBeAcked) && (tcp.flags & Flag.RST) === 0) {
    flags.push('ack_lost_segment');
    rev.maxSeqToBeAcked = ack;
  }
  // Retransmissions: data (or SYN/FIN) below what this direction already sent.
  const isKeepAlive = flags.includes('keep_alive') || flags.includes('zero_window_probe');
  if ((seglen > 0 || (tcp.flags & (Flag.SYN | Flag.FIN)) !== 0) && fwd.nextSeq !== undefined && seqLt(seq, fwd.nextSeq) && !isKeepAlive) {
    const sinceAck = time - rev.lastAckTime;
    const sinceNext = time - fwd.nextSeqTime;
    const threshold = ctx.firstRtt ?? OOO_THRESHOLD;
    // A fast retransmission is also reported as a retransmission (both fields are set).
    if (rev.dupAckCount >= 2 && rev.lastAck === seq && sinceAck < FAST_RETRANSMISSION_WINDOW) flags.push('fast_retransmission', 'retransmission');
    else if (sinceNext >= 0 && sinceNext < threshold && fwd.nextSeq !== nextSeq) flags.push('out_of_order');
    else if (seglen > 0 && rev.lastAck !== undefined && seqLe(nextSeq, rev.lastAck)) flags.push('spurious_retransmission', 'retransmission');
    else flags.push('retransmission');
    for (const s of fwd.inFlight) if (seqGt(s.end, seq)) s.retransmitted = true;
  }
  // What this direction has now sent.
  if (!isKeepAlive && (fwd.nextSeq === undefined || seqGt(nextSeq, fwd.nextSeq))) {
    fwd.nextSeq = nextSeq;
    fwd.nextSeqTime = time;
    if (fwd.maxSeqToBeAcked === undefined || seqGt(nextSeq, fwd.maxSeqToBeAcked)) fwd.maxSeqToBeAcked = nextSeq;
    if (seglen > 0 || syn || (tcp.flags & Flag.FIN) !== 0) fwd.inFlight.push({ end: nextSeq, time, frame, retransmitted: false });
  }
  // RTT: the newest fully acknowledged segment sent once (Karn's rule, RFC 6298 §3).
  if (hasAck) {
    let sample: { time: number; retransmitted: boolean } | undefined;
    rev.inFlight = rev.inFlight.filter((s) => {
      if (seqLe(s.end, ack)) {
        sample = s;
        return false;
      }
      return true;
    });
    if (sample !== undefined && !sample.retransmitted) out.ackRtt = time - sample.time;
    if (ctx.firstRtt === undefined && !syn && ctx.syn !== undefined && ctx.syn.from === fwd) ctx.firstRtt = time - ctx.syn.time;
    fwd.lastAck = ack;
    fwd.lastAckTime = time;
  }
  fwd.window = window;
  fwd.lastFlags = flags;
  return out;
}
