// One incremental index over a trace (from one host or several merged): connections, segment
// rows and per-connection metrics, updated event by event. `indexFor(events)` keeps one index
// per trace array and, when the same array has grown, reads only the new events, so a UI that
// appends to its trace pays per new event, not per render.
import type { TraceEvent } from '../../workers/tcp/trace.ts';
import { ConnectionTracker } from './connections.ts';
import type { ConnectionInfo, Transition } from './connections.ts';
import { SegmentLog } from './segments.ts';
import type { SegmentRow } from './segments.ts';
import { MetricsTracker } from './metrics.ts';
import type { ConnMetrics } from './metrics.ts';
import type { ConnKey } from './keys.ts';

/** Revision counters: a derived value is reused while the counters it reads are unchanged. */
export interface Revisions {
  conns: number;
  rows: number;
  metrics: number;
}

export class TraceIndex {
  readonly conns = new ConnectionTracker();
  readonly log = new SegmentLog(this.conns);
  readonly metricsTracker = new MetricsTracker();
  readonly revisions: Revisions = { conns: 0, rows: 0, metrics: 0 };
  private consumed = 0;
  private last: TraceEvent | undefined;
  private connsMemo: { rev: number; value: readonly ConnectionInfo[] } | null = null;
  private rowsMemo: { rev: number; value: readonly SegmentRow[] } | null = null;
  private readonly pathMemo = new Map<ConnKey, readonly Transition[]>();

  /** Events read so far. */
  get size(): number {
    return this.consumed;
  }

  append(e: TraceEvent): void {
    const i = this.consumed++;
    this.last = e;
    const r = this.revisions;
    switch (e.type) {
      case 'conn': {
        this.log.adopt(this.conns.addConn(e, i), e.t);
        r.conns++;
        r.rows++;
        break;
      }
      case 'state':
        this.conns.addState(e, i);
        r.conns++;
        break;
      case 'segment':
        this.log.addSegment(e, i);
        r.rows++;
        break;
      case 'drop':
        this.log.addDrop(e, i);
        r.rows++;
        break;
      case 'fault':
        this.log.addFault(e, i);
        r.rows++;
        break;
      case 'tcb':
        this.metricsTracker.addTcb(e, i);
        r.metrics++;
        break;
      case 'cwnd':
        this.metricsTracker.addCwnd(e, i);
        r.metrics++;
        break;
      case 'timer':
        this.metricsTracker.addTimer(e);
        r.metrics++;
        break;
      case 'deliver':
        this.metricsTracker.addDeliver(e);
        r.metrics++;
        break;
      default:
        break; // 'user' and 'error' events change nothing the views derive
    }
  }

  /** Read events[size…]. False when `events` is not this index's trace grown (then rebuild). */
  catchUp(events: readonly TraceEvent[]): boolean {
    if (events.length < this.consumed) return false;
    if (this.consumed > 0 && events[this.consumed - 1] !== this.last) return false;
    for (let i = this.consumed; i < events.length; i++) this.append(events[i]!);
    return true;
  }

  /** Every connection in order of first appearance; the same array until one changes. */
  connections(): readonly ConnectionInfo[] {
    const rev = this.revisions.conns;
    if (this.connsMemo?.rev !== rev) this.connsMemo = { rev, value: this.conns.all().slice() };
    return this.connsMemo.value;
  }

  connection(key: ConnKey): ConnectionInfo | undefined {
    return this.conns.get(key);
  }

  /** A connection's transitions; the same array until the connection moves again. */
  path(key: ConnKey): readonly Transition[] {
    const live = this.conns.get(key)?.transitions ?? [];
    const memo = this.pathMemo.get(key);
    if (memo && memo.length === live.length) return memo;
    const copy = live.slice();
    this.pathMemo.set(key, copy);
    return copy;
  }

  /** Every segment row; a new array whenever any row was added or marked. */
  rows(): readonly SegmentRow[] {
    const rev = this.revisions.rows;
    if (this.rowsMemo?.rev !== rev) this.rowsMemo = { rev, value: this.log.rows.slice() };
    return this.rowsMemo.value;
  }

  rowsOf(key: ConnKey): readonly SegmentRow[] {
    return this.log.rowsOf(key);
  }

  row(key: string): SegmentRow | undefined {
    return this.log.get(key);
  }

  metrics(key: ConnKey): ConnMetrics | undefined {
    return this.metricsTracker.get(key);
  }
}

const indexes = new WeakMap<readonly TraceEvent[], TraceIndex>();

/**
 * The index of a trace array, built once and extended as the array grows. Treat the array as
 * append-only; anything else (a shorter or rewritten array) rebuilds the index.
 */
export function indexFor(events: readonly TraceEvent[]): TraceIndex {
  let ix = indexes.get(events);
  if (!ix || !ix.catchUp(events)) {
    ix = new TraceIndex();
    ix.catchUp(events);
    indexes.set(events, ix);
  }
  return ix;
}
