// Every segment that went in or out of a host, as one row per observation, with what a student
// asks of it: which connection, relative numbers, dropped or not, retransmitted, duplicated,
// reordered, a duplicate ACK. Built incrementally so a live 100,000-event trace stays cheap:
// each event costs a few Map look-ups.
//
// Joins:
//  - a 'drop' right after its 'segment' in (same host, same time, same segment) marks that row;
//  - a 'fault' on an outgoing packet marks the row that sent it; one on an incoming packet is
//    its own row (the stack never saw it) or annotates the row the stack makes of it next;
//  - an 'out' row on one host and an 'in' row on another with the same packet bytes are the
//    two ends of one packet's flight (`peer`), first sent with first received.
import type { SendReason, TraceEvent } from '../../workers/tcp/trace.ts';
import type { TcpSegment } from '../../workers/tcp/wire/types.ts';
import { Flag } from '../../workers/tcp/wire/types.ts';
import { ipv4Addresses, segmentOf, tcpPorts } from '../../workers/tcp/wire/peek.ts';
import { seqGt, seqLt } from '../../workers/tcp/seq.ts';
import { connKey, packetId } from './keys.ts';
import type { ConnKey } from './keys.ts';
import { ConnectionTracker } from './connections.ts';
import type { ConnectionInfo } from './connections.ts';

type SegmentEvent = Extract<TraceEvent, { type: 'segment' }>;
type DropEvent = Extract<TraceEvent, { type: 'drop' }>;
type FaultEvent = Extract<TraceEvent, { type: 'fault' }>;
export type FaultName = FaultEvent['fault'];

/** Faults after which the packet never reaches the receiving stack intact. */
const DROPPING_FAULTS: ReadonlySet<FaultName> = new Set<FaultName>(['loss', 'corrupt', 'rate-limit', 'rule']);
/** Of those, the ones after which nothing at all arrives (a corrupted copy still arrives). */
const VANISHING_FAULTS: ReadonlySet<FaultName> = new Set<FaultName>(['loss', 'rate-limit', 'rule']);

export function isDroppingFault(f: FaultName): boolean {
  return DROPPING_FAULTS.has(f);
}

export interface DropMark {
  /** 'stack': the receiving TCP discarded it; 'network': a fault lost or mangled it on the way. */
  by: 'stack' | 'network';
  reason: string;
  detail: string;
}

export interface SegmentRow {
  /** Stable: the observing host and the row's ordinal among that host's rows. */
  key: string;
  /** Position in the whole log. */
  ordinal: number;
  /** Index of the event that created the row. */
  eventIndex: number;
  t: number;
  /** The host that observed it (sent it for 'out', received it for 'in'). */
  host: string;
  dir: 'in' | 'out';
  /** What created the row: a segment event, a drop with no segment before it, or a fault. */
  source: 'segment' | 'drop' | 'fault';
  conn: ConnKey | null;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  /** Null when the packet could not be decoded. */
  seg: TcpSegment | null;
  /** The whole IPv4 packet; empty when the trace did not record it. */
  bytes: Uint8Array;
  flags: number;
  seq: number;
  ack: number;
  /** Payload bytes. */
  len: number;
  /** The raw window field; multiply by 2^windowShift for bytes. */
  window: number;
  windowShift: number;
  /** The sender's ISN (or first seq seen) for relative seq; null when unknown. */
  seqBase: number | null;
  /** The receiver's ISN for relative ack; null when unknown. */
  ackBase: number | null;
  reason: SendReason | null;
  /** Packet identity shared with the other end's row of the same packet (0 if no bytes). */
  packet: number;
  drop: DropMark | null;
  faults: FaultName[];
  retransmission: boolean;
  /** A second arrival of a packet sent once (a network duplicate). */
  duplicate: boolean;
  /** Arrived below data already received, and the sender did not retransmit it: reordered. */
  outOfOrder: boolean;
  dupAck: boolean;
  /** The same packet at the other end: the send for an 'in' row, the (first) arrival for an 'out' row. */
  peer: SegmentRow | null;
  /** 'in' rows: started below the highest sequence number already received. */
  belowHigh: boolean;
}

