// The ladder (message sequence) diagram of one connection: its two ends as vertical lines and
// every packet as an arrow between them, in the order things happened.
//
// The vertical axis is event order, not raw time: each send or arrival gets its own row
// ("slot"), so a burst stays readable and an idle minute costs no space. An arrow runs from the
// slot where it was sent to the slot where it arrived, so the more happened while it was in
// flight, the steeper it is; crossing arrows are reordering. When both hosts' traces are merged,
// arrivals are ordered after their sends even if two tabs' clocks disagree.
import type { TcpState } from '../../workers/tcp/state.ts';
import type { TraceEvent } from '../../workers/tcp/trace.ts';
import type { ConnectionInfo, Transition } from './connections.ts';
import type { ConnKey } from './keys.ts';
import type { DropMark, FaultName, SegmentRow } from './segments.ts';
import { peerOf } from './pairing.ts';
import { indexFor, TraceIndex } from './trace-index.ts';

export interface LadderEnd {
  /** The host whose trace this end is, or null when only the other end's trace is known. */
  host: string | null;
  addr: string;
  port: number;
  conn: ConnKey | null;
  role: 'active' | 'passive' | null;
}

/**
 * - delivered: it arrived and the stack took it;
 * - discarded: it arrived and the receiving stack dropped it;
 * - lost: a network fault lost it (or mangled it beyond recognition);
 * - missing: both traces are known and it never showed up at the other end (still in flight?);
 * - unknown: only the sender's trace is known.
 */
export type Fate = 'delivered' | 'discarded' | 'lost' | 'missing' | 'unknown';

export interface LadderArrow {
  /** The segment key selecting this arrow: the send's row, or the arrival's when the send is unknown or this is a duplicate. */
  key: string;
  /** Every row key the arrow stands for (the send and the arrival). */
  keys: string[];
  /** Index of the sending end in `ends`. */
  from: 0 | 1;
  send: SegmentRow | null;
  recv: SegmentRow | null;
  /** The row labels are read from: the send when known. */
  row: SegmentRow;
  sendSlot: number | null;
  recvSlot: number | null;
  /** Vertical position (slots) where the arrow leaves the sender and where it ends. */
  y0: number;
  y1: number;
  fate: Fate;
  drop: DropMark | null;
  retransmission: boolean;
  duplicate: boolean;
  outOfOrder: boolean;
  dupAck: boolean;
  faults: FaultName[];
}

export interface LadderMark {
  /** Between slots (…, -0.5, 0.5, …): a state is entered between two packets. */
  y: number;
  end: 0 | 1;
  from: TcpState;
  to: TcpState;
  cause: string;
  t: number;
  step: number;
}

export interface Ladder {
  conn: ConnKey;
  peer: ConnKey | null;
  /** Left, then right: the active opener on the left when known, as textbooks draw it. */
  ends: [LadderEnd, LadderEnd];
  /** Both hosts' traces are known, so arrivals are real, not assumed. */
  bothSides: boolean;
  slotCount: number;
  /** Time of the send or arrival in each slot (null for a spacer slot). */
  slotTimes: (number | null)[];
  t0: number;
  /** Sorted by their top (min of y0, y1). */
  arrows: LadderArrow[];
  /** reach[i]: the lowest bottom of arrows[0…i], to find arrows that cross a window. */
  reach: number[];
  /** Sorted by y. */
  marks: LadderMark[];
  byKey: Map<string, number>;
}

/** How far (in slots) an arrow is drawn when its other end is not in the trace. */
export const ASSUMED_FLIGHT = 0.7;
/**
 * How far a lost packet gets before its cross, as a fraction of a whole flight: the model puts
 * its end this many slots below its send (a flight takes one slot), the view draws it this far
 * across, so the stub keeps the slope of the flight it did not finish.
 */
export const LOST_FLIGHT = 0.5;

type Tick =
  | { kind: 'row'; row: SegmentRow; t: number; ei: number }
  | { kind: 'state'; tr: Transition; end: 0 | 1; t: number; ei: number };

function endOf(c: ConnectionInfo): LadderEnd {
  return { host: c.host, addr: c.localAddr, port: c.localPort, conn: c.key, role: c.role };
}

