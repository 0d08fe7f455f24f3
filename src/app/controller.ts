// The one place worker state enters the page. The controller starts the endpoint worker, holds
// its subscription, keeps the session's whole trace (TraceStore) and everything derived from the
// worker's updates (link, local hosts, hold queues, faults, clock, socket progress), and turns
// every refused call into a message for the user. Elements never talk to the worker: the root
// element calls the controller's actions and passes its state down as properties.
//
// Change notification is coalesced to one per animation frame, however many updates arrive.
import { proxy, transfer } from 'comlink';
import type { Remote } from 'comlink';
import type {
  ApiResult,
  ClockState,
  FaultConfig,
  FaultDirection,
  FaultRule,
  FaultStatus,
  HeldPacketView,
  LinkState,
  LocalHostInfo,
  Mode,
  SocketNote,
  TraceRecord,
  WorkerUpdate,
  WriteProgress,
} from '../../workers/api.ts';
import type { HostInfo, HostStatusEntry } from '../../relay/protocol/messages.ts';
import { PROFILES } from '../../workers/tcp/settings.ts';
import type { ProfileName } from '../../workers/tcp/settings.ts';
import type { TcbSnapshot } from '../../workers/tcp/trace.ts';
import { connKey } from '../model/keys.ts';
import type { ConnKey } from '../model/keys.ts';
import { TraceStore } from './trace-store.ts';
import { RateMeter } from './rate-meter.ts';
import { NoticeList } from './notice-list.ts';
import type { Notice, NoticeLevel } from './notice-list.ts';
import { ReceiveTracker, TAIL_BYTES } from './received.ts';
import type { ReceivedView } from './received.ts';
import { generatedFileSliced } from './generated-file.ts';
import { startEndpointWorker } from './worker-client.ts';
import type { EndpointHandle, WorkerApi } from './worker-client.ts';

/** idle: nobody joined (join screen); connecting: waiting for the relay's welcome; live: a session runs. */
export type Phase = 'idle' | 'connecting' | 'live';

export interface LocalHostView {
  info: LocalHostInfo;
  listening: number[];
  /** Connections waiting in accept queues (when auto-accept is off), by port. */
  waiting: Record<number, number[]>;
  hold: boolean;
  held: HeldPacketView[];
  faults: FaultStatus | null;
}

export interface SentView {
  /** Bytes handed to the worker, the bytes the send buffer took so far, their CRC-32. */
  queued: number;
  written: number;
  crc: number;
  done: boolean;
  error: string | null;
}

/** The socket-level side of one local connection: what was sent and read through the UI. */
export interface SocketView {
  key: ConnKey;
  host: number;
  conn: number;
  autoRead: boolean;
  received: ReceivedView;
  sent: SentView;
}

export interface JoinRequest {
  url: string;
  room: string;
  name: string;
  profile: ProfileName;
}

export interface SessionStart {
  mode: 'relay' | 'offline';
  room: string | null;
  name: string | null;
  url: string | null;
  profile: ProfileName;
  hosts: readonly LocalHostInfo[];
}

/**
 * Where the session is kept (persistence); the controller knows no storage. The worker has every
 * record, so the sink is told only from which one the session's trace starts.
 */
export interface SessionSink {
  begin(start: SessionStart, fromSeq: number): void;
  hosts(hosts: readonly LocalHostInfo[]): void;
  end(): void;
}

export interface ControllerOptions {
  endpoint?: EndpointHandle;
  sink?: SessionSink;
}

const READ_CHUNK = 64 * 1024;
/** Above this many trace records per second the page re-renders at most every BUSY_INTERVAL_MS. */
export const BUSY_RATE = 400;
const BUSY_INTERVAL_MS = 250;
/** A send this large is a bulk transfer: busy from the start (bulkUntil), for BULK_LEAD_MS at least. */
const BULK_BYTES = 256 * 1024;
const BULK_LEAD_MS = 1_000;
/** While busy, the received text on a card changes at most this often (paced()). */
const TAIL_PACE_MS = 1_000;
/** Records per update from the worker (SubscribeOptions.maxBatch). */
const TRACE_BATCH = 250;
/** An update this large, or carrying this much payload, starts busy mode at once, for STREAM_LEAD_MS at least. */
const STREAM_BATCH = 40;
const STREAM_PAYLOAD = 4 * 1460;
const STREAM_LEAD_MS = 500;
/** The longest the worker waits for a frame to be drawn while the trace streams (EndpointApi.drawing). */
const DRAW_YIELD_MS = 50;
const RATE_TAU_MS = 300;
/**
 * While the trace streams faster than BUSY_RATE (measured at the worker: WorkerUpdate.head), the
 * page takes one update (TRACE_BATCH records) per INTAKE_PACE_MS and the rest when the stream
 * calms. A bulk transfer makes 10,000-20,000 records a second; decoding and indexing all of them
 * as they come took half of the page's main thread and, on a 2-core machine, the cores its
 * frames needed. Views fed by the trace lag meanwhile and say so (behind); the TCB inspector
 * stays live from the worker's newest snapshots (liveTcbs).
 */