/** Sequence space a segment occupies: data plus one each for SYN and FIN (RFC 9293 §3.4). */
export function seqSpace(row: Pick<SegmentRow, 'flags' | 'len'>): number {
  return row.len + (row.flags & Flag.SYN ? 1 : 0) + (row.flags & Flag.FIN ? 1 : 0);
}

/** One direction of one 4-tuple as one host sees it. */
interface Stream {
  isn: number | null;
  /** Highest sequence number + length seen. */
  high: number | null;
  /** Window scale offered in this side's SYN: undefined before a SYN, null when not offered. */
  ws: number | null | undefined;
  lastAck: number | null;
  lastWin: number | null;
  /** Flags of the last SYN seen in this direction (SYN or SYN,ACK). */
  synFlags: number | null;
}

/** Orphans may be adopted by a connection announced this soon after them (the SYN at a listener). */
const ADOPT_SLACK_MS = 1;
/** How many recent outgoing rows a corrupt fault is compared with. */
const RECENT_OUT = 32;

export class SegmentLog {
  readonly rows: SegmentRow[] = [];
  private readonly byConn = new Map<ConnKey, SegmentRow[]>();
  /** Each host's rows in order: a row's key is its host and its index here. */
  private readonly byHost = new Map<string, SegmentRow[]>();
  private readonly lastIn = new Map<string, SegmentRow>();
  private readonly recentOut = new Map<string, { rows: SegmentRow[]; next: number }>();
  /** host → src → dst → ports (src·65536 + dst) → stream: no string built per row on the hot path. */
  private readonly streams = new Map<string, Map<string, Map<string, Map<number, Stream>>>>();
  private readonly orphans = new Map<ConnKey, SegmentRow[]>();
  private readonly pendingFaults = new Map<string, FaultName[]>();
  private readonly unmatchedSends = new Map<number, SegmentRow[]>();
  private readonly unmatchedRecvs = new Map<number, SegmentRow[]>();
  private readonly lastSend = new Map<number, SegmentRow>();

  constructor(private readonly conns: ConnectionTracker) {}

  get(key: string): SegmentRow | undefined {
    const slash = key.lastIndexOf('/');
    return this.byHost.get(key.slice(0, slash))?.[Number(key.slice(slash + 1))];
  }

  rowsOf(conn: ConnKey): readonly SegmentRow[] {
    return this.byConn.get(conn) ?? [];
  }

  addSegment(e: SegmentEvent, index: number): void {
    const seg = e.seg;
    const row = this.makeRow(e, index, 'segment', e.dir, e.src, seg.srcPort, e.dst, seg.dstPort, seg, e.bytes);
    row.reason = e.reason ?? null;
    this.applyPendingFaults(row);
    this.place(row, e.conn);
  }

  addDrop(e: DropEvent, index: number): void {
    const before = this.lastIn.get(e.host);
    if (before && before.drop === null && before.t === e.t && sameSegment(before, e)) {
      before.drop = { by: 'stack', reason: e.reason, detail: e.detail };
      return;
    }
    // A packet the stack refused before (or without) recording it as a segment.
    const c = e.conn === null ? undefined : this.conns.get(connKey(e.host, e.conn));
    const fromBytes = ipv4Addresses(e.bytes);
    const src = fromBytes?.src ?? c?.remoteAddr ?? '?';
    const dst = fromBytes?.dst ?? c?.localAddr ?? e.host;
    const ports = e.seg ?? tcpPorts(e.bytes);
    const row = this.makeRow(e, index, 'drop', 'in', src, ports?.srcPort ?? 0, dst, ports?.dstPort ?? 0, e.seg, e.bytes);
    row.drop = { by: 'stack', reason: e.reason, detail: e.detail };
    this.applyPendingFaults(row);
    this.place(row, e.conn);
  }

