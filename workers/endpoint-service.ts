// The object the worker exposes through comlink (EndpointApi in api.ts): it owns the trace
// record, the stack clock, the relay link and the current stage (relay or offline), and turns
// every call into an ApiResult. Everything platform-specific (WebSocket, timers, randomness) is
// injected, so the whole service runs in Node tests with fakes.

import type { UnreachableMessage, DroppedMessage, ErrorMessage, WelcomeMessage } from '../relay/protocol/messages.ts';
import { createHost, type Host, type SocketEvent } from './tcp/host.ts';
import { createSeededRandom } from './tcp/random.ts';
import { DEFAULT_SETTINGS, resolveSettings, type StackSettings } from './tcp/settings.ts';
import type { TraceEvent } from './tcp/trace.ts';
import { fail, ok, type Result } from './tcp/errors.ts';
import type { FaultConfig } from './tcp/sim/fault-config.ts';
import type { FaultRule } from './tcp/sim/fault-rules.ts';
import { createPcapWriter } from './tcp/pcap.ts';
import { parseIpv4Address } from './tcp/wire/address.ts';
import type {
  ApiResult,
  AutoReadOptions,
  ClockState,
  EndpointApi,
  FaultDirection,
  FaultStatus,
  HeldPacketView,
  JoinOptions,
  LinkState,
  LocalHostInfo,
  Mode,
  OfflineOptions,
  ReceivedData,
  ShellEvent,
  SocketNote,
  StepResult,
  SubscribeOptions,
  TraceInfo,
  TracePage,
  WorkerUpdate,
  WorkshopApi,
  WriteProgress,
  HostStatus,
  HostStatusEntry,
  SaveRequest,
  SaveStatus,
} from './api.ts';
import type { NewSession } from './persistence/types.ts';
import { SessionSaver, type SessionWriter } from './session-saver.ts';
import type { HostSlot, HostSlotHooks } from './host-slot.ts';
import { DEFAULT_OFFLINE_LATENCY, OfflineStage } from './offline.ts';
import { RelayLink, type SocketFactory } from './relay-link.ts';
import { RelayStage } from './relay-stage.ts';
import { StackClock } from './stack-clock.ts';
import type { Stage } from './stage.ts';
import { TraceBatcher } from './trace-batcher.ts';
import { TraceLog } from './trace-log.ts';
import type { Timers } from './timers.ts';
import { ownBytes } from './clone-safe.ts';
import * as hold from './hold-actions.ts';
import { describeLink } from './link-description.ts';

export interface ServiceDeps {
  timers: Timers;
  createSocket: SocketFactory;
  /** A fresh seed when the caller gives none. */
  newSeed: () => number;
  /** Uniform [0, 1) for the reconnect spread. */
  random: () => number;
  /** Trace caps (defaults in trace-log.ts). */
  maxEvents?: number;
  maxBytes?: number;
  batchIntervalMs?: number;
  /**
   * Opens the app's database for saveSession() (the worker entry gives IndexedDB). Without it,
   * saveSession() is refused with ESTORAGE.
   */
  openSessionWriter?: (dbName: string | undefined) => Promise<SessionWriter>;
  saveDelayMs?: number;
}

type Listener = (update: WorkerUpdate) => void | Promise<void>;

/** The longest the worker leaves the CPU to a drawing page (drawing()). */
export const MAX_DRAW_MS = 100;

/** The core's Result is already an ApiResult (its codes are a subset): pass it on as it is. */
function pass<T>(r: Result<T>): ApiResult<T> {
  return r;
}

export class EndpointService implements EndpointApi, WorkshopApi {
  private readonly deps: ServiceDeps;
  private readonly log: TraceLog;
  private readonly batcher: TraceBatcher;
  private readonly saver: SessionSaver;
  private readonly clock: StackClock;
  private stage: Stage | null = null;
  private link: RelayLink | null = null;
  private currentMode: Mode = 'idle';
  private join_: (JoinOptions & { seed: number }) | null = null;
  private relayHostnames = new Map<number, string>();
  /** The room's MTU from the welcome: our MSS must fit in it (PROTOCOL.md §2.1). */
  private mtu = 1500;