export function buildLadder(ix: TraceIndex, key: ConnKey): Ladder | null {
  const c = ix.connection(key);
  if (!c) return null;
  const peerKey = peerOf(ix, key);
  const d = peerKey === null ? undefined : ix.connection(peerKey);

  const rows = new Set<SegmentRow>(ix.rowsOf(key));
  if (d) for (const r of ix.rowsOf(d.key)) rows.add(r);
  // The other end's rows that belong to no connection (a RST from a closed port) come in
  // through the packets they answer or carry.
  for (const r of [...rows]) if (r.peer) rows.add(r.peer);

  let otherHost: string | null = d?.host ?? null;
  if (otherHost === null) for (const r of rows) if (r.host !== c.host) otherHost = r.host;
  const local = endOf(c);
  const remote: LadderEnd = d ? endOf(d) : { host: otherHost, addr: c.remoteAddr, port: c.remotePort, conn: null, role: null };
  const localLeft = !(c.role === 'passive' && (d ? d.role === 'active' : true));
  const ends: [LadderEnd, LadderEnd] = localLeft ? [local, remote] : [remote, local];
  const localEnd: 0 | 1 = localLeft ? 0 : 1;
  const endOfHost = (host: string): 0 | 1 => (host === c.host ? localEnd : ((1 - localEnd) as 0 | 1));
  const bothSides = otherHost !== null;

  // One queue of ticks per end, each in its host's own order.
  const queues: [Tick[], Tick[]] = [[], []];
  for (const r of rows) {
    if (r.host !== c.host && r.host !== otherHost) continue; // a third host's view: not this ladder
    queues[endOfHost(r.host)].push({ kind: 'row', row: r, t: r.t, ei: r.eventIndex });
  }
  for (const tr of c.transitions) queues[localEnd].push({ kind: 'state', tr, end: localEnd, t: tr.t, ei: tr.eventIndex });
  if (d) {
    const e = (1 - localEnd) as 0 | 1;
    for (const tr of d.transitions) queues[e].push({ kind: 'state', tr, end: e, t: tr.t, ei: tr.eventIndex });
  }
  for (const q of queues) q.sort((a, b) => a.ei - b.ei);

  // Merge by time, but never an arrival before its send.
  const emitted = new Set<SegmentRow>();
  const blocked = (tick: Tick | undefined): boolean =>
    tick !== undefined && tick.kind === 'row' && tick.row.dir === 'in' && tick.row.peer !== null &&
    rows.has(tick.row.peer) && tick.row.peer.dir === 'out' && !emitted.has(tick.row.peer);
  const earlier = (a: Tick, b: Tick): boolean => a.t < b.t || (a.t === b.t && a.ei < b.ei);

  const slotOf = new Map<SegmentRow, number>();
  const slotTimes: (number | null)[] = [];
  const marks: LadderMark[] = [];
  const lastMarkY: [number, number] = [-Infinity, -Infinity];
  let cursor = -1;
  let i0 = 0;
  let i1 = 0;
  const q0 = queues[0];
  const q1 = queues[1];
  while (i0 < q0.length || i1 < q1.length) {
    const h0 = q0[i0];
    const h1 = q1[i1];
    const b0 = blocked(h0);
    const b1 = blocked(h1);
    let pick: 0 | 1;
    if (h0 && !b0 && (!h1 || b1 || earlier(h0, h1))) pick = 0;
    else if (h1 && !b1) pick = 1;
    else pick = h0 && (!h1 || earlier(h0, h1)) ? 0 : 1; // both waiting: a trace out of causal order
    const tick = pick === 0 ? q0[i0++]! : q1[i1++]!;
    if (tick.kind === 'row') {
      cursor++;
      slotOf.set(tick.row, cursor);
      slotTimes.push(tick.t);
      emitted.add(tick.row);
    } else {
      let y = cursor + 0.5;
      if (lastMarkY[tick.end] >= y) {
        // Two state changes on one side with no packet between: give the second its own gap.
        cursor++;
        slotTimes.push(null);
        y = cursor + 0.5;
      }
      lastMarkY[tick.end] = y;
      marks.push({ y, end: tick.end, from: tick.tr.from, to: tick.tr.to, cause: tick.tr.cause, t: tick.t, step: tick.tr.step });
    }
  }

  const arrows: LadderArrow[] = [];
  for (const r of slotOf.keys()) { // in slot order: the Map keeps insertion order
    if (r.dir === 'out') {
      const recv = r.peer !== null && slotOf.has(r.peer) ? r.peer : null;
      arrows.push(makeArrow(r, recv, slotOf, endOfHost, bothSides));
    } else if (r.peer !== null && slotOf.has(r.peer)) {
      // Its send drew the arrow already, unless this is a second arrival of it.
      if (r.peer.peer !== r) arrows.push(makeArrow(r.peer, r, slotOf, endOfHost, bothSides));
    } else {
      arrows.push(makeArrow(null, r, slotOf, endOfHost, bothSides));
    }
  }
  arrows.sort((a, b) => Math.min(a.y0, a.y1) - Math.min(b.y0, b.y1));
  const reach: number[] = [];
  let far = -Infinity;
  const byKey = new Map<string, number>();
  arrows.forEach((a, i) => {
    far = Math.max(far, a.y0, a.y1);
    reach.push(far);
    for (const k of a.keys) if (!byKey.has(k)) byKey.set(k, i);
  });
  const firstTime = slotTimes.find((t) => t !== null) ?? marks[0]?.t ?? c.opened;
  return {
    conn: key, peer: d?.key ?? null, ends, bothSides,
    slotCount: cursor + 1, slotTimes, t0: firstTime, arrows, reach, marks, byKey,
  };
}