const INTAKE_PACE_MS = 250;
/**
 * Never further behind than this: the worker's record holds 500,000 events and evicts the oldest
 * beyond, and the page must not lose what it has not taken. Past it the page takes all it can.
 */
export const MAX_BEHIND = 100_000;
const FAULT_REFRESH_MS = 300;
const NO_TCBS: ReadonlyMap<ConnKey, TcbSnapshot> = new Map();
const EMPTY_SENT: SentView = { queued: 0, written: 0, crc: 0, done: true, error: null };

/** Payload bytes of the segment events among these records. */
function payloadOf(records: readonly TraceRecord[]): number {
  let n = 0;
  for (const r of records) if (r.event.type === 'segment') n += r.event.seg.payload.length;
  return n;
}

function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** After the next frame is drawn (a task queued from its animation frame runs after its paint). */
function afterNextFrame(fn: () => void): void {
  if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && document.visibilityState === 'visible') {
    requestAnimationFrame(() => setTimeout(fn, 0));
  } else setTimeout(fn, 16);
}

function nextFrame(fn: () => void): void {
  if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && document.visibilityState === 'visible') {
    requestAnimationFrame(() => fn());
  } else setTimeout(fn, 16);
}

export class PlaygroundController {
  readonly api: Remote<WorkerApi>;
  private readonly endpoint: EndpointHandle;
  private sink: SessionSink | null;
  private readonly listeners = new Set<() => void>();
  private notifyScheduled = false;
  private lastNotify = 0;
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
  /** Records the worker has made that the page has not taken yet. */
  behind = 0;
  /** Set by caughtUp(): take everything at once until nothing is left behind. */
  private hurry = false;
  private readonly caughtUpWaiters: (() => void)[] = [];
  /** The worker's newest TCB snapshot of each connection, while newer than the page's trace. */
  private readonly newestTcbs = new Map<ConnKey, TraceRecord>();
  private readonly noticeList = new NoticeList();
  private noticeTimer: ReturnType<typeof setTimeout> | null = null;
  private faultTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly trackers = new Map<ConnKey, ReceiveTracker>();
  /** When each connection's received text last changed on its card, and the catch-up pending (paced()). */
  private readonly tailShownAt = new Map<ConnKey, number>();
  private readonly tailTimers = new Map<ConnKey, ReturnType<typeof setTimeout>>();
  private sessionOpen = false;
  /** Per connection, the tail of a promise chain: sends and reads are hashed in order. */
  private readonly chains = new Map<string, Promise<unknown>>();
  private joinRequest: JoinRequest | null = null;
  private offlineProfile: ProfileName = 'modern';

  /** What the user chose: accept every waiting connection, read all data as it arrives. */
  readonly prefs = { autoAccept: true, autoRead: true };

  phase: Phase = 'idle';
  mode: Mode = 'idle';
  link: LinkState = { status: 'idle' };
  clock: ClockState | null = null;
  hosts: LocalHostView[] = [];
  trace = new TraceStore();
  sockets = new Map<ConnKey, SocketView>();
  /** Teachers: every other host's published status (WorkerUpdate.roomStatus). */
  roomStatus: HostStatusEntry[] = [];
  /** This host's connection states, published to the room's teacher while one watches. */
  /** Gets every batch of new trace records as it arrives (the workshop's checklist). */
  private readonly recordListeners = new Set<(records: readonly TraceRecord[]) => void>();
  /** Why the last join failed before a welcome (bad name, room full, relay down), for the join screen. */
  joinError: string | null = null;
  /** Bumped on every change. */
  version = 0;

  constructor(options: ControllerOptions = {}) {
    this.endpoint = options.endpoint ?? startEndpointWorker();
    this.api = this.endpoint.api;
    this.sink = options.sink ?? null;
    this.endpoint.onFailure((m) => this.notify('error', m));
  }

