// The worker-side entry: a capture file's bytes (whole or in chunks) in, plain data out — the
// conversation list and, per conversation, its packets with Wireshark's analysis flags, both
// ends' inferred state paths and what can be known of each end from outside. Structured-clone
// safe (numbers, strings, booleans, arrays, plain objects); never throws.
import { Flag } from '../tcp/wire/types.ts';
import { flagNames } from '../tcp/wire/describe.ts';
import { seqGt } from '../tcp/seq.ts';
import { CaptureReader, type ReadStatus } from './capture-file.ts';
import { decodeFrame, type DecodedPacket } from './decode-packet.ts';
import { analysePacket, newDirection, type AnalysisContext, type AnalysisFlag } from './analysis-flags.ts';
import { describeEnds, groupConversations, type Conversation } from './conversations.ts';
import { inferPaths, type EndPath } from './state-inference.ts';

export interface FrameSummary {
  number: number;
  time: number;
  length: number;
  capturedLength: number;
  protocol: string;
  src?: string;
  dst?: string;
  note?: string;
}

export interface ConversationPacket {
  frame: number;
  time: number;
  fromA: boolean;
  seq: number;
  ack: number;
  /** Sequence numbers relative to each sender's ISN (as Wireshark shows them), when its SYN was seen. */
  relativeSeq?: number;
  relativeAck?: number;
  flags: string;
  payloadLength: number;
  window: number;
  calculatedWindow: number;
  checksum: 'good' | 'bad' | 'unchecked';
  options: string[];
  analysis: AnalysisFlag[];
  duplicateAck?: { number: number; of: number };
  ackRtt?: number;
  note?: string;
}

/** What can be known of one end from outside. */
export interface EndInfo {
  address: string;
  port: number;
  isn?: number;
  /** Highest acknowledgement the peer sent it (its SND.UNA as the capture saw it). */
  sndUna?: number;
  /** Highest sequence end it sent (its SND.NXT as seen). */
  sndNxt?: number;
  mss?: number;
  windowScale?: number;
  sackPermitted: boolean;
  timestamps: boolean;
  /** Last window it advertised, raw and calculated. */
  lastWindow?: { raw: number; calculated: number };
  /** RTT samples of this end's segments (SYN → SYN,ACK, data → ACK), seconds. */
  rttSamples: { frame: number; rtt: number }[];
}

export interface ConversationDetail {
  conversation: Conversation;
  packets: ConversationPacket[];
  paths: { a: EndPath; b: EndPath };
  ends: { a: EndInfo; b: EndInfo };
  negotiated: { windowScaling: 'both' | 'none' | 'unknown'; sack: boolean; timestamps: boolean };
}

export interface CaptureReport {
  status: ReadStatus;
  /** Plain sentences: what was read and what was not. */
  messages: string[];
  frames: FrameSummary[];
  conversations: Conversation[];
  details: ConversationDetail[];
}

function optionList(p: DecodedPacket): string[] {
  const o = p.tcp?.options;
  if (o === undefined) return [];
  const out: string[] = [];
  if (o.mss !== undefined) out.push(`MSS=${o.mss}`);
  if (o.windowScale !== undefined) out.push(`WS=${o.windowScale}`);
  if (o.sackPermitted) out.push('SACK_PERM');
  if (o.sackBlocks) for (const b of o.sackBlocks) out.push(`SACK ${b.left}-${b.right}`);
  if (o.timestamps) out.push(`TSval=${o.timestamps.tsVal} TSecr=${o.timestamps.tsEcr}`);
  if (o.unknown) for (const u of o.unknown) out.push(`kind ${u.kind} (${u.length} bytes)`);
  return out;
}

/** Open a capture: feed every chunk, then analyse. */
export function openCapture(chunks: Uint8Array | Iterable<Uint8Array>): CaptureReport {
  const reader = new CaptureReader();
  const decoded: DecodedPacket[] = [];
  const list = chunks instanceof Uint8Array ? [chunks] : chunks;
  for (const chunk of list) for (const f of reader.push(chunk)) decoded.push(decodeFrame(f));
  const status = reader.end();
  return analyseDecoded(status, decoded);
}

