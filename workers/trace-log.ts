// The worker's complete trace record: every core and shell event, numbered (seq) and stamped with
// wall-clock time. Subscribers and getTrace() read from here, so live batches and later paging
// always agree.
//
// Bounded: at most `maxEvents` events and `maxBytes` bytes of packet data (a long bulk transfer
// would otherwise hold every packet it ever sent). Beyond either cap the OLDEST events are
// evicted and counted in `evicted`: the UI has already received them live, and what a student
// looks at is the recent past.

import { connKey } from './tcp/conn-key.ts';
import type { ConnKey } from './tcp/conn-key.ts';
import type { TraceEvent } from './tcp/trace.ts';
import type { ShellEvent, TraceInfo, TracePage, TraceRecord } from './api.ts';
import { cloneSafeRecord } from './clone-safe.ts';

export const DEFAULT_MAX_EVENTS = 500_000;
export const DEFAULT_MAX_BYTES = 128 * 1024 * 1024;
/** Rough bookkeeping cost of one event besides its packet bytes. */
const EVENT_OVERHEAD_BYTES = 200;
/** getTrace() answers at most this many records at once. */
export const MAX_PAGE = 10_000;

export interface TraceLogOptions {
  /** Wall-clock ms for the `real` stamp. */
  realNow: () => number;
  maxEvents?: number;
  maxBytes?: number;
}

export class TraceLog {
  readonly maxEvents: number;
  readonly maxBytes: number;
  private readonly realNow: () => number;
  /** records[head … length) are live; the dead prefix is cut off now and then, not per eviction. */
  private records: TraceRecord[] = [];
  private head = 0;
  private bytes = 0;
  private nextSeq = 0;
  private evictedCount = 0;
  /** The newest 'tcb' record of each connection: what a lagging page shows live. */
  private readonly tcbs = new Map<ConnKey, TraceRecord>();

  constructor(options: TraceLogOptions) {
    this.realNow = options.realNow;
    this.maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  }

  /** Oldest seq still held. */
  get first(): number {
    return this.nextSeq - (this.records.length - this.head);
  }

  /** seq of the next event (= events ever appended). */
  get next(): number {
    return this.nextSeq;
  }

  get evicted(): number {
    return this.evictedCount;
  }

  get size(): number {
    return this.records.length - this.head;
  }

  append(event: TraceEvent | ShellEvent): TraceRecord {
    const record: TraceRecord = { seq: this.nextSeq++, real: this.realNow(), event };
    this.records.push(record);
    if (event.type === 'tcb') this.tcbs.set(connKey(event.host, event.conn), record);
    this.bytes += cost(event);
    if (this.size > this.maxEvents || this.bytes > this.maxBytes) this.evict();
    return record;
  }

  /** Up to `count` records from `fromSeq` on (clamped to what is held). */
  slice(fromSeq: number, count: number): TraceRecord[] {
    const from = Math.max(fromSeq, this.first);
    if (from >= this.nextSeq || count <= 0) return [];
    const start = this.head + (from - this.first);
    return this.records.slice(start, Math.min(start + count, this.records.length));
  }

  page(fromSeq: number, count: number): TracePage {
    const records = this.slice(Math.floor(fromSeq), Math.min(Math.floor(count), MAX_PAGE)).map(cloneSafeRecord);
    const last = records[records.length - 1];
    return { records, next: last === undefined ? Math.max(fromSeq, this.first) : last.seq + 1, first: this.first };
  }

  /**
   * The newest TCB snapshot of each connection whose newest one has seq ≥ `fromSeq`: what a
   * subscriber that has taken the trace up to `fromSeq` has not seen of each connection's state.
   */
  newestTcbsFrom(fromSeq: number): TraceRecord[] {
    const out: TraceRecord[] = [];
    for (const r of this.tcbs.values()) if (r.seq >= fromSeq) out.push(r);
    return out;
  }

  info(): TraceInfo {
    return { first: this.first, next: this.nextSeq, evicted: this.evictedCount, maxEvents: this.maxEvents, maxBytes: this.maxBytes };
  }

  /** Every record held, oldest first (for export). */
  all(): TraceRecord[] {
    return this.records.slice(this.head);
  }

  private evict(): void {
    // Evict down to 90 % of the caps so eviction runs once per many appends, not on each.
    const targetEvents = Math.floor(this.maxEvents * 0.9);
    const targetBytes = Math.floor(this.maxBytes * 0.9);
    while (this.size > 0 && (this.size > targetEvents || this.bytes > targetBytes)) {
      const r = this.records[this.head] as TraceRecord;
      this.bytes -= cost(r.event);
      this.head++;
      this.evictedCount++;
    }
    if (this.head > 4096 && this.head * 2 > this.records.length) {
      this.records = this.records.slice(this.head);
      this.head = 0;
    }
  }
}

function cost(event: TraceEvent | ShellEvent): number {
  const bytes = 'bytes' in event && event.bytes instanceof Uint8Array ? event.bytes.length : 0;
  return bytes + EVENT_OVERHEAD_BYTES;
}
