// The endpoint worker's API, as the UI sees it through comlink. TYPES ONLY: the UI imports this
// file with `import type`, so nothing here may be a value.
//
// Starting the worker from a page (Vite bundles the worker from this pattern):
//
//   import { wrap, proxy } from 'comlink';
//   import type { EndpointApi } from '../workers/api.ts';
//   const worker = new Worker(new URL('../workers/endpoint.worker.ts', import.meta.url), { type: 'module' });
//   const api = wrap<EndpointApi>(worker);          // Remote<EndpointApi>: every call returns a Promise
//   await api.subscribe(proxy((u) => render(u)));   // trace batches, socket events, state changes
//   await api.join({ url: 'ws://localhost:8080/ws', room: 'lab1', name: 'ana' });
//
// Conventions
// - Errors: every call that can fail for a reason a person should read returns an ApiResult:
//   `{ ok: true, value }` or `{ ok: false, error: { code, message } }`. The socket calls pass the
//   core's Result through unchanged (same codes, same messages); worker-level problems use the
//   extra codes of ApiErrorCode. Nothing is thrown for those. A thrown Error (rejected promise)
//   only ever means a bug or a call with arguments of the wrong type.
// - Hosts: relay mode runs one host (index 0). Offline mode runs several (0, 1, …). Every per-host
//   call takes the host index as its LAST, optional parameter (default 0).
// - Time: `stack` times are the TCP stack's clock in ms (what the core's trace `t` holds; scaled by
//   the time factor and frozen while paused); `real` times are wall-clock ms since the epoch.
// - Bytes cross as Uint8Array (structured clone). Pass large buffers with comlink's transfer().

import type { ConnectionStatus, ExerciseStatus, HostInfo, HostStatus, HostStatusEntry, Role } from '../relay/protocol/messages.ts';
import type { ConnectionInfo, SocketEvent } from './tcp/host.ts';
import type { Result, SocketError, SocketErrorCode } from './tcp/errors.ts';
import type { StackSettings } from './tcp/settings.ts';
// The saved-session row is the app's database schema, shared by the page (reading) and the worker (writing).
import type { NewSession } from './persistence/types.ts';
import type { TcbSnapshot, TraceEvent } from './tcp/trace.ts';
import type { FaultConfig, ResolvedFaultConfig } from './tcp/sim/fault-config.ts';
import type { ArmedRule, FaultRule } from './tcp/sim/fault-rules.ts';
import type { FaultCounters } from './tcp/sim/faults.ts';
import type { ClockState, LinkState, ShellEvent, TraceRecord } from './persistence/trace-record.ts';

export type { ConnectionStatus, ExerciseStatus, HostStatus, HostStatusEntry, Role };
export type { ClockState, LinkState, ShellEvent, ShellEventKind, TraceRecord } from './persistence/trace-record.ts';
export type { HostInfo, ConnectionInfo, SocketEvent, StackSettings, TcbSnapshot, TraceEvent, FaultConfig, FaultRule };

// ---------------------------------------------------------------------------------------------
// Results and errors
// ---------------------------------------------------------------------------------------------

/**
 * The core's socket error codes, plus the worker's own:
 * - ENOHOST: no such host (not joined yet, wrong index, or the worker is idle).
 * - EMODE: the call does not fit the current mode (e.g. join while offline, step while running).
 * - EFAULT: a fault config or rule was refused (the message says which field and why).
 * - ENOENT: no held packet with that id.
 */
export type ApiErrorCode = SocketErrorCode | 'ENOHOST' | 'EMODE' | 'EFAULT' | 'ENOENT' | 'ESTORAGE';

export interface ApiError {
  code: ApiErrorCode;
  message: string;
}

/** The core's Result with the worker's codes (make one with the core's ok() and fail()). */
export type ApiResult<T> = Result<T, ApiErrorCode>;

// ---------------------------------------------------------------------------------------------
// Trace
// ---------------------------------------------------------------------------------------------

