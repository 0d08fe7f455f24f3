// The workshop's glue, without DOM: the worker (a comlink Remote<EndpointApi & WorkshopApi>, or any
// object with the same methods, sync or async) on one side, an ExerciseSession on the other.
//
//   const c = new WorkshopController(api, { store });
//   c.subscribe((snap) => render(snap));
//   c.setIdentity(room, hostName);      // loads saved progress (IndexedDB) and re-ticks from it
//   c.selectExercise('handshake');
//   await c.applySetup();               // the exercise's setup, call by call, through the worker
//   c.push(update.records);             // every trace batch, in order
//   c.setLink(update.link);             // relay mode: status goes to the room's teachers
//
// Why it exists: the elements stay pure views, the app shell mounts one element, and the tests
// drive this with a fake worker.
import type { ApiResult, FaultDirection, LinkState, Mode, OfflineOptions, TraceRecord } from '../../workers/api.ts';
import type { HostStatus } from '../../relay/protocol/messages.ts';
import type { StackSettings } from '../../workers/tcp/settings.ts';
import type { FaultConfig } from '../../workers/tcp/sim/fault-config.ts';
import type { FaultRule } from '../../workers/tcp/sim/fault-rules.ts';
import type { CheckStatus, Exercise, Pack, Progress, SetupAction } from '../exercises/index.ts';
import { builtinPack, planSetup } from '../exercises/index.ts';
import { ExerciseSession } from './exercise-session.ts';
import type { ProgressStore } from './progress-store.ts';

type Awaitable<T> = T | Promise<T>;

/** The worker calls the workshop makes. Remote<EndpointApi & WorkshopApi> fits. */
export interface WorkshopWorker {
  mode(): Awaitable<Mode>;
  startOffline(options?: OfflineOptions): Awaitable<ApiResult<unknown>>;
  configure(settings: Partial<StackSettings>, host?: number): Awaitable<ApiResult<unknown>>;
  setFaults(dir: FaultDirection, config: FaultConfig, host?: number): Awaitable<ApiResult<unknown>>;
  addRule(dir: FaultDirection, rule: FaultRule, host?: number): Awaitable<ApiResult<unknown>>;
  setHold(on: boolean, host?: number): Awaitable<ApiResult<unknown>>;
  publishStatus(status: HostStatus): Awaitable<ApiResult<void>>;
}

/** In a partner exercise, which role this tab plays: its own (`you`) or the other end's (`peer`). */
export type Side = 'you' | 'peer';

export interface SetupCallReport {
  /** "configure", "setFaults out", "addRule in", "setHold", "startOffline". */
  call: string;
  /** Local host index it ran on. */
  host: number;
  ok: boolean;
  /** The worker's message when it refused. */
  message?: string;
}

export interface SetupReport {
  exerciseId: string;
  /** What ran, in order. */
  calls: SetupCallReport[];
  /** Every call was accepted. */
  ok: boolean;
  /** Plain words for the student: what was done, or what was refused and why. */
  summary: string;
}

export interface WorkshopSnapshot {
  pack: Pack;
  progress: Progress;
  exercise: Exercise | null;
  checks: CheckStatus[];
  hintsOpened: number;
  side: Side;
  /** The last Set up / Arm and how it went; null before any. */
  setup: SetupReport | null;
  /** A setup is running. */
  busy: boolean;
  /** Saving progress failed (shown, never thrown: the session goes on in memory). */
  storeError: string | null;
}