  addFault(e: FaultEvent, index: number): void {
    const id = packetId(e.bytes);
    if (e.dir === 'out') {
      const target = this.findSent(e.host, id, e);
      if (target) {
        this.markFault(target, e);
        return;
      }
    } else if (!DROPPING_FAULTS.has(e.fault) || e.fault === 'corrupt') {
      // The packet still reaches the stack (delayed, duplicated, or as a corrupted copy):
      // annotate the row it becomes.
      const k = `${e.host}|${id}`;
      const list = this.pendingFaults.get(k);
      if (list) list.push(e.fault);
      else this.pendingFaults.set(k, [e.fault]);
      return;
    }
    // Never seen by a stack: the fault's own row.
    const addrs = ipv4Addresses(e.bytes);
    const ports = tcpPorts(e.bytes);
    const decoded = segmentOf(e.bytes);
    const row = this.makeRow(e, index, 'fault', e.dir, addrs?.src ?? '?', ports?.srcPort ?? 0, addrs?.dst ?? '?', ports?.dstPort ?? 0, decoded, e.bytes);
    this.markFault(row, e);
    this.place(row, null);
  }

  /** A connection was announced: take in the rows that arrived for its tuple just before it. */
  adopt(c: ConnectionInfo, t: number): void {
    if (this.orphans.size === 0) return;
    const conn = c.key;
    const k = connKey(c.host, c);
    const list = this.orphans.get(k);
    if (!list) return;
    this.orphans.delete(k);
    for (const row of list) {
      if (row.conn === null && row.t >= t - ADOPT_SLACK_MS) {
        row.conn = conn;
        this.listFor(conn).push(row);
      }
    }
  }

  // ---------------------------------------------------------------------------------------

  private makeRow(
    e: TraceEvent, index: number, source: SegmentRow['source'], dir: 'in' | 'out',
    src: string, srcPort: number, dst: string, dstPort: number, seg: TcpSegment | null, bytes: Uint8Array,
  ): SegmentRow {
    const n = this.byHost.get(e.host)?.length ?? 0;
    return {
      key: `${e.host}/${n}`, ordinal: this.rows.length, eventIndex: index, t: e.t, host: e.host, dir, source,
      conn: null, src, srcPort, dst, dstPort, seg, bytes,
      flags: seg?.flags ?? 0, seq: seg?.seq ?? 0, ack: seg?.ack ?? 0, len: seg?.payload.length ?? 0,
      window: seg?.window ?? 0, windowShift: 0, seqBase: null, ackBase: null, reason: null,
      packet: packetId(bytes), drop: null, faults: [],
      retransmission: false, duplicate: false, outOfOrder: false, dupAck: false, peer: null, belowHigh: false,
    };
  }

  /** Assign the row to a connection, analyse it against its stream, link it to the other end. */
  private place(row: SegmentRow, eventConn: number | null): void {
    this.rows.push(row);
    getOrMake(this.byHost, row.host, () => [] as SegmentRow[]).push(row);
    if (eventConn !== null) {
      row.conn = this.keyOf(row.host, eventConn);
    } else {
      // The core names no connection for segments to a listener or a closed port: the
      // connection a SYN creates is announced right after, and adopts it.
      const k = row.dir === 'out'
        ? connKey(row.host, { localAddr: row.src, localPort: row.srcPort, remoteAddr: row.dst, remotePort: row.dstPort })
        : connKey(row.host, { localAddr: row.dst, localPort: row.dstPort, remoteAddr: row.src, remotePort: row.srcPort });
      const list = this.orphans.get(k);
      if (list) list.push(row);
      else this.orphans.set(k, [row]);
    }
    if (row.conn !== null) {
      this.listFor(row.conn).push(row);
      this.conns.touch(row.conn, row.t);
    }
    if (row.dir === 'in') this.lastIn.set(row.host, row);
    else {
      let recent = this.recentOut.get(row.host);
      if (!recent) this.recentOut.set(row.host, (recent = { rows: [], next: 0 }));
      recent.rows[recent.next] = row; // a ring: the last RECENT_OUT rows
      recent.next = (recent.next + 1) % RECENT_OUT;
    }
    if (row.seg !== null) this.analyse(row);
    this.link(row);
  }

  private readonly connKeys = new Map<string, Map<number, ConnKey>>();

  /** connKey, without building a new string for every row. */
  private keyOf(host: string, conn: number): ConnKey {
    const byConn = getOrMake(this.connKeys, host, () => new Map<number, ConnKey>());
    return getOrMake(byConn, conn, () => connKey(host, conn));
  }

