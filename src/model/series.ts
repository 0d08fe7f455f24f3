// Time series of one connection, as one host saw it: sequence numbers sent over time, the ACK
// line and the receive-window line (a Stevens / tcptrace time-sequence graph), and the
// congestion window with its slow-start threshold.
import type { TraceEvent } from '../../workers/tcp/trace.ts';
import { Flag } from '../../workers/tcp/wire/types.ts';
import type { ConnKey } from './keys.ts';
import { seqSpace } from './segments.ts';
import type { SegmentRow } from './segments.ts';
import { indexFor, TraceIndex } from './trace-index.ts';
import { windowBytes } from './labels.ts';

/** One segment's span of sequence space, relative to its sender's ISN. */
export interface SeqSample {
  t: number;
  key: string;
  seq: number;
  end: number;
  retransmission: boolean;
  dropped: boolean;
}

/** An acknowledgment: the ACK line at `ack`, the window line at `right` = ack + window. */
export interface AckSample {
  t: number;
  key: string;
  ack: number;
  right: number;
  dupAck: boolean;
}

export interface FlowSeries {
  segments: SeqSample[];
  acks: AckSample[];
}

export interface CwndSample {
  t: number;
  cwnd: number;
  /** Null while "infinite" (no loss yet): nothing to draw. */
  ssthresh: number | null;
  reason: string;
}

/** This host's own view of the windows, from its TCB snapshots. */
export interface WindowSample {
  t: number;
  /** The window we advertise (free receive buffer). */
  rcvWnd: number;
  /** The peer's advertised window, as we last applied it. */
  sndWnd: number;
}

export interface ConnSeries {
  conn: ConnKey;
  /** Data this host sent and the ACKs/windows that came back. */
  out: FlowSeries;
  /** Data this host received and the ACKs/windows it sent. */
  in: FlowSeries;
  cwnd: CwndSample[];
  windows: WindowSample[];
  t0: number;
  t1: number;
}

/** A distance from an ISN, signed so a segment before it (never, but) plots below zero. */
function rel(x: number, base: number | null): number {
  return base === null ? x : (x - base) | 0;
}

/**
 * Values this large are "no limit": ssthresh starts arbitrarily high (RFC 5681 §3.1) and the
 * core uses 2^30 − 1, the largest window scaling can express, for "unbounded".
 */
export const UNBOUNDED = 0x3fff_ffff;

export function buildSeries(ix: TraceIndex, key: ConnKey): ConnSeries | null {
  const c = ix.connection(key);
  if (!c) return null;
  const out: FlowSeries = { segments: [], acks: [] };
  const inn: FlowSeries = { segments: [], acks: [] };
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const row of ix.rowsOf(key)) {
    if (row.seg === null || row.host !== c.host) continue;
    t0 = Math.min(t0, row.t);
    t1 = Math.max(t1, row.t);
    const sending = row.dir === 'out' ? out : inn; // the flow this row's data belongs to
    const acking = row.dir === 'out' ? inn : out; // the flow this row acknowledges
    addRow(row, sending, acking);
  }
  const cwnd: CwndSample[] = [];
  const windows: WindowSample[] = [];
  const m = ix.metrics(key);
  if (m) {
    for (const { t, tcb } of m.tcbs) {
      const prev = windows[windows.length - 1];
      if (!prev || prev.rcvWnd !== tcb.rcvWnd || prev.sndWnd !== tcb.sndWnd) windows.push({ t, rcvWnd: tcb.rcvWnd, sndWnd: tcb.sndWnd });
    }
    // 'cwnd' events say why; snapshots fill in when a core sends none. Merge in trace order.
    const merged: { t: number; ei: number; cwnd: number; ssthresh: number; reason: string }[] = [
      ...m.cwnd.map((x) => ({ t: x.t, ei: x.eventIndex, cwnd: x.cwnd, ssthresh: x.ssthresh, reason: x.reason })),
      ...(m.cwnd.length === 0 ? m.tcbs.map((x) => ({ t: x.t, ei: x.eventIndex, cwnd: x.tcb.cwnd, ssthresh: x.tcb.ssthresh, reason: 'snapshot' })) : []),
    ].sort((a, b) => a.ei - b.ei);
    for (const x of merged) {
      if (!Number.isFinite(x.cwnd) || x.cwnd >= UNBOUNDED) continue; // congestion control off
      const ssthresh = Number.isFinite(x.ssthresh) && x.ssthresh < UNBOUNDED ? x.ssthresh : null;
      const prev = cwnd[cwnd.length - 1];
      if (prev && prev.cwnd === x.cwnd && prev.ssthresh === ssthresh) continue;
      cwnd.push({ t: x.t, cwnd: x.cwnd, ssthresh, reason: x.reason });
      t0 = Math.min(t0, x.t);
      t1 = Math.max(t1, x.t);
    }
  }
  if (t0 === Infinity) t0 = t1 = c.opened;
  return { conn: key, out, in: inn, cwnd, windows, t0, t1 };
}

function addRow(row: SegmentRow, sending: FlowSeries, acking: FlowSeries): void {
  const space = seqSpace(row);
  if (space > 0) {
    const seq = rel(row.seq, row.seqBase);
    sending.segments.push({ t: row.t, key: row.key, seq, end: seq + space, retransmission: row.retransmission, dropped: row.drop !== null });
  }
  if ((row.flags & Flag.ACK) !== 0) {
    const ack = rel(row.ack, row.ackBase);
    acking.acks.push({ t: row.t, key: row.key, ack, right: ack + windowBytes(row), dupAck: row.dupAck });
  }
}

/**
 * At most about `max` samples for drawing: per time bucket keep the lowest start and the
 * highest end, and every retransmitted or dropped segment (those are what a student looks for).
 */
export function decimate(samples: readonly SeqSample[], max: number): SeqSample[] {
  if (samples.length <= max) return samples.slice();
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const span = Math.max(last.t - first.t, 1e-9);
  const buckets = Math.max(1, Math.floor(max / 2));
  const out: SeqSample[] = [];
  let bucket = -1;
  let lo: SeqSample | null = null;
  let hi: SeqSample | null = null;
  const flush = () => {
    if (lo) out.push(lo);
    if (hi && hi !== lo) out.push(hi);
    lo = hi = null;
  };
  for (const s of samples) {
    const b = Math.min(buckets - 1, Math.floor(((s.t - first.t) / span) * buckets));
    if (b !== bucket) {
      flush();
      bucket = b;
    }
    if (s.retransmission || s.dropped) {
      out.push(s);
      continue;
    }
    if (lo === null || s.seq < lo.seq) lo = s;
    if (hi === null || s.end > hi.end) hi = s;
  }
  flush();
  return out;
}

const memo = new WeakMap<TraceIndex, Map<ConnKey, { rev: string; series: ConnSeries | null }>>();

/** Per-connection time series; memoised per trace until its rows or metrics change. */
export function timeSeries(events: readonly TraceEvent[] | TraceIndex, key: ConnKey): ConnSeries | null {
  const ix = events instanceof TraceIndex ? events : indexFor(events);
  let m = memo.get(ix);
  if (!m) memo.set(ix, (m = new Map()));
  const rev = `${ix.revisions.rows}/${ix.revisions.metrics}/${ix.revisions.conns}`;
  const hit = m.get(key);
  if (hit && hit.rev === rev) return hit.series;
  const series = buildSeries(ix, key);
  m.set(key, { rev, series });
  return series;
}