function makeArrow(
  send: SegmentRow | null, recv: SegmentRow | null, slotOf: Map<SegmentRow, number>,
  endOfHost: (host: string) => 0 | 1, bothSides: boolean,
): LadderArrow {
  const row = (send ?? recv)!;
  const sendSlot = send ? slotOf.get(send)! : null;
  const recvSlot = recv ? slotOf.get(recv)! : null;
  const from: 0 | 1 = send ? endOfHost(send.host) : ((1 - endOfHost(recv!.host)) as 0 | 1);
  let fate: Fate;
  let drop: DropMark | null = null;
  if (recv) {
    drop = recv.drop ?? (send?.drop?.by === 'network' ? send.drop : null);
    fate = recv.drop?.by === 'stack' ? 'discarded' : drop !== null ? 'lost' : 'delivered';
  } else {
    drop = send!.drop;
    fate = drop !== null ? 'lost' : bothSides ? 'missing' : 'unknown';
  }
  let y0: number;
  let y1: number;
  if (sendSlot !== null && recvSlot !== null) {
    y0 = sendSlot;
    y1 = recvSlot;
  } else if (sendSlot !== null) {
    y0 = sendSlot;
    y1 = sendSlot + (fate === 'unknown' ? ASSUMED_FLIGHT : LOST_FLIGHT);
  } else {
    y1 = recvSlot!;
    y0 = recvSlot! - ASSUMED_FLIGHT;
  }
  const duplicate = recv?.duplicate === true || (send !== null && recv !== null && send.peer !== recv);
  const isDupArrival = duplicate && send !== null;
  const keys = [send?.key, recv?.key].filter((k): k is string => k !== undefined);
  return {
    key: isDupArrival || !send ? recv!.key : send.key,
    keys: isDupArrival ? [recv!.key] : keys,
    from, send, recv, row, sendSlot, recvSlot, y0, y1, fate, drop,
    retransmission: send?.retransmission ?? recv!.retransmission,
    duplicate,
    outOfOrder: recv?.outOfOrder ?? false,
    dupAck: row.dupAck,
    faults: [...new Set([...(send?.faults ?? []), ...(recv?.faults ?? [])])],
  };
}

/** Arrows that cross the slot window [lo, hi]. Binary search on `reach`, then a scan. */
export function visibleArrows(ladder: Ladder, lo: number, hi: number): LadderArrow[] {
  const { arrows, reach } = ladder;
  let a = 0;
  let b = arrows.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (reach[m]! < lo) a = m + 1;
    else b = m;
  }
  const out: LadderArrow[] = [];
  for (let i = a; i < arrows.length; i++) {
    const arrow = arrows[i]!;
    if (Math.min(arrow.y0, arrow.y1) > hi) break;
    if (Math.max(arrow.y0, arrow.y1) >= lo) out.push(arrow);
  }
  return out;
}

/** Marks within [lo, hi]. */
export function visibleMarks(ladder: Ladder, lo: number, hi: number): LadderMark[] {
  const { marks } = ladder;
  let a = 0;
  let b = marks.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (marks[m]!.y < lo) a = m + 1;
    else b = m;
  }
  const out: LadderMark[] = [];
  for (let i = a; i < marks.length && marks[i]!.y <= hi; i++) out.push(marks[i]!);
  return out;
}

const ladders = new WeakMap<TraceIndex, Map<ConnKey, { rev: string; ladder: Ladder | null }>>();

/** The ladder of one connection (and its other end, when the trace has it); memoised per trace. */
export function ladderRows(events: readonly TraceEvent[] | TraceIndex, key: ConnKey): Ladder | null {
  const ix = events instanceof TraceIndex ? events : indexFor(events);
  let memo = ladders.get(ix);
  if (!memo) ladders.set(ix, (memo = new Map()));
  const rev = `${ix.revisions.conns}/${ix.revisions.rows}`;
  const hit = memo.get(key);
  if (hit && hit.rev === rev) return hit.ladder;
  const ladder = buildLadder(ix, key);
  memo.set(key, { rev, ladder });
  return ladder;
}