export function analyseDecoded(status: ReadStatus, decoded: DecodedPacket[]): CaptureReport {
  const messages: string[] = [];
  messages.push(`${status.frames} frames read (${status.bytesRead} bytes) from a ${status.format} file` +
    (status.interfaces.length > 1 ? ` with ${status.interfaces.length} interfaces` : ''));
  if (status.error) messages.push(status.error);
  if (status.truncatedTail) messages.push(status.truncatedTail);
  if (status.skippedBlocks > 0) messages.push(`${status.skippedBlocks} pcapng blocks of types not read were skipped`);
  const truncated = decoded.filter((p) => p.capturedLength < p.length).length;
  if (truncated > 0) messages.push(`${truncated} frames were cut by the snaplen: their headers were read, their data not`);
  const unsupported = new Map<string, number>();
  for (const p of decoded) if (p.note !== undefined && p.tcp === undefined) unsupported.set(p.note, (unsupported.get(p.note) ?? 0) + 1);
  for (const [note, n] of unsupported) messages.push(`${n} frame${n === 1 ? '' : 's'} not decoded: ${note}`);

  const frames: FrameSummary[] = decoded.map((p) => {
    const f: FrameSummary = { number: p.number, time: p.time, length: p.length, capturedLength: p.capturedLength, protocol: p.protocol };
    if (p.src !== undefined) f.src = p.src;
    if (p.dst !== undefined) f.dst = p.dst;
    if (p.note !== undefined) f.note = p.note;
    return f;
  });
  const { conversations, refs } = groupConversations(decoded);
  const byConv: (typeof refs)[] = conversations.map(() => []);
  for (const r of refs) byConv[r.conversation]!.push(r);

  const details = conversations.map((conv, i): ConversationDetail => {
    const rs = byConv[i]!;
    describeEnds(conv, rs);
    const synA = rs.find((r) => r.fromA && r.tcp.flags & Flag.SYN);
    const synB = rs.find((r) => !r.fromA && r.tcp.flags & Flag.SYN);
    const ctx: AnalysisContext = {
      scaling: synA && synB ? (synA.tcp.options.windowScale !== undefined && synB.tcp.options.windowScale !== undefined ? 'both' : 'none') : 'unknown',
    };
    const dirA = newDirection();
    const dirB = newDirection();
    const ends = [synA, synB].map((syn, side): EndInfo => {
      const e = side === 0 ? conv.a : conv.b;
      const info: EndInfo = { address: e.address, port: e.port, sackPermitted: syn?.tcp.options.sackPermitted === true, timestamps: syn?.tcp.options.timestamps !== undefined, rttSamples: [] };
      if (syn) {
        info.isn = syn.tcp.seq;
        if (syn.tcp.options.mss !== undefined) info.mss = syn.tcp.options.mss;
        if (syn.tcp.options.windowScale !== undefined) info.windowScale = syn.tcp.options.windowScale;
      }
      return info;
    }) as [EndInfo, EndInfo];
    const packets = rs.map((r): ConversationPacket => {
      const [fwd, rev] = r.fromA ? [dirA, dirB] : [dirB, dirA];
      const t = r.tcp;
      const a = analysePacket(r.packet.number, r.packet.time, t, fwd, rev, ctx);
      const me = ends[r.fromA ? 0 : 1];
      const peer = ends[r.fromA ? 1 : 0];
      if (fwd.nextSeq !== undefined) me.sndNxt = fwd.nextSeq;
      if (t.flags & Flag.ACK && (peer.sndUna === undefined || seqGt(t.ack, peer.sndUna))) peer.sndUna = t.ack;
      me.lastWindow = { raw: t.window, calculated: a.calculatedWindow };
      if (a.ackRtt !== undefined) peer.rttSamples.push({ frame: r.packet.number, rtt: a.ackRtt });
      const cp: ConversationPacket = {
        frame: r.packet.number, time: r.packet.time, fromA: r.fromA, seq: t.seq, ack: t.ack,
        flags: flagNames(t.flags), payloadLength: t.payloadLength, window: t.window, calculatedWindow: a.calculatedWindow,
        checksum: t.checksum, options: optionList(r.packet), analysis: a.flags,
      };
      if (me.isn !== undefined) cp.relativeSeq = (t.seq - me.isn) >>> 0;
      if (peer.isn !== undefined && t.flags & Flag.ACK) cp.relativeAck = (t.ack - peer.isn) >>> 0;
      if (a.duplicateAck) cp.duplicateAck = a.duplicateAck;
      if (a.ackRtt !== undefined) cp.ackRtt = a.ackRtt;
      const note = r.packet.note ?? t.optionsError;
      if (note !== undefined) cp.note = note;
      return cp;
    });
    const [pa, pb] = inferPaths(rs.map((r) => ({ frame: r.packet.number, from: r.fromA ? 0 : 1, tcp: r.tcp })));
    return {
      conversation: conv,
      packets,
      paths: { a: pa, b: pb },
      ends: { a: ends[0], b: ends[1] },
      negotiated: { windowScaling: ctx.scaling, sack: ends[0].sackPermitted && ends[1].sackPermitted, timestamps: ends[0].timestamps && ends[1].timestamps },
    };
  });
  return { status, messages, frames, conversations, details };
}