  /** Subscribe to the worker's updates. Call once. */
  async start(): Promise<void> {
    try {
      // Batches of at most 250 records: each message the page decodes and indexes stays a few ms
      // of work even on a loaded 2-core machine.
      await this.api.subscribe(proxy((u: WorkerUpdate) => this.onUpdate(u)), { maxBatch: TRACE_BATCH });
      this.clock = await this.api.clockState();
      this.changed();
    } catch (e) {
      this.notify('error', `The TCP worker did not start: ${(e as Error).message}`);
    }
  }

  setSink(sink: SessionSink | null): void {
    this.sink = sink;
  }

  // ---------------------------------------------------------------------------------------------
  // Change notification
  // ---------------------------------------------------------------------------------------------

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The trace streams faster than anyone can read it (a bulk transfer): views may rest. */
  get busy(): boolean {
    return this.traceRate > BUSY_RATE || this.streaming || performance.now() < this.bulkUntil;
  }

  /** The worker makes trace records faster than BUSY_RATE a second, whether the page takes them or not. */
  get streaming(): boolean {
    return this.made.perSecond(performance.now()) > BUSY_RATE;
  }

  /** How far the worker's trace has grown, from each update's `head`. */
  private countHead(head: number): void {
    this.made.count(this.lastHead < 0 ? 0 : Math.max(0, head - this.lastHead), performance.now());
    this.lastHead = head;
  }