export interface ControllerOptions {
  store?: ProgressStore;
  pack?: Pack;
  /** Minimum ms between two status publications (the relay coalesces too). Default 300. */
  publishEveryMs?: number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class WorkshopController {
  private session: ExerciseSession;
  private packValue: Pack;
  private side: Side = 'you';
  private setupReport: SetupReport | null = null;
  private busy = false;
  private storeError: string | null = null;
  private identity: { room: string; host: string } | null = null;
  private link: LinkState = { status: 'idle' };
  private readonly listeners = new Set<(s: WorkshopSnapshot) => void>();
  private saving: Promise<void> = Promise.resolve();
  private publishTimer: unknown = null;
  private lastPublish = -Infinity;
  private readonly publishEveryMs: number;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private readonly store: ProgressStore | null;

  constructor(
    private api: WorkshopWorker | null,
    options: ControllerOptions = {},
  ) {
    this.packValue = options.pack ?? builtinPack();
    this.store = options.store ?? null;
    this.now = options.now ?? Date.now;
    this.publishEveryMs = options.publishEveryMs ?? 300;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
    this.session = new ExerciseSession(this.packValue, undefined, this.now);
  }

  setApi(api: WorkshopWorker | null): void {
    this.api = api;
  }

  // --- what the element reads -----------------------------------------------------------------

  snapshot(): WorkshopSnapshot {
    return {
      pack: this.packValue,
      progress: this.session.progress,
      exercise: this.session.exercise,
      checks: this.session.status(),
      hintsOpened: this.session.hintsOpened,
      side: this.side,
      setup: this.setupReport,
      busy: this.busy,
      storeError: this.storeError,
    };
  }

  /** Called with a fresh snapshot after every change; returns the unsubscribe function. */
  subscribe(listener: (s: WorkshopSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The relay status payload (ExerciseSession.toStatus()). */
  toStatus(): HostStatus {
    return this.session.toStatus();
  }

  // --- identity and persistence ---------------------------------------------------------------

  /**
   * Whose progress this is. Loads what the store has for it and merges it in (restored items
   * tick at once); from then on every change is saved there.
   */
  async setIdentity(room: string, host: string): Promise<void> {
    if (this.identity?.room === room && this.identity.host === host) return;
    // Progress made before any identity was known joins the first one; a later change of room or
    // name starts from that identity's own record instead of carrying the old one over.
    const replace = this.identity !== null;
    this.identity = { room, host };
    if (this.store === null) return;
    try {
      const saved = await this.store.load(room, host);
      if (this.identity?.room !== room || this.identity.host !== host) return; // changed meanwhile
      this.session.adoptProgress(saved, replace);
      this.changed();
      this.persist(); // what was done before the identity was known is saved too
    } catch (e) {
      this.storeError = `Progress could not be loaded: ${message(e)}`;
      this.changed();
    }
  }

  /** Resolves when every save started so far has finished (tests, and before unload). */
  flush(): Promise<void> {
    return this.saving;
  }

  private persist(): void {
    const id = this.identity;
    const store = this.store;
    if (id === null || store === null) return;
    const progress = this.session.progress;
    // Saves run one after another: each merges with the last, so none is lost.
    this.saving = this.saving.then(async () => {
      try {
        await store.save(id.room, id.host, progress);
        if (this.storeError !== null) {
          this.storeError = null;
          this.changed();
        }
      } catch (e) {
        this.storeError = `Progress could not be saved: ${message(e)}`;
        this.changed();
      }
    });
  }

  // --- pack and exercise ----------------------------------------------------------------------

  loadPack(pack: Pack): void {
    this.packValue = pack;
    this.session.usePack(pack);
    this.setupReport = null;
    this.changed();
    this.schedulePublish();
  }

  /** Open an exercise of the pack (false when the id is not in it). */
  selectExercise(id: string): boolean {
    const ex = this.packValue.exercises.find((e) => e.id === id);
    if (ex === undefined) return false;
    if (this.session.exercise?.id !== id) {
      this.session.start(ex);
      this.setupReport = null;
    }
    this.changed();
    this.schedulePublish();
    return true;
  }

  setSide(side: Side): void {
    this.side = side;
    this.changed();
  }

  openHint(): number {
    const n = this.session.openHint(this.session.hintsOpened);
    this.persist();
    this.changed();
    return n;
  }

  /** Start the open exercise over (saved as a reset: a higher epoch wins merges). */
  resetExercise(): void {
    this.session.reset();
    this.persist();
    this.changed();
    this.schedulePublish();
  }

  // --- setup through the worker ---------------------------------------------------------------

  /**
   * Apply the open exercise's setup: offline exercises first get two fresh hosts in this tab;
   * then planSetup's calls run in order (`you` on host 0; `peer` on host 1 offline, on this tab
   * when it plays the partner's side, not at all for bots, whose setup is fixed).
   * A refused call is reported with the worker's message; the others still run.
   */
  async applySetup(): Promise<SetupReport> {
    const ex = this.session.exercise;
    if (ex === null) return this.finish({ exerciseId: '', calls: [], ok: false, summary: 'Choose an exercise first.' });
    return this.run(ex, true, planSetup(ex.setup));
  }

  /** Apply step `step`'s switch (Arm): same routing as applySetup, without restarting anything. */
  async arm(step: number): Promise<SetupReport> {
    const ex = this.session.exercise;
    const apply = ex?.steps[step]?.apply;
    if (ex === null || apply === undefined) {
      return this.finish({ exerciseId: ex?.id ?? '', calls: [], ok: false, summary: 'This step has nothing to switch on.' });
    }
    return this.run(ex, false, planSetup(apply));
  }

  private async run(ex: Exercise, fresh: boolean, plan: { you: SetupAction[]; peer: SetupAction[] }): Promise<SetupReport> {
    const api = this.api;
    if (api === null) return this.finish({ exerciseId: ex.id, calls: [], ok: false, summary: 'Not connected to the TCP worker yet.' });
    this.busy = true;
    this.changed();
    const calls: SetupCallReport[] = [];
    try {
      const batches: [SetupAction[], number][] = [];
      if (ex.needs === 'offline') {
        if (fresh) calls.push(await this.call('startOffline', 0, () => api.startOffline({ hosts: 2 })));
        batches.push([plan.you, 0], [plan.peer, 1]);
      } else if (ex.needs === 'partner') {
        batches.push([this.side === 'you' ? plan.you : plan.peer, 0]);
      } else {
        batches.push([plan.you, 0]);
      }
      if (calls.every((c) => c.ok)) {
        for (const [actions, host] of batches) for (const a of actions) calls.push(await this.action(api, a, host));
      }
    } finally {
      this.busy = false;
    }
    const refused = calls.filter((c) => !c.ok);
    const summary =
      refused.length > 0
        ? refused.map((c) => `${c.call} on host ${c.host + 1} was refused: ${c.message ?? 'no reason given'}`).join('\n')
        : calls.length === 0
          ? 'Nothing to set up: the defaults are right for this exercise.'
          : `Done: ${calls.map((c) => c.call).join(', ')}.`;
    return this.finish({ exerciseId: ex.id, calls, ok: refused.length === 0, summary });
  }

  private finish(report: SetupReport): SetupReport {
    this.setupReport = report;
    this.changed();
    return report;
  }

  private action(api: WorkshopWorker, a: SetupAction, host: number): Promise<SetupCallReport> {
    switch (a.call) {
      case 'configure':
        return this.call('configure', host, () => api.configure(a.settings, host));
      case 'setFaults':
        return this.call(`setFaults ${a.dir}`, host, () => api.setFaults(a.dir, a.config, host));
      case 'addRule':
        return this.call(`addRule ${a.dir}`, host, () => api.addRule(a.dir, a.rule, host));
      case 'setHold':
        return this.call(a.on ? 'setHold on' : 'setHold off', host, () => api.setHold(a.on, host));
    }
  }

  private async call(call: string, host: number, fn: () => Awaitable<ApiResult<unknown>>): Promise<SetupCallReport> {
    try {
      const r = await fn();
      return r.ok ? { call, host, ok: true } : { call, host, ok: false, message: r.error.message };
    } catch (e) {
      // A rejected call is a bug or a dead worker; still a sentence for the student.
      return { call, host, ok: false, message: message(e) };
    }
  }

  // --- the live trace and the relay -----------------------------------------------------------

  /** Feed a batch of trace records (WorkerUpdate.records), in order. */
  push(records: readonly TraceRecord[]): void {
    if (records.length === 0) return;
    const ticked = this.session.push(records);
    // The snapshot changes only when an item ticks; re-rendering the workshop for every batch of
    // a bulk transfer (several a frame) cost the page as much as taking the batch itself.
    if (ticked.length > 0) {
      this.persist();
      this.changed();
    }
    this.schedulePublish();
  }

  /** The link state (WorkerUpdate.link): status is published only while joined to a room. */
  setLink(link: LinkState): void {
    const wasJoined = this.link.status === 'joined';
    this.link = link;
    if (link.status === 'joined' && !wasJoined) this.schedulePublish();
  }

  /** Publish toStatus() now if the last one is old enough, else once the interval is over. */
  private schedulePublish(): void {
    if (this.link.status !== 'joined' || this.api === null || this.publishTimer !== null) return;
    const wait = Math.max(0, this.lastPublish + this.publishEveryMs - this.now());
    this.publishTimer = this.setTimer(() => {
      this.publishTimer = null;
      this.publishNow();
    }, wait);
  }

  private publishNow(): void {
    const api = this.api;
    if (this.link.status !== 'joined' || api === null) return;
    this.lastPublish = this.now();
    // EMODE (left the room meanwhile) is harmless: the next join publishes again.
    try {
      void Promise.resolve(api.publishStatus(this.session.toStatus())).catch(() => undefined);
    } catch {
      // A dead worker: nothing to tell the teacher until it is back.
    }
  }

  /** Stop the publish timer (the element calls this when it leaves the page). */
  dispose(): void {
    if (this.publishTimer !== null) this.clearTimer(this.publishTimer);
    this.publishTimer = null;
    this.listeners.clear();
  }

  private changed(): void {
    if (this.listeners.size === 0) return;
    const snap = this.snapshot();
    for (const l of this.listeners) l(snap);
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