  private listFor(conn: ConnKey): SegmentRow[] {
    let list = this.byConn.get(conn);
    if (!list) this.byConn.set(conn, (list = []));
    return list;
  }

  private stream(host: string, fromAddr: string, fromPort: number, toAddr: string, toPort: number): Stream {
    const byFrom = getOrMake(this.streams, host, () => new Map<string, Map<string, Map<number, Stream>>>());
    const byTo = getOrMake(byFrom, fromAddr, () => new Map<string, Map<number, Stream>>());
    const byPorts = getOrMake(byTo, toAddr, () => new Map<number, Stream>());
    return getOrMake(byPorts, fromPort * 65536 + toPort, () => ({ isn: null, high: null, ws: undefined, lastAck: null, lastWin: null, synFlags: null }));
  }

  /** Relative bases, window scale, retransmission, reordering and duplicate ACKs. */
  private analyse(row: SegmentRow): void {
    const seg = row.seg!;
    const s = this.stream(row.host, row.src, row.srcPort, row.dst, row.dstPort);
    const rev = this.stream(row.host, row.dst, row.dstPort, row.src, row.srcPort);
    const syn = (row.flags & Flag.SYN) !== 0;
    if (syn) {
      if (s.isn !== row.seq) {
        // A SYN with a new ISN starts a new incarnation of this direction.
        s.isn = row.seq;
        s.high = null;
        s.lastAck = null;
        s.lastWin = null;
        s.synFlags = null;
      }
      s.ws = seg.options.windowScale ?? null;
    }
    if (s.isn === null) s.isn = row.seq; // no SYN seen: the first sequence number, as Wireshark does
    row.seqBase = s.isn;
    row.ackBase = rev.isn;
    // RFC 7323 §2.2: windows in SYNs are never scaled; others only when both SYNs offered it.
    if (!syn && typeof s.ws === 'number' && typeof rev.ws === 'number') row.windowShift = Math.min(s.ws, 14);

    const space = seqSpace(row);
    // A SYN,ACK after our own SYN (a simultaneous open) repeats the ISN without being a
    // retransmission; only the same SYN sent again is.
    const newSynKind = syn && row.seq === s.isn && s.synFlags !== null && s.synFlags !== row.flags;
    const below = space > 0 && s.high !== null && seqLt(row.seq, s.high) && !newSynKind;
    if (syn) s.synFlags = row.flags;
    if (row.dir === 'out') {
      // The sender's own reason is the truth when the trace gives one.
      row.retransmission = row.reason !== null ? row.reason === 'retransmit' || row.reason === 'fast-retransmit' : below;
    } else {
      row.belowHigh = below;
      row.retransmission = below; // until the sender's own row says otherwise (see link)
    }
    if (space > 0) {
      const end = (row.seq + space) >>> 0;
      if (s.high === null || seqGt(end, s.high)) s.high = end;
    }
    const ackFlag = (row.flags & Flag.ACK) !== 0;
    const pureAck = ackFlag && (row.flags & (Flag.SYN | Flag.FIN | Flag.RST)) === 0 && row.len === 0;
    // Wireshark's rule: same ACK and window as the previous one, while data is outstanding.
    row.dupAck =
      row.reason === 'dup-ack' ||
      (pureAck && s.lastAck === row.ack && s.lastWin === row.window && rev.high !== null && seqGt(rev.high, row.ack));
    if (ackFlag) {
      s.lastAck = row.ack;
      s.lastWin = row.window;
    }
  }

  /** Pair the two ends of one packet's flight across hosts: first sent with first received. */
  private link(row: SegmentRow): void {
    const id = row.packet;
    if (id === 0) return;
    if (row.dir === 'out') {
      this.lastSend.set(id, row);
      const waiting = takeFrom(this.unmatchedRecvs, id, (r) => r.host !== row.host);
      if (waiting) this.join(row, waiting);
      else pushTo(this.unmatchedSends, id, row);
      return;
    }
    const send = takeFrom(this.unmatchedSends, id, (r) => r.host !== row.host);
    if (send) {
      this.join(send, row);
      return;
    }
    const earlier = this.lastSend.get(id);
    if (earlier && earlier.host !== row.host) {
      // Every send of these bytes has arrived already: the network delivered one twice.
      row.peer = earlier;
      row.duplicate = true;
      return;
    }
    pushTo(this.unmatchedRecvs, id, row);
  }