  /** Whether to wait INTAKE_PACE_MS before taking the next update (see INTAKE_PACE_MS). */
  private get intakePaced(): boolean {
    return !this.hurry && this.streaming && this.behind < MAX_BEHIND;
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

  /** Records the page takes per second (RateMeter over RATE_TAU_MS: busy mode starts within a few updates). */
  get traceRate(): number {
    return this.taken.perSecond(performance.now());
  }

  /**
   * Tell the listeners, once per frame at most; while the trace streams (a bulk transfer makes
   * thousands of events a second) only every BUSY_INTERVAL_MS: each render lays out the page,
   * and rendering every frame would leave the main thread no time for anything else.
   */
  private changed(): void {
    this.version++;
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    const wait = this.traceRate > BUSY_RATE ? this.lastNotify + BUSY_INTERVAL_MS - performance.now() : 0;
    const go = () =>
      nextFrame(() => {
        this.notifyScheduled = false;
        this.lastNotify = performance.now();
        // During a bulk transfer the worker would take the CPU from this frame (and the next,
        // where the views scroll to their newest rows): it waits until both are drawn. Not
        // while the page only catches up on a stream that has ended: then the worker's one job
        // is to feed it, and each wait would only make the catching up longer.
        const yieldCpu = this.streaming || performance.now() < this.bulkUntil;
        if (yieldCpu) void this.api.drawing(DRAW_YIELD_MS).catch(() => {});
        for (const l of this.listeners) l();
        if (yieldCpu) afterNextFrame(() => void this.api.drawn().catch(() => {}));
      });
    if (wait > 0) setTimeout(go, wait);
    else go();
  }

  // ---------------------------------------------------------------------------------------------
  // Notices
  // ---------------------------------------------------------------------------------------------

  get notices(): readonly Notice[] {
    return this.noticeList.all;
  }

  notify(level: NoticeLevel, text: string): void {
    this.noticeList.add(level, text, Date.now());
    if (level === 'info' && this.noticeTimer === null) {
      this.noticeTimer = setTimeout(() => this.expireNotices(), 1_000);
    }
    this.changed();
  }

  dismiss(id: number): void {
    this.noticeList.dismiss(id);
    this.changed();
  }

  private expireNotices(): void {
    this.noticeTimer = null;
    if (this.noticeList.expire(Date.now())) this.changed();
    if (this.noticeList.all.some((n) => n.level === 'info')) this.noticeTimer = setTimeout(() => this.expireNotices(), 1_000);
  }

  /** Run a worker call; a refusal becomes a notice in the core's or the worker's own words. */
  private async call<T>(label: string, p: Promise<ApiResult<T>>, quiet = false): Promise<T | undefined> {
    try {
      const r = await p;
      if (r.ok) return r.value;
      if (!quiet) this.notify('error', `${label}: ${r.error.message} (${r.error.code})`);
      return undefined;
    } catch (e) {
      this.notify('error', `${label} failed inside the TCP worker: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** For calls whose value is nothing: did it succeed? */
  private async succeeded(label: string, p: Promise<ApiResult<unknown>>, quiet = false): Promise<boolean> {
    let ok = false;
    await this.call(label, p.then((r) => ((ok = r.ok), r)), quiet);
    return ok;
  }

  // ---------------------------------------------------------------------------------------------
  // Updates from the worker
  // ---------------------------------------------------------------------------------------------

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
    if (this.intakePaced) return new Promise((resolve) => setTimeout(resolve, INTAKE_PACE_MS));
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
    if (u.missed > 0) this.notify('warning', `${u.missed} trace events were lost: the worker's record overflowed before the page could take them.`);
    if (taken.length > 0) for (const l of this.recordListeners) l(taken);
    if (u.link !== undefined) this.linkChanged(u.link);
    if (u.clock !== undefined) this.clock = u.clock;
    if (u.hosts !== undefined) this.hostsChanged(u.hosts);
    if (u.held !== undefined) {
      u.held.forEach((list, i) => {
        const h = this.hosts[i];
        if (h) this.hosts[i] = { ...h, held: list };
      });
      this.hosts = [...this.hosts];
    }
    if (u.sockets.length > 0) this.socketNotes(u.sockets);
    if (u.roomStatus !== undefined) this.roomStatus = u.roomStatus;
    if (u.saving?.error) this.notify('error', `This session is no longer being saved: ${u.saving.error}`);
    let faults = false;
    for (const r of taken) {
      const e = r.event;
      if (e.type === 'fault') faults = true;
      else if (e.type === 'shell' && (e.kind === 'unreachable' || e.kind === 'relay-dropped' || e.kind === 'relay-error' || e.kind === 'not-sent' || e.kind === 'paused-overflow')) {
        this.notify('warning', e.detail);
      } else if (e.type === 'error') {
        this.notify('warning', `Connection ${e.conn} on ${e.host}: ${e.message} (${e.code})`);
      } else if (e.type === 'syn-cookies') {
        this.notify(e.action === 'on' ? 'warning' : 'info', `${e.host} port ${e.port}: SYN cookies ${e.action}. ${e.detail}`);
      }
    }
    if (faults) this.scheduleFaultRefresh();
    this.changed();
  }

  /**
   * Every new batch of trace records, as it arrives, unthrottled (renders are coalesced, so a
   * consumer that must see every event, like the exercise checklist, listens here).
   */
  onRecords(listener: (records: readonly TraceRecord[]) => void): () => void {
    this.recordListeners.add(listener);
    return () => this.recordListeners.delete(listener);
  }

  private linkChanged(link: LinkState): void {
    const before = this.link;
    this.link = link;
    if (this.mode !== 'relay') return;
    if (link.status === 'joined') {
      this.joinError = null;
      // A teacher arrived (or we rejoined): they get the whole picture, not just what changes next.
      if (this.phase !== 'live') {
        this.phase = 'live';
        this.beginSession();
      }
      if (link.addressChanged !== null && (before.status !== 'joined' || before.addressChanged === null)) {
        this.notify('warning', `The relay gave you a new address (${link.addressChanged.relayAddress}); this host still has ${link.addressChanged.hostAddress}. Use “adopt address” to continue (open connections are lost).`);
      }
    } else if (link.status === 'closed' && !link.byUser) {
      if (this.phase === 'connecting') {
        // Refused before any welcome: back to the join screen, saying why.
        this.joinError = `The relay refused to let you in: ${link.reason || `connection closed (code ${link.code})`}`;
        this.phase = 'idle';
        this.mode = 'idle';
      } else this.notify('error', `The relay closed the connection: ${link.reason || `code ${link.code}`}`);
    } else if (link.status === 'reconnecting' && this.phase === 'connecting' && link.attempt >= 2) {
      this.joinError = `Cannot reach the relay at ${link.url}: ${link.reason || 'no answer'}. Still trying; or work offline.`;
    }
  }

  private hostsChanged(list: LocalHostInfo[]): void {
    this.hosts = list.map((info) => {
      const old = this.hosts.find((h) => h.info.index === info.index && h.info.address === info.address);
      return old ? { ...old, info } : { info, listening: [], waiting: {}, hold: false, held: [], faults: null };
    });
    if (this.sessionOpen) this.sink?.hosts(list);
    if (list.length > 0) void this.refreshFaults();
  }

  private socketNotes(notes: readonly SocketNote[]): void {
    const take = new Set<SocketView>();
    const progress = new Set<SocketView>();
    for (const { host, event } of notes) {
      if (event.kind === 'accept') {
        if (this.prefs.autoAccept) void this.accept(host, event.port, true);
        else {
          const h = this.hosts[host];
          if (h) {
            const list = h.waiting[event.port] ?? [];
            this.hosts[host] = { ...h, waiting: { ...h.waiting, [event.port]: [...list, event.conn] } };
            this.hosts = [...this.hosts];
          }
        }
        continue;
      }
      const view = this.viewOf(host, event.conn);
      if (!view) continue;
      if (event.kind === 'writable' || event.kind === 'error' || event.kind === 'closed') if (!view.sent.done) progress.add(view);
      if (event.kind === 'readable' || event.kind === 'error' || event.kind === 'closed') if (view.autoRead) take.add(view);
    }
    for (const v of take) void this.takeReceived(v);
    for (const v of progress) void this.pollProgress(v);
  }

  private viewOf(host: number, conn: number): SocketView | undefined {
    const address = this.hosts[host]?.info.address;
    return address === undefined ? undefined : this.sockets.get(connKey(address, conn));
  }

  /** The socket view of a connection, made on first use. */
  private ensureView(host: number, conn: number): SocketView | undefined {
    const address = this.hosts[host]?.info.address;
    if (address === undefined) return undefined;
    const key = connKey(address, conn);
    let v = this.sockets.get(key);
    if (!v) {
      v = { key, host, conn, autoRead: false, received: new ReceiveTracker().state, sent: EMPTY_SENT };
      this.sockets.set(key, v);
      this.trackers.set(key, new ReceiveTracker());
    }
    return v;
  }

  private updateView(v: SocketView, patch: Partial<SocketView>): void {
    const next = { ...v, ...patch };
    this.sockets = new Map(this.sockets).set(v.key, next);
    this.changed();
  }

  private current(v: SocketView): SocketView {
    return this.sockets.get(v.key) ?? v;
  }

  /**
   * Run `fn` after everything queued before it under `key`. Hashing yields to the event loop,
   * so without this two reads (or two sends) of one connection could hash out of order.
   */
  private serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.chains.get(key) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => {});
    this.chains.set(key, tail);
    void tail.then(() => {
      if (this.chains.get(key) === tail) this.chains.delete(key);
    });
    return run;
  }

  // ---------------------------------------------------------------------------------------------
  // Session
  // ---------------------------------------------------------------------------------------------

  /** Start a fresh trace for a new session: records of earlier sessions of this worker are skipped. */
  private async freshTrace(): Promise<void> {
    let next = 0;
    try {
      next = (await this.api.traceInfo()).next;
    } catch {
      /* the worker is gone: the call below reports it */
    }
    this.trace = new TraceStore(next);
    this.newestTcbs.clear();
    this.behind = 0;
    this.hurry = false;
    for (const w of this.caughtUpWaiters.splice(0)) w();
    this.roomStatus = [];
    this.sockets = new Map();
    this.trackers.clear();
    this.clearTailTimers();
  }

  private beginSession(): void {
    if (this.sessionOpen) return;
    this.sessionOpen = true;
    const j = this.joinRequest;
    this.sink?.begin(
      {
        mode: this.mode === 'offline' ? 'offline' : 'relay',
        room: j?.room ?? null,
        name: j?.name ?? null,
        url: j?.url ?? null,
        profile: j?.profile ?? this.offlineProfile,
        hosts: this.hosts.map((h) => h.info),
      },
      this.trace.startSeq,
    );
  }

  private endSession(): void {
    if (!this.sessionOpen) return;
    this.sessionOpen = false;
    this.sink?.end();
  }

  /** Join a relay room. Resolves false when the worker refused the request. */
  async join(req: JoinRequest): Promise<boolean> {
    this.endSession();
    await this.freshTrace();
    this.joinRequest = req;
    this.joinError = null;
    this.mode = 'relay';
    this.phase = 'connecting';
    this.changed();
    const link = await this.call('Join', this.api.join({ url: req.url, room: req.room, name: req.name, settings: { ...PROFILES[req.profile] } }));
    if (link === undefined) {
      this.mode = 'idle';
      this.phase = 'idle';
      this.changed();
      return false;
    }
    if (this.link.status === 'idle') this.link = link;
    this.changed();
    return true;
  }

  /** Two (or more) hosts in this tab on a simulated link. */
  async startOffline(hosts = 2, profile: ProfileName = 'modern'): Promise<boolean> {
    this.endSession();
    await this.freshTrace();
    this.joinRequest = null;
    this.joinError = null;
    this.offlineProfile = profile;
    const list = await this.call('Offline mode', this.api.startOffline({ hosts, settings: { ...PROFILES[profile] } }));
    if (list === undefined) return false;
    this.mode = 'offline';
    this.phase = 'live';
    this.link = { status: 'idle' };
    this.hostsChanged(list);
    this.beginSession();
    this.changed();
    return true;
  }

  /** End the session: leave the room (or stop offline mode). */
  async leave(): Promise<void> {
    if (this.mode === 'relay') await this.call('Leave', this.api.leave(), true);
    else await this.call('Stop', this.api.reset(), true);
    this.endSession();
    this.mode = 'idle';
    this.phase = 'idle';
    this.hosts = [];
    this.changed();
  }

  async adoptRelayAddress(): Promise<void> {
    const info = await this.call('Adopt address', this.api.adoptRelayAddress());
    if (info) this.notify('info', `This host is now ${info.address}.`);
  }

  /** The other hosts in the room (relay mode): students and bots. */
  get roomHosts(): readonly HostInfo[] {
    return this.link.status === 'joined' ? this.link.hosts : [];
  }

  /** Stack time now, as the clock runs (for timers counting down). */
  stackNow(): number {
    const c = this.clock;
    if (c === null) return this.trace.lastT;
    return c.paused ? c.stack : c.stack + (nowMs() - c.real) * c.factor;
  }

  // ---------------------------------------------------------------------------------------------
  // Sockets
  // ---------------------------------------------------------------------------------------------

  async listen(host: number, port: number): Promise<boolean> {
    const ok = await this.succeeded(`Listen on port ${port}`, this.api.listen(port, undefined, host));
    await this.refreshListening(host);
    return ok;
  }

  async unlisten(host: number, port: number): Promise<void> {
    await this.call(`Stop listening on port ${port}`, this.api.unlisten(port, host));
    await this.refreshListening(host);
  }

  private async refreshListening(host: number): Promise<void> {
    const ports = await this.call('Listening ports', this.api.listening(host), true);
    const h = this.hosts[host];
    if (ports && h) {
      this.hosts[host] = { ...h, listening: ports };
      this.hosts = [...this.hosts];
      this.changed();
    }
  }

  /** Take every connection waiting on `port`. */
  async accept(host: number, port: number, auto = false): Promise<number[]> {
    const got: number[] = [];
    for (;;) {
      const conn = await this.call(`Accept on port ${port}`, this.api.accept(port, host), auto);
      if (conn === undefined || conn === null) break;
      got.push(conn);
      this.ensureView(host, conn);
      if (this.prefs.autoRead) await this.autoRead(host, conn);
    }
    const h = this.hosts[host];
    if (h && h.waiting[port]) {
      const rest = h.waiting[port]!.filter((c) => !got.includes(c));
      this.hosts[host] = { ...h, waiting: { ...h.waiting, [port]: rest } };
      this.hosts = [...this.hosts];
    }
    if (!auto && got.length === 0) this.notify('info', `No connection is waiting on port ${port}.`);
    this.changed();
    return got;
  }

  async connect(host: number, remoteAddr: string, remotePort: number, localPort?: number): Promise<number | undefined> {
    const to = { remoteAddr, remotePort, ...(localPort === undefined ? {} : { localPort }) };
    const conn = await this.call(`Connect to ${remoteAddr}:${remotePort}`, this.api.connect(to, host));
    if (conn === undefined) return undefined;
    this.ensureView(host, conn);
    if (this.prefs.autoRead) await this.autoRead(host, conn);
    this.changed();
    return conn;
  }

  /** Let the worker read everything arriving on the connection (it cannot be turned off again). */
  async autoRead(host: number, conn: number): Promise<void> {
    const v = this.ensureView(host, conn);
    if (!v || v.autoRead) return;
    // The worker counts and hashes every byte; only the end, which the card shows, comes here.
    if (!(await this.succeeded('Read automatically', this.api.autoRead(conn, { collect: true, keep: TAIL_BYTES }, host)))) return;
    this.updateView(this.current(v), { autoRead: true });
    await this.takeReceived(this.current(v));
  }

  private takeReceived(v: SocketView): Promise<void> {
    return this.serial(`read ${v.key}`, async () => {
      const r = await this.call('Read', this.api.takeReceived(v.conn, v.host), true);
      const tracker = this.trackers.get(v.key);
      if (!r || !tracker) return;
      // EBADF: the connection is gone (closed here, or reset and forgotten): the end, not a fault.
      const error = r.error && r.error.code !== 'EBADF' ? `${r.error.message} (${r.error.code})` : null;
      const received = tracker.received(r.data, r.skipped, r.total, r.crc, r.eof, error);
      this.updateView(this.current(v), { received: this.paced(v.key, received) });
    });
  }

  /**
   * While the trace streams, the text that arrived changes on the card once a second at most
   * (the count and CRC every time): laying out new text is most of what a card's render costs,
   * and nobody reads text scrolling by at megabytes a second. The newest text follows a second
   * later in any case, and at once at the end of the stream.
   */
  private paced(key: ConnKey, received: ReceivedView): ReceivedView {
    const now = performance.now();
    const shown = this.sockets.get(key)?.received;
    const last = this.tailShownAt.get(key) ?? -Infinity;
    if (!this.busy || received.eof || received.error !== null || shown === undefined || now - last >= TAIL_PACE_MS) {
      this.tailShownAt.set(key, now);
      return received;
    }
    if (!this.tailTimers.has(key)) {
      this.tailTimers.set(
        key,
        setTimeout(() => {
          this.tailTimers.delete(key);
          const t = this.trackers.get(key);
          const v = this.sockets.get(key);
          if (t && v && v.received.tail !== t.state.tail) {
            this.tailShownAt.set(key, performance.now());
            this.updateView(v, { received: t.state });
          }
        }, TAIL_PACE_MS - (now - last)),
      );
    }
    return { ...received, tail: shown.tail };
  }

  /** Read what waits in the receive buffer now (when auto-read is off). */
  async readNow(host: number, conn: number): Promise<void> {
    const v = this.ensureView(host, conn);
    if (!v) return;
    const tracker = this.trackers.get(v.key)!;
    await this.serial(`read ${v.key}`, async () => {
      let got = 0;
      for (let i = 0; i < 256; i++) {
        const r = await this.call('Read', this.api.read(conn, READ_CHUNK, host));
        if (!r) break;
        got += r.data.length;
        const received = await tracker.addChunked(r.data, r.eof);
        this.updateView(this.current(v), { received });
        if (r.eof || r.data.length === 0) break;
      }
      if (got === 0 && !tracker.state.eof) this.notify('info', 'Nothing to read: the receive buffer is empty.');
    });
  }

  async sendText(host: number, conn: number, text: string): Promise<boolean> {
    return this.send(host, conn, new TextEncoder().encode(text), 'Send');
  }

  /** Send N generated bytes (numbered text lines). */
  async sendFile(host: number, conn: number, n: number): Promise<boolean> {
    const bytes = await generatedFileSliced(n);
    if (n >= BULK_BYTES) this.bulkUntil = performance.now() + BULK_LEAD_MS;
    return this.send(host, conn, bytes, `Send ${n} bytes`);
  }

  private async send(host: number, conn: number, bytes: Uint8Array<ArrayBuffer>, label: string): Promise<boolean> {
    const v = this.ensureView(host, conn);
    if (!v) {
      this.notify('error', `${label}: no host ${host}`);
      return false;
    }
    return this.serial(`send ${v.key}`, async () => {
      // Transferred, not copied: the worker hashes what it queues (WriteProgress.crc).
      const p = await this.call(label, this.api.writeAll(conn, transfer(bytes, [bytes.buffer]), host));
      if (!p) return false;
      this.updateView(this.current(v), { sent: sentView(p) });
      return true;
    });
  }

  private async pollProgress(v: SocketView): Promise<void> {
    const p = await this.call('Send progress', this.api.writeProgress(v.conn, v.host), true);
    if (p) this.updateView(this.current(v), { sent: sentView(p) });
  }

  async shutdown(host: number, conn: number): Promise<void> {
    await this.call('Shutdown', this.api.shutdown(conn, host));
  }

  async close(host: number, conn: number): Promise<void> {
    await this.call('Close', this.api.close(conn, host));
  }

  async abort(host: number, conn: number): Promise<void> {
    await this.call('Abort', this.api.abort(conn, host));
  }

  // ---------------------------------------------------------------------------------------------
  // Faults
  // ---------------------------------------------------------------------------------------------

  async setFaults(host: number, dir: FaultDirection, config: FaultConfig): Promise<boolean> {
    const status = await this.call(`Faults (${dir})`, this.api.setFaults(dir, config, host));
    if (status) this.setFaultStatus(host, status);
    return status !== undefined;
  }

  async addRule(host: number, dir: FaultDirection, rule: FaultRule): Promise<boolean> {
    const id = await this.call('Arm rule', this.api.addRule(dir, rule, host));
    await this.refreshFaults(host);
    return id !== undefined;
  }

  async removeRule(host: number, dir: FaultDirection, id: number): Promise<void> {
    await this.call('Remove rule', this.api.removeRule(dir, id, host));
    await this.refreshFaults(host);
  }

  async clearRules(host: number, dir: FaultDirection): Promise<void> {
    await this.call('Clear rules', this.api.clearRules(dir, host));
    await this.refreshFaults(host);
  }

  /** Switch off every fault, rule and hold on every host: the "panic button". */
  async clearAllFaults(): Promise<void> {
    for (const h of this.hosts) {
      const i = h.info.index;
      for (const dir of ['out', 'in'] as const) {
        await this.call('Faults', this.api.setFaults(dir, {}, i), true);
        await this.call('Rules', this.api.clearRules(dir, i), true);
      }
      if (h.hold) await this.setHold(i, false);
    }
    await this.refreshFaults();
  }

  private setFaultStatus(host: number, status: FaultStatus): void {
    const h = this.hosts[host];
    if (!h) return;
    this.hosts[host] = { ...h, faults: status };
    this.hosts = [...this.hosts];
    this.changed();
  }

  /** Rules expire and counters move as packets pass: re-read the status soon after faults strike. */
  private scheduleFaultRefresh(): void {
    if (this.faultTimer !== null) return;
    this.faultTimer = setTimeout(() => {
      this.faultTimer = null;
      void this.refreshFaults();
    }, FAULT_REFRESH_MS);
  }

  async refreshFaults(host?: number): Promise<void> {
    const targets = host === undefined ? this.hosts.map((h) => h.info.index) : [host];
    for (const i of targets) {
      const s = await this.call('Fault status', this.api.faultStatus(i), true);
      if (s) this.setFaultStatus(i, s);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Hold queue
  // ---------------------------------------------------------------------------------------------

  async setHold(host: number, on: boolean): Promise<void> {
    const list = await this.call(on ? 'Hold on' : 'Hold off', this.api.setHold(on, host));
    const h = this.hosts[host];
    if (list && h) {
      this.hosts[host] = { ...h, hold: on, held: list };
      this.hosts = [...this.hosts];
      this.changed();
    }
  }

  async release(host: number, id: number): Promise<void> {
    await this.call(`Release #${id}`, this.api.release(id, host));
  }

  async releaseAll(host: number): Promise<void> {
    await this.call('Release all', this.api.releaseAll(host));
  }

  async dropHeld(host: number, id: number): Promise<void> {
    await this.call(`Drop #${id}`, this.api.dropHeld(id, host));
  }

  async duplicateHeld(host: number, id: number): Promise<void> {
    await this.call(`Duplicate #${id}`, this.api.duplicateHeld(id, host));
  }

  async moveHeld(host: number, id: number, index: number): Promise<void> {
    await this.call(`Move #${id}`, this.api.moveHeld(id, index, host));
  }

  // ---------------------------------------------------------------------------------------------
  // Time
  // ---------------------------------------------------------------------------------------------

  async setTimeFactor(factor: number): Promise<void> {
    const c = await this.call('Time factor', this.api.setTimeFactor(factor));
    if (c) this.clock = c;
    this.changed();
  }

  async pause(): Promise<void> {
    const c = await this.call('Pause', this.api.pause());
    if (c) this.clock = c;
    this.changed();
  }

  async resume(): Promise<void> {
    const c = await this.call('Resume', this.api.resume());
    if (c) this.clock = c;
    this.changed();
  }

  async step(): Promise<void> {
    const r = await this.call('Step', this.api.step());
    if (r) this.notify('info', `Step: ${r.detail}`);
  }

  dispose(): void {
    this.endSession();
    this.clearTailTimers();
    this.endpoint.terminate();
  }

  private clearTailTimers(): void {
    for (const t of this.tailTimers.values()) clearTimeout(t);
    this.tailTimers.clear();
    this.tailShownAt.clear();
  }
}

function sentView(p: WriteProgress): SentView {
  return { queued: p.queued, written: p.written, crc: p.crc, done: p.done, error: p.error ? `${p.error.message} (${p.error.code})` : null };
}