// The record's entries (TraceRecord, ShellEvent) and the link and clock states they carry are in
// persistence/trace-record.ts: the saved session stores exactly these.

/** A page of the record from getTrace(). */
export interface TracePage {
  records: TraceRecord[];
  /** seq to ask for next (records.at(-1).seq + 1, or fromSeq when nothing was returned). */
  next: number;
  /** Oldest seq still held (older ones were evicted past the cap). */
  first: number;
}

export interface TraceInfo {
  /** Oldest seq still held. */
  first: number;
  /** seq the next event will get (= total events ever recorded). */
  next: number;
  /** Events evicted (oldest first) because the record reached its cap. */
  evicted: number;
  /** The caps: events and bytes of packet data kept. */
  maxEvents: number;
  maxBytes: number;
}

/** A socket event of one local host. */
export interface SocketNote {
  host: number;
  event: SocketEvent;
}

/**
 * What a subscriber receives, at most once per ~8 ms, and only when something happened.
 * Records come in order with no gaps except `missed` ones; at most `maxBatch` (default 2,000)
 * per update, the rest follow in the next updates. The worker waits for the listener's returned
 * promise (if any) before sending the next update, so a slow UI is never flooded.
 */
export interface WorkerUpdate {
  records: TraceRecord[];
  /** seq of the next record this subscriber will get. */
  next: number;
  /**
   * seq of the next record the worker will make: `head - next` records are waiting for this
   * subscriber, and how fast `head` grows is how fast the trace streams.
   */
  head: number;
  /**
   * Present while this subscriber is behind (next < head): the newest 'tcb' record of each
   * connection among the records it has not had yet, so it can show the live state early.
   */
  newestTcbs?: TraceRecord[];
  /** Records evicted from the record before they could be sent to this subscriber. */
  missed: number;
  /** Socket events since the last update (accept / readable / writable / closed / error). */
  sockets: SocketNote[];
  /** Present when the relay link changed. */
  link?: LinkState;
  /** Present when the clock changed (factor, pause, step). */
  clock?: ClockState;
  /** Present when a hold queue changed: every host's queue, by host index. */
  held?: HeldPacketView[][];
  /** Present when the set of local hosts changed (join, address change, offline start). */
  hosts?: LocalHostInfo[];
  /** Teachers only: present when another host's status changed; every host's latest status. */
  roomStatus?: HostStatusEntry[];
  /** Present when saving the session started, stopped or failed (saveSession). */
  saving?: SaveStatus;
}

// ---------------------------------------------------------------------------------------------
// Saving the session (IndexedDB, written by the worker)
// ---------------------------------------------------------------------------------------------

/**
 * Keep the trace in the app's IndexedDB database as a saved session. The worker writes it, so
 * neither the cloning of packets into the database nor its callbacks take the page's main thread.
 */
export interface SaveRequest {
  /** The session row as it starts (persistence/types.ts); its counters are filled in as records are written. */
  meta: NewSession;
  /** The first record of the session (TraceInfo.next when the page started its fresh trace). */
  fromSeq: number;
  /** Database name (tests); default: the app's database. */
  dbName?: string;
}

export interface SaveStatus {
  /** The session row being written; null before saveSession() or after it failed to create one. */
  id: number | null;
  /** Records written to the database so far (this session). */
  saved: number;
  /** Records in the trace not yet written. */
  pending: number;
  /** Records the trace evicted before they could be written (the database could not keep up). */
  missed: number;
  /** Why saving stopped; null while it works. */
  error: string | null;
}

export interface SubscribeOptions {
  /** Start from this seq (default: the oldest record still held, so a late UI sees everything). */
  fromSeq?: number;
  /** Records per update, 1 … 2,000 (default 2,000). */
  maxBatch?: number;
}

// ---------------------------------------------------------------------------------------------
// Relay link
// ---------------------------------------------------------------------------------------------