  constructor(deps: ServiceDeps) {
    this.deps = deps;
    this.log = new TraceLog({
      realNow: deps.timers.now,
      ...(deps.maxEvents === undefined ? {} : { maxEvents: deps.maxEvents }),
      ...(deps.maxBytes === undefined ? {} : { maxBytes: deps.maxBytes }),
    });
    this.batcher = new TraceBatcher({
      log: this.log,
      timers: deps.timers,
      ...(deps.batchIntervalMs === undefined ? {} : { intervalMs: deps.batchIntervalMs }),
    });
    const open = deps.openSessionWriter;
    this.saver = new SessionSaver({
      log: this.log,
      timers: deps.timers,
      open: open ?? (() => Promise.reject(new Error('this worker has no database'))),
      onStatus: (saving) => this.batcher.changed({ saving }),
      ...(deps.saveDelayMs === undefined ? {} : { delayMs: deps.saveDelayMs }),
    });
    this.clock = new StackClock(deps.timers.now());
  }

  // =============================================================================================
  // Session
  // =============================================================================================

  // --- workshop ---

  publishStatus(status: HostStatus): ApiResult<void> {
    if (!this.link) return fail('EMODE', 'not in a room: status goes to the room\'s teacher through the relay');
    this.link.publishStatus(status);
    return ok(undefined);
  }

  roomStatus(): HostStatusEntry[] {
    return this.link?.roomStatus ?? [];
  }

  mode(): Mode {
    return this.currentMode;
  }

  join(options: JoinOptions): ApiResult<LinkState> {
    if (typeof options !== 'object' || options === null) return fail('EINVAL', 'join needs { url, room, name }');
    for (const k of ['url', 'room', 'name'] as const) {
      if (typeof options[k] !== 'string' || options[k].trim() === '') return fail('EINVAL', `join: ${k} must be a non-empty string`);
    }
    if (options.settings !== undefined) {
      const s = resolveSettings(options.settings);
      if (!s.ok) return fail('EINVAL', s.reason);
    }
    this.teardown();
    const seed = (options.seed ?? this.deps.newSeed()) >>> 0;
    this.join_ = { ...options, seed };
    this.currentMode = 'relay';
    let link: RelayLink;
    try {
      link = new RelayLink({
        url: options.url,
        room: options.room,
        name: options.name,
        createSocket: this.deps.createSocket,
        timers: this.deps.timers,
        random: this.deps.random,
        hostAddress: () => (this.stage?.slots[0]?.name ?? null),
        onFrame: (frame) => {
          if (this.link === link && this.stage instanceof RelayStage) this.stage.receive(frame);
        },
        onState: (state) => {
          if (this.link === link) this.linkChanged(state);
        },
        onWelcome: (w, rejoin) => {
          if (this.link === link) this.welcomed(w, rejoin);
        },
        onNotice: (n) => {
          if (this.link === link) this.notice(n);
        },
        onRoomStatus: (hosts) => {
          if (this.link === link) this.batcher.changed({ roomStatus: hosts });
        },
      });
    } catch (e) {
      this.currentMode = 'idle';
      return fail('EINVAL', (e as Error).message);
    }
    this.link = link;
    this.batcher.changed({ hosts: this.hosts() });
    link.start();
    return ok(link.state);
  }

  leave(): ApiResult<LinkState> {
    if (this.link === null) return fail('EMODE', 'not in a room');
    this.link.stop('left the room');
    return ok(this.link.state);
  }

  linkState(): LinkState {
    return this.link?.state ?? { status: 'idle' };
  }

  adoptRelayAddress(): ApiResult<LocalHostInfo> {
    const state = this.link?.state;
    if (state === undefined || state.status !== 'joined') return fail('EMODE', 'not joined to a room');
    if (state.addressChanged === null) return fail('EINVAL', `the host already has the relay's address ${state.address}`);
    this.makeRelayHost(state.address);
    this.link?.refresh();
    return ok(this.hosts()[0] as LocalHostInfo);
  }

  startOffline(options: OfflineOptions = {}): ApiResult<LocalHostInfo[]> {
    if (options.settings !== undefined) {
      const s = resolveSettings(options.settings);
      if (!s.ok) return fail('EINVAL', s.reason);
    }
    const latency = options.latency ?? DEFAULT_OFFLINE_LATENCY;
    if (typeof latency !== 'number' || !Number.isFinite(latency) || latency < 0) return fail('EINVAL', `latency must be a number ≥ 0, got ${String(latency)}`);
    this.teardown();
    const made = OfflineStage.create({
      hosts: options.hosts ?? 2,
      latency,
      seed: (options.seed ?? this.deps.newSeed()) >>> 0,
      ...(options.settings === undefined ? {} : { settings: options.settings }),
      clock: this.clock,
      timers: this.deps.timers,
      hooks: this.hooks(),
      trace: this.sink,
    });
    if (!made.ok) return fail('EINVAL', made.reason);
    this.stage = made.stage;
    this.currentMode = 'offline';
    const hosts = this.hosts();
    this.batcher.changed({ hosts, held: this.allHeld() });
    return ok(hosts);
  }

