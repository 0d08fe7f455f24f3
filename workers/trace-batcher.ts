// Hands the trace (and socket events and state changes) to subscribers in batches: at most one
// update per `intervalMs` (half an animation frame), at most `maxBatch` records per update, and never
// a new update while the subscriber is still busy with the previous one (its listener's promise
// has not settled). Records are read from the TraceLog by cursor, so nothing waits in a second
// queue and nothing is lost: what does not fit goes in the next update. Only records the log
// evicted before a slow subscriber got them are skipped, and those are counted (`missed`).

import type { SocketNote, SubscribeOptions, WorkerUpdate } from './api.ts';
import type { TraceLog } from './trace-log.ts';
import { cloneSafeRecord } from './clone-safe.ts';
import type { TimerHandle, Timers } from './timers.ts';

/**
 * Two updates a frame at most: a page that takes 250 records an update (a few ms of its main
 * thread each) then keeps up with a bulk transfer's 20,000 records a second, about a second behind.
 */
export const DEFAULT_INTERVAL_MS = 8;
/**
 * The first update after a quiet spell waits this long for what comes with it: a flight of
 * segments arrives as a burst of frames, each its own task, and an update of the first alone
 * would show the page one packet of a starting transfer as if it were a lone one.
 */
export const GATHER_MS = 4;
export const MAX_BATCH = 2_000;
/** Socket notes kept for a subscriber that does not keep up; older ones are dropped beyond it. */
const MAX_PENDING_SOCKETS = 10_000;

export type UpdateListener = (update: WorkerUpdate) => void | Promise<void>;

/** The latest value of each state that changed (changed()), as a WorkerUpdate carries it. */
export type StateChange = Partial<Pick<WorkerUpdate, 'link' | 'clock' | 'held' | 'hosts' | 'roomStatus' | 'saving'>>;

interface Subscriber {
  id: number;
  listener: UpdateListener;
  cursor: number;
  maxBatch: number;
  busy: boolean;
  sockets: SocketNote[];
  /**
   * Changes not sent yet, newest value of each. One object rather than a field per state: a
   * list of the fields in each place that asks "anything to send?" once missed roomStatus, and
   * a teacher's idle tab never saw a student's new status.
   */
  changes: StateChange;
}

export interface TraceBatcherOptions {
  log: TraceLog;
  timers: Timers;
  intervalMs?: number;
}

export class TraceBatcher {
  private readonly log: TraceLog;
  private readonly timers: Timers;
  private readonly interval: number;
  private readonly subs = new Map<number, Subscriber>();
  private nextId = 1;
  private timer: TimerHandle | null = null;
  private lastFlush = -Infinity;
  /** Real time before which no update is sent: the page is drawing (waitUntil). */
  private quietUntil = -Infinity;

  constructor(options: TraceBatcherOptions) {
    this.log = options.log;
    this.timers = options.timers;
    this.interval = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  }

  get subscriberCount(): number {
    return this.subs.size;
  }

  subscribe(listener: UpdateListener, options: SubscribeOptions = {}): number {
    if (typeof listener !== 'function') throw new TypeError('subscribe needs a listener function (wrapped with comlink proxy())');
    const id = this.nextId++;
    const maxBatch = Math.max(1, Math.min(MAX_BATCH, Math.floor(options.maxBatch ?? MAX_BATCH)));
    const cursor = Math.max(this.log.first, Math.floor(options.fromSeq ?? this.log.first));
    this.subs.set(id, { id, listener, cursor, maxBatch, busy: false, sockets: [], changes: {} });
    this.schedule();
    return id;
  }

  unsubscribe(id: number): boolean {
    return this.subs.delete(id);
  }

  /** New records are in the log. */
  recordsAdded(): void {
    if (this.subs.size > 0) this.schedule();
  }

  sockets(notes: readonly SocketNote[]): void {
    if (notes.length === 0 || this.subs.size === 0) return;
    for (const s of this.subs.values()) {
      for (const n of notes) s.sockets.push(n);
      if (s.sockets.length > MAX_PENDING_SOCKETS) s.sockets.splice(0, s.sockets.length - MAX_PENDING_SOCKETS);
    }
    this.schedule();
  }

  /** A state changed: the latest value reaches each subscriber with its next update. */
  changed(change: StateChange): void {
    if (this.subs.size === 0) return;
    const set: StateChange = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined));
    if (Object.keys(set).length === 0) return;
    for (const s of this.subs.values()) Object.assign(s.changes, set);
    this.schedule();
  }

  /** Send what is due now (the timer calls this; tests may too). */
  flush(): void {
    this.timer = null;
    this.lastFlush = this.timers.now();
    for (const s of this.subs.values()) {
      if (s.busy) continue;
      const update = this.take(s);
      if (update !== null) this.deliver(s, update);
    }
    if (this.hasBacklog()) this.schedule();
  }

  /** Send nothing before real time `until` (the page is drawing); what is due goes after. */
  waitUntil(until: number): void {
    this.quietUntil = until;
    this.reschedule();
  }

  /** The page has drawn: send what is due now. */
  endWait(): void {
    if (this.quietUntil === -Infinity) return;
    this.quietUntil = -Infinity;
    this.reschedule();
  }

  /** A pending flush, moved to when it is now due. */
  private reschedule(): void {
    if (this.timer === null) return;
    this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.schedule();
  }

  stop(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.subs.clear();
  }

  private take(s: Subscriber): WorkerUpdate | null {
    let missed = 0;
    if (s.cursor < this.log.first) {
      missed = this.log.first - s.cursor;
      s.cursor = this.log.first;
    }
    const records = this.log.slice(s.cursor, s.maxBatch).map(cloneSafeRecord);
    if (records.length === 0 && s.sockets.length === 0 && !this.stateChanged(s) && missed === 0) return null;
    s.cursor += records.length;
    const update: WorkerUpdate = { records, next: s.cursor, head: this.log.next, missed, sockets: s.sockets.splice(0, MAX_BATCH) };
    // Behind: the newest state of each connection comes along, so what the page shows live
    // (the TCB inspector) need not wait until it has taken every record before it.
    if (s.cursor < this.log.next) {
      const newest = this.log.newestTcbsFrom(s.cursor);
      if (newest.length > 0) update.newestTcbs = newest;
    }
    Object.assign(update, s.changes);
    s.changes = {};
    return update;
  }

  private deliver(s: Subscriber, update: WorkerUpdate): void {
    let result: void | Promise<void>;
    try {
      result = s.listener(update);
    } catch {
      // A listener that throws is the UI's bug; the update counts as delivered and the stream goes on.
      return;
    }
    if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
      s.busy = true;
      const done = (): void => {
        s.busy = false;
        if (this.subs.has(s.id) && this.backlogOf(s)) this.schedule();
      };
      (result as Promise<void>).then(done, done);
    }
  }

  /** A state change (changed()) waits for this subscriber. */
  private stateChanged(s: Subscriber): boolean {
    return Object.keys(s.changes).length > 0;
  }

  private backlogOf(s: Subscriber): boolean {
    return s.cursor < this.log.next || s.sockets.length > 0 || this.stateChanged(s);
  }

  private hasBacklog(): boolean {
    for (const s of this.subs.values()) if (!s.busy && this.backlogOf(s)) return true;
    return false;
  }

  private schedule(): void {
    if (this.timer !== null) return;
    const now = this.timers.now();
    const wait = Math.max(Math.min(GATHER_MS, this.interval), this.lastFlush + this.interval - now, this.quietUntil - now);
    this.timer = this.timers.setTimeout(() => this.flush(), wait);
  }
}