  private join(send: SegmentRow, recv: SegmentRow): void {
    send.peer = recv;
    recv.peer = send;
    // The sender knows whether it retransmitted; the receiver only saw old sequence numbers.
    recv.retransmission = send.retransmission;
    recv.outOfOrder = recv.belowHigh && !send.retransmission;
    if (send.dupAck) recv.dupAck = true;
  }

  private findSent(host: string, id: number, e: FaultEvent): SegmentRow | undefined {
    const ring = this.recentOut.get(host);
    if (!ring) return undefined;
    // Newest first.
    const recent: SegmentRow[] = [];
    for (let i = 1; i <= ring.rows.length; i++) recent.push(ring.rows[(ring.next - i + RECENT_OUT) % RECENT_OUT]!);
    const same = recent.find((r) => r.packet === id && !r.faults.includes(e.fault));
    if (same || e.fault !== 'corrupt') return same;
    // The fault carries the corrupted copy; find the original by its few changed bytes.
    return recent.find((r) => !r.faults.includes('corrupt') && nearlyEqual(r.bytes, e.bytes));
  }

  private markFault(row: SegmentRow, e: FaultEvent): void {
    row.faults.push(e.fault);
    if (DROPPING_FAULTS.has(e.fault) && row.drop === null) row.drop = { by: 'network', reason: e.fault, detail: e.detail };
    if (row.dir === 'out' && VANISHING_FAULTS.has(e.fault)) {
      // It will never arrive: do not let a later identical packet be taken for its arrival.
      const list = this.unmatchedSends.get(row.packet);
      const i = list ? list.indexOf(row) : -1;
      if (list && i >= 0) list.splice(i, 1);
    }
  }

  private applyPendingFaults(row: SegmentRow): void {
    if (row.dir !== 'in' || this.pendingFaults.size === 0) return;
    const k = `${row.host}|${row.packet}`;
    const list = this.pendingFaults.get(k);
    if (!list) return;
    this.pendingFaults.delete(k);
    for (const f of list) {
      row.faults.push(f);
      if (f === 'corrupt' && row.drop === null) row.drop = { by: 'network', reason: 'corrupt', detail: 'corrupted on the way' };
    }
  }
}

function getOrMake<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = make()));
  return v;
}

function takeFrom(map: Map<number, SegmentRow[]>, id: number, ok: (r: SegmentRow) => boolean): SegmentRow | undefined {
  const list = map.get(id);
  if (!list) return undefined;
  const i = list.findIndex(ok);
  if (i < 0) return undefined;
  const [row] = list.splice(i, 1);
  if (list.length === 0) map.delete(id);
  return row;
}

function pushTo(map: Map<number, SegmentRow[]>, id: number, row: SegmentRow): void {
  const list = map.get(id);
  if (list) list.push(row);
  else map.set(id, [row]);
}

function sameSegment(row: SegmentRow, e: DropEvent): boolean {
  if (e.bytes.length > 0) return row.packet === packetId(e.bytes);
  const s = e.seg;
  if (s === null || row.seg === null) return false;
  return s === row.seg || (s.seq === row.seq && s.ack === row.ack && s.flags === row.flags && s.payload.length === row.len && s.srcPort === row.srcPort);
}

function nearlyEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length || a.length === 0) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && ++diff > 8) return false;
  return true;
}

/** Every segment row of a trace. Linear; for live traces use indexFor(events).rows(). */
export function packetRows(events: readonly TraceEvent[]): SegmentRow[] {
  const conns = new ConnectionTracker();
  const log = new SegmentLog(conns);
  events.forEach((e, i) => {
    if (e.type === 'conn') log.adopt(conns.addConn(e, i), e.t);
    else if (e.type === 'state') conns.addState(e, i);
    else if (e.type === 'segment') log.addSegment(e, i);
    else if (e.type === 'drop') log.addDrop(e, i);
    else if (e.type === 'fault') log.addFault(e, i);
  });
  return log.rows;
}