  reset(): ApiResult<void> {
    this.teardown();
    this.batcher.changed({ hosts: [], held: [] });
    return ok(undefined);
  }

  hosts(): LocalHostInfo[] {
    const stage = this.stage;
    if (stage === null) return [];
    return stage.slots.map((s) => ({
      index: s.index,
      address: s.name,
      hostname: stage.kind === 'relay' ? (this.relayHostnames.get(s.address) ?? s.name) : `host-${s.index + 1}`,
    }));
  }

  // =============================================================================================
  // Sockets
  // =============================================================================================

  listen(port: number, backlog?: number, host?: number): ApiResult<void> {
    return this.on(host, (s) => pass(backlog === undefined ? s.host.listen(port) : s.host.listen(port, backlog)));
  }

  unlisten(port: number, host?: number): ApiResult<void> {
    return this.on(host, (s) => pass(s.host.unlisten(port)));
  }

  accept(port: number, host?: number): ApiResult<number | null> {
    return this.on(host, (s) => pass(s.host.accept(port)));
  }

  connect(to: { remoteAddr: string; remotePort: number; localPort?: number }, host?: number): ApiResult<number> {
    if (typeof to !== 'object' || to === null) return fail('EINVAL', 'connect needs { remoteAddr, remotePort, localPort? }');
    const target = { remoteAddr: to.remoteAddr, remotePort: to.remotePort, ...(to.localPort === undefined ? {} : { localPort: to.localPort }) };
    return this.on(host, (s, now) => pass(s.host.connect(target, now)));
  }

  write(conn: number, bytes: Uint8Array, host?: number): ApiResult<number> {
    if (!(bytes instanceof Uint8Array)) return fail('EINVAL', 'write needs a Uint8Array');
    return this.on(host, (s, now) => pass(s.host.write(conn, bytes, now)));
  }

  writeAll(conn: number, bytes: Uint8Array, host?: number): ApiResult<WriteProgress> {
    if (!(bytes instanceof Uint8Array)) return fail('EINVAL', 'writeAll needs a Uint8Array');
    return this.on(host, (s, now) => {
      const st = s.host.status(conn);
      if (!st.ok) return st;
      return ok(s.pumps.writeAll(s.host, conn, bytes, now));
    });
  }

  writeProgress(conn: number, host?: number): ApiResult<WriteProgress> {
    return this.on(host, (s) => {
      const p = s.pumps.writeProgress(conn);
      return p === null ? fail('EINVAL', `nothing was queued with writeAll() on connection ${conn}`) : ok(p);
    });
  }

  read(conn: number, max: number, host?: number): ApiResult<{ data: Uint8Array; eof: boolean }> {
    return this.on(host, (s, now) => {
      const r = s.host.read(conn, max, now);
      if (!r.ok) return r;
      s.pumps.tally(conn, r.value.data);
      return ok({ data: ownBytes(r.value.data), eof: r.value.eof });
    });
  }

  autoRead(conn: number, options: AutoReadOptions = {}, host?: number): ApiResult<void> {
    return this.on(host, (s, now) => {
      const st = s.host.status(conn);
      if (!st.ok) return st;
      const keep = options.keep ?? undefined;
      if (keep !== undefined && (!Number.isInteger(keep) || keep < 0)) return fail('EINVAL', `autoRead: keep must be a whole number of bytes ≥ 0, not ${String(keep)}`);
      s.pumps.autoRead(s.host, conn, options.collect ?? true, now, keep);
      return ok(undefined);
    });
  }

  takeReceived(conn: number, host?: number): ApiResult<ReceivedData> {
    return this.on(host, (s) => {
      const r = s.pumps.takeReceived(conn);
      return r === null ? fail('EINVAL', `autoRead() is not on for connection ${conn}`) : ok(r);
    });
  }

  /** After what writeAll() still holds: its bytes go before the FIN. */
  shutdown(conn: number, host?: number): ApiResult<void> {
    return this.on(host, (s, now) => {
      if (!s.pumps.writing(conn)) return pass(s.host.shutdown(conn, now));
      s.pumps.afterWrites(conn, (t) => void s.host.shutdown(conn, t));
      return ok(undefined);
    });
  }

