// Trace intake: the worker's updates enter the page here. The intake keeps the session's whole
// trace (TraceStore), takes the stream at its own pace and says how busy it is; what else an
// update carries (link, hosts, holds, socket notes, the room) goes on to the other stores.
//
// README "The page takes a stream at its own pace": while the worker makes more than BUSY_RATE
// records a second, the page takes one update (TRACE_BATCH records) per INTAKE_PACE_MS and the
// rest when the stream calms. A bulk transfer makes 10,000-20,000 records a second; decoding and
// indexing all of them as they come took half of the page's main thread and, on a 2-core machine,
// the cores its frames needed. Views fed by the trace lag meanwhile and say so (behind); the TCB
// inspector stays live from the worker's newest snapshots (liveTcbs).
import { proxy } from 'comlink';
import type { Remote } from 'comlink';
import type { TraceRecord, WorkerUpdate } from '../../workers/api.ts';
import type { TcbSnapshot } from '../../workers/tcp/trace.ts';
import { connKey } from '../model/keys.ts';
import type { ConnKey } from '../model/keys.ts';
import { TraceStore } from './trace-store.ts';
import { RateMeter } from './rate-meter.ts';
import { BUSY_RATE } from './change-feed.ts';
import type { ChangeFeed, FeedPace } from './change-feed.ts';
import type { NoticeCenter } from './notices.ts';
import type { WorkerApi } from './worker-client.ts';

/** Records per update from the worker (SubscribeOptions.maxBatch). */
const TRACE_BATCH = 250;
/** An update this large, or carrying this much payload, starts busy mode at once, for STREAM_LEAD_MS at least. */
const STREAM_BATCH = 40;
const STREAM_PAYLOAD = 4 * 1460;
const STREAM_LEAD_MS = 500;
/** A send this large is a bulk transfer: busy from the start (bulkUntil), for BULK_LEAD_MS at least. */
export const BULK_BYTES = 256 * 1024;
const BULK_LEAD_MS = 1_000;
const RATE_TAU_MS = 300;
/** While the trace streams, the page takes one update per INTAKE_PACE_MS (see the header). */
const INTAKE_PACE_MS = 250;
/**
 * Never further behind than this: the worker's record holds 500,000 events and evicts the oldest
 * beyond, and the page must not lose what it has not taken. Past it the page takes all it can.
 */
export const MAX_BEHIND = 100_000;
const NO_TCBS: ReadonlyMap<ConnKey, TcbSnapshot> = new Map();

/** Where the parts of an update that are not trace go (the other stores). */
export interface UpdateRouting {
  /** Everything but the records, in the order the intake meets it. */
  update(u: WorkerUpdate): void;
  /** A fault struck among the new records: counters and rules have moved. */
  faultsStruck(): void;
}

/** Payload bytes of the segment events among these records. */
function payloadOf(records: readonly TraceRecord[]): number {
  let n = 0;
  for (const r of records) if (r.event.type === 'segment') n += r.event.seg.payload.length;
  return n;
}

export class TraceIntake implements FeedPace {
  trace = new TraceStore();
  /** Records the worker has made that the page has not taken yet. */
  behind = 0;
  /**
   * Until then (performance.now()) the page counts as busy whatever the rate says: it has just
   * handed the worker a bulk send, whose trace arrives at full speed within a round trip, before
   * the rate has caught up.
   */
  private bulkUntil = -Infinity;
  /** Trace records the page takes, per second: how busy the trace is. */
  private readonly taken = new RateMeter(RATE_TAU_MS);
  /** The same for the records the worker makes (WorkerUpdate.head), taken or not. */
  private readonly made = new RateMeter(RATE_TAU_MS);
  private lastHead = -1;
  /** Set by caughtUp(): take everything at once until nothing is left behind. */
  private hurry = false;
  private readonly caughtUpWaiters: (() => void)[] = [];
  /** The worker's newest TCB snapshot of each connection, while newer than the page's trace. */
  private readonly newestTcbs = new Map<ConnKey, TraceRecord>();
  /** Gets every batch of new trace records as it arrives (the workshop's checklist). */
  private readonly recordListeners = new Set<(records: readonly TraceRecord[]) => void>();
  private routing: UpdateRouting = { update: () => {}, faultsStruck: () => {} };

  constructor(
    private readonly api: Remote<WorkerApi>,
    private readonly feed: ChangeFeed,
    private readonly notices: NoticeCenter,
  ) {
    feed.pacedBy(this);
  }

  routeTo(routing: UpdateRouting): void {
    this.routing = routing;
  }

  /** Subscribe to the worker's updates. Call once. */
  subscribe(): Promise<number> {
    // Batches of at most 250 records: each message the page decodes and indexes stays a few ms
    // of work even on a loaded 2-core machine.
    return this.api.subscribe(proxy((u: WorkerUpdate) => this.onUpdate(u)), { maxBatch: TRACE_BATCH });
  }

  /** The trace streams faster than anyone can read it (a bulk transfer): views may rest. */
  get busy(): boolean {
    return this.traceRate > BUSY_RATE || this.streaming || performance.now() < this.bulkUntil;
  }

  /** The worker makes trace records faster than BUSY_RATE a second, whether the page takes them or not. */
  get streaming(): boolean {
    return this.made.perSecond(performance.now()) > BUSY_RATE;
  }

  /** Records the page takes per second (RateMeter over RATE_TAU_MS: busy mode starts within a few updates). */
  get traceRate(): number {
    return this.taken.perSecond(performance.now());
  }

