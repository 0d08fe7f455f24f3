// Per-connection numbers that change over time: TCB snapshots, congestion window changes and
// running timers. Incremental, like the rest of the index.
import type { TcbSnapshot, TimerName, TraceEvent } from '../../workers/tcp/trace.ts';
import { connKey } from './keys.ts';
import type { ConnKey } from './keys.ts';

type TcbEvent = Extract<TraceEvent, { type: 'tcb' }>;
type CwndEvent = Extract<TraceEvent, { type: 'cwnd' }>;
type TimerEvent = Extract<TraceEvent, { type: 'timer' }>;

export interface TcbSample {
  t: number;
  eventIndex: number;
  tcb: TcbSnapshot;
}

export interface CwndChange {
  t: number;
  eventIndex: number;
  cwnd: number;
  ssthresh: number;
  reason: string;
}

export interface ConnMetrics {
  tcbs: TcbSample[];
  cwnd: CwndChange[];
  /** Running timers and their absolute deadlines, as the timer events leave them. */
  timers: Partial<Record<TimerName, number>>;
  /** When each running timer was set, so a view can show how much of it is left. */
  timerStarts: Partial<Record<TimerName, number>>;
  /** Bytes delivered to the user so far. */
  delivered: number;
}

export class MetricsTracker {
  private readonly byConn = new Map<ConnKey, ConnMetrics>();

  get(key: ConnKey): ConnMetrics | undefined {
    return this.byConn.get(key);
  }

  addTcb(e: TcbEvent, index: number): void {
    this.of(e.host, e.conn).tcbs.push({ t: e.t, eventIndex: index, tcb: e.tcb });
  }

  addCwnd(e: CwndEvent, index: number): void {
    this.of(e.host, e.conn).cwnd.push({ t: e.t, eventIndex: index, cwnd: e.cwnd, ssthresh: e.ssthresh, reason: e.reason });
  }

  addTimer(e: TimerEvent): void {
    const m = this.of(e.host, e.conn);
    // A new object each time: holders of the previous one keep what they were shown.
    const timers = { ...m.timers };
    const starts = { ...m.timerStarts };
    if (e.action === 'set' && e.deadline !== undefined) {
      timers[e.timer] = e.deadline;
      starts[e.timer] = e.t;
    } else {
      delete timers[e.timer];
      delete starts[e.timer];
    }
    m.timers = timers;
    m.timerStarts = starts;
  }

  addDeliver(e: Extract<TraceEvent, { type: 'deliver' }>): void {
    this.of(e.host, e.conn).delivered += e.bytes;
  }

  private of(host: string, conn: number): ConnMetrics {
    const key = connKey(host, conn);
    let m = this.byConn.get(key);
    if (!m) this.byConn.set(key, (m = { tcbs: [], cwnd: [], timers: {}, timerStarts: {}, delivered: 0 }));
    return m;
  }
}