  /** After what writeAll() still holds, like shutdown(). */
  close(conn: number, host?: number): ApiResult<void> {
    return this.on(host, (s, now) => {
      if (!s.pumps.writing(conn)) return pass(s.host.close(conn, now));
      s.pumps.afterWrites(conn, (t) => void s.host.close(conn, t));
      return ok(undefined);
    });
  }

  abort(conn: number, host?: number): ApiResult<void> {
    return this.on(host, (s, now) => pass(s.host.abort(conn, now)));
  }

  status(conn: number, host?: number): ReturnType<EndpointApi['status']> {
    return this.on(host, (s) => pass(s.host.status(conn)));
  }

  setOption(conn: number, option: 'nagle' | 'delayedAck', value: boolean, host?: number): ApiResult<void> {
    if (option !== 'nagle' && option !== 'delayedAck') return fail('EINVAL', `unknown option ${String(option)}: 'nagle' or 'delayedAck'`);
    return this.on(host, (s) => pass(s.host.setOption(conn, option, value === true)));
  }

  connections(host?: number): ReturnType<EndpointApi['connections']> {
    return this.on(host, (s) => ok(s.host.connections()));
  }

  listening(host?: number): ApiResult<number[]> {
    return this.on(host, (s) => ok(s.host.listening));
  }

  // =============================================================================================
  // Settings
  // =============================================================================================

  getSettings(host?: number): ApiResult<StackSettings> {
    return this.on(host, (s) => ok({ ...s.host.settings }));
  }

  configure(settings: Partial<StackSettings>, host?: number): ApiResult<StackSettings> {
    return this.on(host, (s) => pass(s.host.configure(settings)));
  }

  // =============================================================================================
  // Faults
  // =============================================================================================

  setFaults(dir: FaultDirection, config: FaultConfig, host?: number): ApiResult<FaultStatus> {
    return this.faultCall(dir, host, (f) => {
      const r = f.setConfig(dir, config);
      return r.ok ? ok(f.status()) : fail('EFAULT', r.reason);
    });
  }

  addRule(dir: FaultDirection, rule: FaultRule, host?: number): ApiResult<number> {
    return this.faultCall(dir, host, (f) => {
      const r = f.addRule(dir, rule);
      return r.ok ? ok(r.id) : fail('EFAULT', r.reason);
    });
  }

  removeRule(dir: FaultDirection, id: number, host?: number): ApiResult<void> {
    return this.faultCall(dir, host, (f) => (f.removeRule(dir, id) ? ok(undefined) : fail('ENOENT', `no rule ${id} on the ${dir} side`)));
  }

  clearRules(dir: FaultDirection, host?: number): ApiResult<void> {
    return this.faultCall(dir, host, (f) => {
      f.clearRules(dir);
      return ok(undefined);
    });
  }

  faultStatus(host?: number): ApiResult<FaultStatus> {
    return this.faultCall('out', host, (f) => ok(f.status()));
  }

  // =============================================================================================
  // Hold
  // =============================================================================================

  setHold(on: boolean, host?: number): ApiResult<HeldPacketView[]> {
    return this.on(host, (s) => hold.setHold(s, on, this.heldChanged));
  }

  held(host?: number): ApiResult<HeldPacketView[]> {
    return this.on(host, (s) => ok([...s.hold.list()]));
  }

  release(id: number, host?: number): ApiResult<void> {
    return this.on(host, (s) => hold.release(s, id, this.heldChanged));
  }

  releaseAll(host?: number): ApiResult<number> {
    return this.on(host, (s) => hold.releaseAll(s, this.heldChanged));
  }

  dropHeld(id: number, host?: number): ApiResult<void> {
    return this.on(host, (s) => hold.dropHeld(s, id, this.heldChanged));
  }

  duplicateHeld(id: number, host?: number): ApiResult<number> {
    return this.on(host, (s) => hold.duplicateHeld(s, id, this.heldChanged));
  }

  moveHeld(id: number, index: number, host?: number): ApiResult<HeldPacketView[]> {
    return this.on(host, (s) => hold.moveHeld(s, id, index, this.heldChanged));
  }

  // =============================================================================================
  // Time
  // =============================================================================================

  setTimeFactor(factor: number): ApiResult<ClockState> {
    try {
      this.clock.setFactor(factor, this.deps.timers.now());
    } catch (e) {
      return fail('EINVAL', (e as Error).message);
    }
    return ok(this.clockMoved(`time factor ${factor}×`));
  }