  /** FeedPace: while a stream or a bulk send is on, each render is bracketed by drawing()/drawn(). */
  get yieldsCpu(): boolean {
    return this.streaming || performance.now() < this.bulkUntil;
  }

  /** A send of `bytes` is about to start: a bulk one makes the page busy before its trace arrives. */
  sending(bytes: number): void {
    if (bytes >= BULK_BYTES) this.bulkUntil = performance.now() + BULK_LEAD_MS;
  }

  /**
   * Resolves true once the page has every record the worker has made (taking them at full speed
   * meanwhile), false if that took longer than `timeoutMs`: a live session's export must not
   * miss its newest records without saying so.
   */
  caughtUp(timeoutMs = 15_000): Promise<boolean> {
    if (this.behind === 0) return Promise.resolve(true);
    this.hurry = true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.caughtUpWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /**
   * The newest TCB snapshot of each connection that the worker has and the page's trace does not
   * have yet (empty when the page is up to date).
   */
  liveTcbs(): ReadonlyMap<ConnKey, TcbSnapshot> {
    if (this.newestTcbs.size === 0) return NO_TCBS;
    const out = new Map<ConnKey, TcbSnapshot>();
    for (const [key, r] of this.newestTcbs) if (r.seq >= this.trace.next && r.event.type === 'tcb') out.set(key, r.event.tcb);
    return out;
  }

  /**
   * Every new batch of trace records, as it arrives, unthrottled (renders are coalesced, so a
   * consumer that must see every event, like the exercise checklist, listens here).
   */
  onRecords(listener: (records: readonly TraceRecord[]) => void): () => void {
    this.recordListeners.add(listener);
    return () => this.recordListeners.delete(listener);
  }

  /** Start a fresh trace for a new session: records of earlier sessions of this worker are skipped. */
  async fresh(): Promise<void> {
    let next = 0;
    try {
      next = (await this.api.traceInfo()).next;
    } catch {
      /* the worker is gone: the call that follows reports it */
    }
    this.trace = new TraceStore(next);
    this.newestTcbs.clear();
    this.behind = 0;
    this.hurry = false;
    for (const w of this.caughtUpWaiters.splice(0)) w();
  }

  /** Whether to wait INTAKE_PACE_MS before taking the next update (see the header). */
  private get paced(): boolean {
    return !this.hurry && this.streaming && this.behind < MAX_BEHIND;
  }

  /** How far the worker's trace has grown, from each update's `head`. */
  private countHead(head: number): void {
    this.made.count(this.lastHead < 0 ? 0 : Math.max(0, head - this.lastHead), performance.now());
    this.lastHead = head;
  }

  private onUpdate(u: WorkerUpdate): void | Promise<void> {
    // Before take(), which schedules the render that shows them.
    this.behind = Math.max(0, u.head - u.next);
    this.countHead(u.head);
    for (const r of u.newestTcbs ?? []) if (r.event.type === 'tcb') this.newestTcbs.set(connKey(r.event.host, r.event.conn), r);
    this.take(u);
    for (const [key, r] of this.newestTcbs) if (r.seq < this.trace.next) this.newestTcbs.delete(key);
    if (this.behind === 0) {
      this.hurry = false;
      for (const w of this.caughtUpWaiters.splice(0)) w();
    }
    // The worker sends the next update when this one's promise settles.
    if (this.paced) return new Promise((resolve) => setTimeout(resolve, INTAKE_PACE_MS));
  }

  private take(u: WorkerUpdate): void {
    const taken = this.trace.add(u.records, u.missed);
    this.taken.count(u.records.length, performance.now());
    // A batch bigger than any one user action makes (the handshake, a short send and the close of
    // two offline hosts on a 0 ms link came in updates of at most 30 records): a stream is
    // starting. Busy at once, not after the smoothed rate has caught up, so that the first frames
    // of an arriving transfer leave the worker waiting too.
    // The receiving page sees a stream start as segments full of data well before the batches
    // grow (slow start sends ten at first, RFC 6928): four full-sized ones are no user's typing.
    if (u.records.length >= STREAM_BATCH || payloadOf(u.records) >= STREAM_PAYLOAD) this.bulkUntil = Math.max(this.bulkUntil, performance.now() + STREAM_LEAD_MS);
    // Index now, batch by batch: left to the next render, a busy trace would pile up thousands
    // of events into one long task.
    if (taken.length > 0) void this.trace.index;
    if (u.missed > 0) this.notices.notify('warning', `${u.missed} trace events were lost: the worker's record overflowed before the page could take them.`);
    if (taken.length > 0) for (const l of this.recordListeners) l(taken);
    this.routing.update(u);
    let faults = false;
    for (const r of taken) {
      const e = r.event;
      if (e.type === 'fault') faults = true;
      else if (e.type === 'shell' && (e.kind === 'unreachable' || e.kind === 'relay-dropped' || e.kind === 'relay-error' || e.kind === 'not-sent' || e.kind === 'paused-overflow')) {
        this.notices.notify('warning', e.detail);
      } else if (e.type === 'error') {
        this.notices.notify('warning', `Connection ${e.conn} on ${e.host}: ${e.message} (${e.code})`);
      } else if (e.type === 'syn-cookies') {
        this.notices.notify(e.action === 'on' ? 'warning' : 'info', `${e.host} port ${e.port}: SYN cookies ${e.action}. ${e.detail}`);
      }
    }
    if (faults) this.routing.faultsStruck();
    this.feed.changed();
  }
}