export interface JoinOptions {
  /**
   * The relay: its WebSocket URL (ws://host:8080/ws) or the page's http(s) address
   * (http://host:8080/, turned into ws://host:8080/ws). Other query parameters are kept: add
   * `?teacher=CODE` to join as a teacher (relay/PROTOCOL.md §2.3).
   */
  url: string;
  room: string;
  /** Display name; the relay derives the hostname from it. */
  name: string;
  /** Seeds the host's ISNs and ephemeral ports and the fault injectors (replayable runs). Default: random. */
  seed?: number;
  /** Stack settings for the host (default: the modern profile). */
  settings?: Partial<StackSettings>;
}

export interface LocalHostInfo {
  index: number;
  address: string;
  /** The relay's hostname in relay mode; "host-1", "host-2", … offline. */
  hostname: string;
}

// ---------------------------------------------------------------------------------------------
// Offline mode
// ---------------------------------------------------------------------------------------------

export interface OfflineOptions {
  /** Hosts to run, 2 … 8 (default 2). They get 10.0.0.1, 10.0.0.2, … */
  hosts?: number;
  /** One-way latency of each host's link, stack ms (default 5: A→B takes 10 ms). */
  latency?: number;
  seed?: number;
  settings?: Partial<StackSettings>;
}

// ---------------------------------------------------------------------------------------------
// Faults and hold
// ---------------------------------------------------------------------------------------------

/** 'out': segments this host sends; 'in': segments arriving for it. */
export type FaultDirection = 'out' | 'in';

export interface FaultDirectionStatus {
  config: ResolvedFaultConfig;
  rules: ArmedRule[];
  /** How often each fault struck; the trace has one 'fault' event per count (reorder: per hold). */
  counters: FaultCounters;
  /** Packets held back for reordering right now. */
  reorderHeld: number;
}

export interface FaultStatus {
  seed: number;
  out: FaultDirectionStatus;
  in: FaultDirectionStatus;
}

/** A segment waiting in the hold queue. */
export interface HeldPacketView {
  id: number;
  /** One line, Wireshark style: "10.0.1.1:49152 → 10.0.1.2:80 [SYN] seq=… win=… len=0 MSS=1460". */
  summary: string;
  /** TCP flags byte (Flag bits) and their names ("SYN,ACK"); -1 / '' when not decodable. */
  flags: number;
  flagNames: string;
  /** TCP payload bytes. */
  length: number;
  src: string;
  dst: string;
  /** Stack time it was held. */
  heldAt: number;
  bytes: Uint8Array;
}

// ---------------------------------------------------------------------------------------------
// Clock
// ---------------------------------------------------------------------------------------------

/** What step() did. */
export type StepResult =
  | { kind: 'packet'; stack: number; detail: string }
  | { kind: 'timer'; stack: number; detail: string }
  | { kind: 'idle'; stack: number; detail: string };

// ---------------------------------------------------------------------------------------------
// Socket helpers the worker runs for the UI
// ---------------------------------------------------------------------------------------------

export interface AutoReadOptions {
  /** Keep the bytes for takeReceived(); otherwise only count and hash them. Default true. */
  collect?: boolean;
  /**
   * Keep only the newest `keep` bytes between two takeReceived() calls (default and most: 64 MiB).
   * A UI that shows the end of what arrived keeps a few KB, and the rest never crosses to the page.
   */
  keep?: number;
}

export interface ReceivedData {
  /** The newest bytes collected since the last takeReceived() (empty without `collect`). */
  data: Uint8Array;
  /** Bytes read since the last takeReceived() that are not in `data` (over `keep`, or not collected). */
  skipped: number;
  /** Bytes read on the connection in total, by read() and auto-read. */
  total: number;
  /** CRC-32 of those `total` bytes. */
  crc: number;
  /** The peer's FIN was read: no more data will come. */
  eof: boolean;
  /** A read failed (e.g. reset): the error. */
  error: SocketError | null;
}