  pause(): ApiResult<ClockState> {
    this.clock.pause(this.deps.timers.now());
    return ok(this.clockMoved('paused'));
  }

  resume(): ApiResult<ClockState> {
    this.clock.resume(this.deps.timers.now());
    return ok(this.clockMoved('resumed'));
  }

  step(): ApiResult<StepResult> {
    if (!this.clock.paused) return fail('EMODE', 'step works while paused: pause() first');
    const stage = this.stage;
    const r: StepResult =
      stage === null ? { kind: 'idle', stack: this.clock.now(this.deps.timers.now()), detail: 'no hosts' } : stage.step();
    this.clockMoved(`step: ${r.detail}`);
    return ok(r);
  }

  clockState(): ClockState {
    const real = this.deps.timers.now();
    return { ...this.clock.state(real), real };
  }

  // =============================================================================================
  // Trace
  // =============================================================================================

  subscribe(listener: Listener, options?: SubscribeOptions): number {
    const id = this.batcher.subscribe(listener, options);
    // A new subscriber starts with the whole picture.
    this.batcher.changed({ link: this.linkState(), clock: this.clockState(), hosts: this.hosts(), held: this.allHeld() });
    return id;
  }

  unsubscribe(id: number): boolean {
    return this.batcher.unsubscribe(id);
  }

