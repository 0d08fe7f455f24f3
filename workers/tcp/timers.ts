// The timers of one connection, as data: each is an absolute deadline or null. The core has no clock
// of its own, so nothing fires by itself: the host asks for the earliest deadline after each event
// (deadline(), smoltcp's poll_at) and calls the connection when that time has come. RFC 9293 §3.8.1
// (retransmission), §3.8.6.1 (persist), §3.10.8 (user timeout, 2MSL), §3.8.6.3 (delayed ACK),
// §3.8.4 (keep-alive).
import type { TimerName, TraceEvent } from './trace.ts';

/** In the order a due set is handled (and listed in the TCB snapshot). */
export const TIMER_NAMES: readonly TimerName[] = ['retransmit', 'persist', 'time-wait', 'delayed-ack', 'idle', 'user-timeout', 'keepalive'];

/** Where timer events go: the host's trace, tagged with the connection. */
export interface TimerTrace {
  readonly tracing: boolean;
  readonly hostName: string;
  trace(event: TraceEvent): void;
}

export class TimerSet {
  private readonly at: Record<TimerName, number | null> = {
    retransmit: null, persist: null, 'time-wait': null, 'delayed-ack': null, idle: null, 'user-timeout': null, keepalive: null,
  };
  /** The earliest deadline, kept since the host asks after every packet. */
  private cached: number | null = null;
  private dirty = false;

  constructor(private readonly out: TimerTrace, private readonly conn: number) {}

  /** The deadline of one timer, or null when it is not running. */
  get(name: TimerName): number | null {
    return this.at[name];
  }

  isRunning(name: TimerName): boolean {
    return this.at[name] !== null;
  }

  /** Start (or restart) a timer; every set is traced, a restart included. */
  set(name: TimerName, deadline: number, now: number): void {
    this.at[name] = deadline;
    this.dirty = true;
    if (this.out.tracing) this.out.trace({ type: 'timer', t: now, host: this.out.hostName, conn: this.conn, timer: name, action: 'set', deadline });
  }

  /** Stop a timer; traced only when it was running. */
  cancel(name: TimerName, now: number): void {
    if (this.at[name] === null) return;
    this.at[name] = null;
    this.dirty = true;
    this.traceAction(name, 'cancelled', now);
  }

  /** Stop every timer (the connection leaves for CLOSED or LISTEN). */
  cancelAll(now: number): void {
    for (const name of TIMER_NAMES) this.cancel(name, now);
  }

  /** Take a timer that is due at `now`: it stops and its firing is traced. False if it is not due. */
  take(name: TimerName, now: number): boolean {
    const t = this.at[name];
    if (t === null || t > now) return false;
    this.at[name] = null;
    this.dirty = true;
    this.traceAction(name, 'fired', now);
    return true;
  }

  /** The earliest deadline, or null when no timer runs. */
  deadline(): number | null {
    if (this.dirty) {
      let d: number | null = null;
      for (const name of TIMER_NAMES) {
        const t = this.at[name];
        if (t !== null && (d === null || t < d)) d = t;
      }
      this.cached = d;
      this.dirty = false;
    }
    return this.cached;
  }

  /** The running timers, for the TCB snapshot. */
  running(): Partial<Record<TimerName, number>> {
    const out: Partial<Record<TimerName, number>> = {};
    for (const name of TIMER_NAMES) {
      const t = this.at[name];
      if (t !== null) out[name] = t;
    }
    return out;
  }

  private traceAction(name: TimerName, action: 'fired' | 'cancelled', now: number): void {
    if (this.out.tracing) this.out.trace({ type: 'timer', t: now, host: this.out.hostName, conn: this.conn, timer: name, action });
  }
}