export interface WriteProgress {
  /** Bytes handed to writeAll() in total. */
  queued: number;
  /** CRC-32 of those `queued` bytes. */
  crc: number;
  /** Bytes the TCP send buffer took so far. */
  written: number;
  /** written === queued. */
  done: boolean;
  error: SocketError | null;
}

export type Mode = 'idle' | 'relay' | 'offline';

// ---------------------------------------------------------------------------------------------
// The API
// ---------------------------------------------------------------------------------------------

/**
 * Workshop calls (relay mode). The page publishes what its exercise session sees
 * (src/workshop/exercise-session.ts toStatus()); the link coalesces it to the relay's rate.
 * Teachers read every host's status here or from WorkerUpdate.roomStatus.
 */
export interface WorkshopApi {
  /** Publish this host's status to the room's teachers (EMODE when not in a room). */
  publishStatus(status: HostStatus): ApiResult<void>;
  /** Teachers: every other host's latest status ([] for students or when not in a room). */
  roomStatus(): HostStatusEntry[];
}

/** The object the worker exposes. Through comlink every method returns a Promise of its result. */
export interface EndpointApi {
  // --- session ---
  mode(): Mode;
  /** Join a relay room (leaves offline mode or an earlier room first). Returns at once; watch the link state. */
  join(options: JoinOptions): ApiResult<LinkState>;
  /** Close the relay link for good (the host stays until the next join or offline start). */
  leave(): ApiResult<LinkState>;
  linkState(): LinkState;
  /** Give the host the address the relay now assigns (after addressChanged). Its connections are lost. */
  adoptRelayAddress(): ApiResult<LocalHostInfo>;
  /** Run `hosts` hosts in this tab on a simulated link (leaves the relay first). */
  startOffline(options?: OfflineOptions): ApiResult<LocalHostInfo[]>;
  /** Stop everything: relay link closed, hosts gone. The trace record stays. */
  reset(): ApiResult<void>;
  /** The local hosts (one in relay mode, several offline). */
  hosts(): LocalHostInfo[];

  // --- sockets (see the core's Host for semantics; `host` = local host index, default 0) ---
  listen(port: number, backlog?: number, host?: number): ApiResult<void>;
  unlisten(port: number, host?: number): ApiResult<void>;
  /** The next established connection on a listening port, or null when none is waiting. */
  accept(port: number, host?: number): ApiResult<number | null>;
  connect(to: { remoteAddr: string; remotePort: number; localPort?: number }, host?: number): ApiResult<number>;
  /** Bytes the send buffer took (may be fewer than given). */
  write(conn: number, bytes: Uint8Array, host?: number): ApiResult<number>;
  /** Queue all of `bytes`; the worker keeps writing as the send buffer drains. */
  writeAll(conn: number, bytes: Uint8Array, host?: number): ApiResult<WriteProgress>;
  writeProgress(conn: number, host?: number): ApiResult<WriteProgress>;
  read(conn: number, max: number, host?: number): ApiResult<{ data: Uint8Array; eof: boolean }>;
  /** Let the worker read everything that arrives on `conn` (collect it for takeReceived(), or just count). */
  autoRead(conn: number, options?: AutoReadOptions, host?: number): ApiResult<void>;
  takeReceived(conn: number, host?: number): ApiResult<ReceivedData>;
  /** Send a FIN after everything written, including what writeAll() still holds. */
  shutdown(conn: number, host?: number): ApiResult<void>;
  /** CLOSE (RFC 9293 §3.10.4), after what writeAll() still holds. */
  close(conn: number, host?: number): ApiResult<void>;
  abort(conn: number, host?: number): ApiResult<void>;
  status(conn: number, host?: number): ApiResult<TcbSnapshot & ConnectionInfo>;
  setOption(conn: number, option: 'nagle' | 'delayedAck', value: boolean, host?: number): ApiResult<void>;
  connections(host?: number): ApiResult<ConnectionInfo[]>;
  listening(host?: number): ApiResult<number[]>;