  drawing(ms: number): ApiResult<void> {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 1 || ms > MAX_DRAW_MS) return fail('EINVAL', `drawing: ms must be a number from 1 to ${MAX_DRAW_MS}, not ${String(ms)}`);
    const until = this.deps.timers.now() + ms;
    this.stage?.yieldUntil(until);
    this.batcher.waitUntil(until);
    return ok(undefined);
  }

  drawn(): ApiResult<void> {
    this.stage?.endYield();
    this.batcher.endWait();
    return ok(undefined);
  }

  saveSession(request: SaveRequest): Promise<ApiResult<number>> {
    if (typeof request !== 'object' || request === null) return Promise.resolve(fail('EINVAL', 'saveSession needs { meta, fromSeq }'));
    return this.saver.start(request.meta, request.fromSeq, request.dbName);
  }

  noteSession(patch: Partial<NewSession>): ApiResult<void> {
    if (typeof patch !== 'object' || patch === null) return fail('EINVAL', 'noteSession needs an object of session fields');
    return this.saver.note(patch);
  }

  endSession(patch: Partial<NewSession> = {}): ApiResult<void> {
    this.saver.end(typeof patch === 'object' && patch !== null ? patch : {});
    return ok(undefined);
  }

  flushSession(): Promise<SaveStatus> {
    return this.saver.flush();
  }

  getTrace(fromSeq: number, count: number): TracePage {
    return this.log.page(fromSeq, count);
  }

  traceInfo(): TraceInfo {
    return this.log.info();
  }

  exportPcap(host = 0): Uint8Array {
    const name = this.stage?.slots[host]?.name ?? null;
    const w = createPcapWriter();
    for (const r of this.log.all()) {
      const e = r.event;
      if (e.type === 'segment' && (name === null || e.host === name)) w.write(e.bytes, r.real);
    }
    return w.toBytes();
  }

  /** Stop timers and the link (worker shutdown, tests). */
  dispose(): void {
    this.teardown();
    this.batcher.stop();
  }

  // =============================================================================================
  // Internals
  // =============================================================================================

  /** Every event, core or shell, goes through here into the record. */
  private readonly sink = (event: TraceEvent | ShellEvent): void => {
    this.log.append(event);
    this.batcher.recordsAdded();
    this.saver.recordsAdded();
  };

  private hooks(): HostSlotHooks {
    return {
      trace: this.sink,
      socketEvents: (index: number, events: SocketEvent[]) => {
        if (this.batcher.subscriberCount === 0) return;
        const notes: SocketNote[] = events.map((event) => ({ host: index, event }));
        this.batcher.sockets(notes);
      },
      heldChanged: () => this.heldChanged(),
    };
  }

  private on<T>(host: number | undefined, fn: (slot: HostSlot, now: number) => ApiResult<T>): ApiResult<T> {
    const stage = this.stage;
    if (stage === null) {
      return fail(
        'ENOHOST',
        this.currentMode === 'relay' ? 'no host yet: the relay has not welcomed us (no address yet)' : 'no host: join a room or start offline mode',
      );
    }
    const i = host ?? 0;
    if (!Number.isInteger(i) || i < 0 || i >= stage.slots.length) {
      return fail('ENOHOST', `no local host ${String(host)}: ${stage.kind === 'relay' ? 'relay mode has host 0 only' : `hosts are 0 … ${stage.slots.length - 1}`}`);
    }
    return stage.call(i, fn);
  }

  private faultCall<T>(dir: FaultDirection, host: number | undefined, fn: (f: ReturnType<Stage['faults']>) => ApiResult<T>): ApiResult<T> {
    if (dir !== 'out' && dir !== 'in') return fail('EINVAL', `direction must be 'out' or 'in', got ${String(dir)}`);
    const stage = this.stage;
    return this.on(host, (s) => fn((stage as Stage).faults(s.index)));
  }

  private readonly heldChanged = (): void => {
    if (this.batcher.subscriberCount > 0) this.batcher.changed({ held: this.allHeld() });
  };

  private allHeld(): HeldPacketView[][] {
    return this.stage?.slots.map((s) => [...s.hold.list()]) ?? [];
  }

  private clockMoved(detail: string): ClockState {
    this.stage?.clockChanged();
    const state = this.clockState();
    this.sink({ type: 'shell', t: state.stack, host: this.stage?.slots[0]?.name ?? '', kind: 'clock', detail, clock: state });
    this.batcher.changed({ clock: state });
    return state;
  }

  private welcomed(w: WelcomeMessage, rejoin: boolean): void {
    const n = parseIpv4Address(w.address);
    if (n !== null) this.relayHostnames.set(n, w.hostname);
    this.mtu = w.mtu;
    if (this.stage === null) {
      this.makeRelayHost(w.address);
      return;
    }
    if (rejoin) this.batcher.changed({ hosts: this.hosts() });
  }

  /** (Re)create the relay-mode host with `address`; the old one, if any, is dropped. */
  private makeRelayHost(address: string): void {
    const j = this.join_;
    if (j === null) return;
    this.stage?.dispose();
    this.stage = null;
    const made = createHost({
      address,
      random: createSeededRandom(j.seed),
      // The MSS a SYN advertises must fit the room's MTU (IPv4 and TCP headers take 40 bytes);
      // options each segment carries are subtracted by the core itself.
      settings: { ...j.settings, mss: Math.min(j.settings?.mss ?? DEFAULT_SETTINGS.mss, this.mtu - 40) },
      trace: this.sink,
    });
    if (!made.ok) {
      this.sink({ type: 'shell', t: this.clock.now(this.deps.timers.now()), host: '', kind: 'link', detail: `cannot create the host: ${made.reason}` });
      return;
    }
    const host: Host = made.value;
    this.relayHostnames.set(host.address, this.relayHostnames.get(host.address) ?? address);
    this.stage = new RelayStage({
      host,
      hooks: this.hooks(),
      clock: this.clock,
      timers: this.deps.timers,
      seed: j.seed,
      trace: this.sink,
      transmit: (frame) => this.link?.send(frame) ?? 'down',
    });
    this.batcher.changed({ hosts: this.hosts(), held: this.allHeld() });
  }

  private linkChanged(state: LinkState): void {
    this.sink({
      type: 'shell',
      t: this.clock.now(this.deps.timers.now()),
      host: this.stage?.slots[0]?.name ?? '',
      kind: 'link',
      detail: describeLink(state),
      link: state,
    });
    this.batcher.changed({ link: state });
  }

  private notice(n: UnreachableMessage | DroppedMessage | ErrorMessage): void {
    const t = this.clock.now(this.deps.timers.now());
    const host = this.stage?.slots[0]?.name ?? '';
    switch (n.type) {
      case 'unreachable':
        this.sink({ type: 'shell', t, host, kind: 'unreachable', dst: n.dst, detail: `host unreachable: no host ${n.dst} in this room` });
        return;
      case 'dropped':
        this.sink({ type: 'shell', t, host, kind: 'relay-dropped', detail: `the relay dropped our segment (${n.reason}): ${n.detail}` });
        return;
      case 'error':
        this.sink({ type: 'shell', t, host, kind: 'relay-error', detail: `the relay did not understand us: ${n.detail}` });
        return;
    }
  }

  private teardown(): void {
    this.link?.stop('left the room');
    this.link = null;
    this.stage?.dispose();
    this.stage = null;
    this.join_ = null;
    this.relayHostnames.clear();
    this.currentMode = 'idle';
  }
}