  // --- settings ---
  getSettings(host?: number): ApiResult<StackSettings>;
  configure(settings: Partial<StackSettings>, host?: number): ApiResult<StackSettings>;

  // --- faults (netem-like, per direction) ---
  setFaults(dir: FaultDirection, config: FaultConfig, host?: number): ApiResult<FaultStatus>;
  /** Arm a targeted rule (drop the next SYN,ACK / FIN / Nth segment / everything for T ms). Returns its id. */
  addRule(dir: FaultDirection, rule: FaultRule, host?: number): ApiResult<number>;
  removeRule(dir: FaultDirection, id: number, host?: number): ApiResult<void>;
  clearRules(dir: FaultDirection, host?: number): ApiResult<void>;
  faultStatus(host?: number): ApiResult<FaultStatus>;

  // --- hold and release (outgoing segments) ---
  /** Hold mode on: outgoing segments wait in the queue. Off: everything held leaves, in queue order. */
  setHold(on: boolean, host?: number): ApiResult<HeldPacketView[]>;
  held(host?: number): ApiResult<HeldPacketView[]>;
  release(id: number, host?: number): ApiResult<void>;
  releaseAll(host?: number): ApiResult<number>;
  dropHeld(id: number, host?: number): ApiResult<void>;
  /** A copy is queued right behind the original; returns the copy's id. */
  duplicateHeld(id: number, host?: number): ApiResult<number>;
  /** Move a held segment to `index` in the queue (0 = first to leave on releaseAll). */
  moveHeld(id: number, index: number, host?: number): ApiResult<HeldPacketView[]>;

  // --- time ---
  /** Stack time runs at factor × real time: 1, 0.5, 0.1, … (0 < factor ≤ 100). */
  setTimeFactor(factor: number): ApiResult<ClockState>;
  pause(): ApiResult<ClockState>;
  /** Resume; packets that arrived while paused are processed now, in arrival order. */
  resume(): ApiResult<ClockState>;
  /** While paused: process the next queued packet, or jump to the next timer deadline and fire it. */
  step(): ApiResult<StepResult>;
  clockState(): ClockState;

  // --- trace ---
  /**
   * The page is drawing a frame during a bulk transfer: leave it the CPU for at most `ms` (1 …
   * 100), or until drawn(). Arriving segments wait (and are handled in order after), nothing is
   * sent to subscribers meanwhile, and the stack clock runs on, so the wait is queueing delay the
   * trace shows. On a machine with few cores a worker at full speed otherwise takes the CPU from
   * the page mid-frame and a 10 ms frame takes 100.
   */
  drawing(ms: number): ApiResult<void>;
  drawn(): ApiResult<void>;
  /** Returns a subscription id. Pass the listener through comlink's proxy(). */
  subscribe(listener: (update: WorkerUpdate) => void | Promise<void>, options?: SubscribeOptions): number;
  unsubscribe(id: number): boolean;
  /**
   * Save the trace from `fromSeq` on as a new session (ending the one saved before, after its last
   * records are written). Resolves with the new session's id once its row exists.
   */
  saveSession(request: SaveRequest): Promise<ApiResult<number>>;
  /** Change the saved session's row with its next write (hosts learned, a name). */
  noteSession(patch: Partial<NewSession>): ApiResult<void>;
  /** Stop saving: the records so far and `patch` (e.g. endedAt) are still written. */
  endSession(patch?: Partial<NewSession>): ApiResult<void>;
  /** Resolves when every record traced so far (and every patch) is written, or saving failed. */
  flushSession(): Promise<SaveStatus>;
  /** Up to `count` (≤ 10,000) records from seq `fromSeq` (clamped to the oldest still held). */
  getTrace(fromSeq: number, count: number): TracePage;
  traceInfo(): TraceInfo;
  /**
   * One local host's segments still in the record, as it sent and received them, as a pcap file
   * (LINKTYPE_RAW, wall-clock timestamps).
   */
  exportPcap(host?: number): Uint8Array;
}
