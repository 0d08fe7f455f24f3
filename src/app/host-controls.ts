// The local hosts of this tab and what the user sets on them: listening ports and accept queues
// (as the socket views report them), faults and rules, the hold queue, and the stack clock.
// A store: the page reads `hosts` and `clock`; every change goes out through the change feed.
import type { Remote } from 'comlink';
import type { ClockState, FaultConfig, FaultDirection, FaultRule, FaultStatus, HeldPacketView, LocalHostInfo } from '../../workers/api.ts';
import type { ChangeFeed } from './change-feed.ts';
import type { NoticeCenter } from './notices.ts';
import type { WorkerApi } from './worker-client.ts';
import type { FaultActionDetail, HoldActionDetail, TimeActionDetail } from './app-events.ts';

export interface LocalHostView {
  info: LocalHostInfo;
  listening: number[];
  /** Connections waiting in accept queues (when auto-accept is off), by port. */
  waiting: Record<number, number[]>;
  hold: boolean;
  held: HeldPacketView[];
  faults: FaultStatus | null;
}

/** Rules expire and counters move as packets pass: the status is re-read this soon after faults strike. */
const FAULT_REFRESH_MS = 300;

function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export class HostControls {
  hosts: LocalHostView[] = [];
  clock: ClockState | null = null;
  private faultTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly api: Remote<WorkerApi>,
    private readonly feed: ChangeFeed,
    private readonly notices: NoticeCenter,
  ) {}

  /** The address of local host `host`, if there is one. */
  address(host: number): string | undefined {
    return this.hosts[host]?.info.address;
  }

  /** The worker's list of local hosts changed (a session started, an address was adopted). */
  hostsChanged(list: LocalHostInfo[]): void {
    this.hosts = list.map((info) => {
      const old = this.hosts.find((h) => h.info.index === info.index && h.info.address === info.address);
      return old ? { ...old, info } : { info, listening: [], waiting: {}, hold: false, held: [], faults: null };
    });
    if (list.length > 0) void this.refreshFaults();
  }

  /** The session ended: no local hosts. */
  clear(): void {
    this.hosts = [];
  }

  /** The hold queues as an update reports them, by host index. */
  heldChanged(held: readonly HeldPacketView[][]): void {
    held.forEach((list, i) => {
      const h = this.hosts[i];
      if (h) this.hosts[i] = { ...h, held: list };
    });
    this.hosts = [...this.hosts];
  }

  private patch(host: number, patch: Partial<LocalHostView>): void {
    const h = this.hosts[host];
    if (!h) return;
    this.hosts[host] = { ...h, ...patch };
    this.hosts = [...this.hosts];
  }

  /** The ports `host` listens on, as the worker said. */
  setListening(host: number, ports: number[]): void {
    if (!this.hosts[host]) return;
    this.patch(host, { listening: ports });
    this.feed.changed();
  }

  /** A connection waits to be accepted on `port` (auto-accept is off). */
  addWaiting(host: number, port: number, conn: number): void {
    const h = this.hosts[host];
    if (h) this.patch(host, { waiting: { ...h.waiting, [port]: [...(h.waiting[port] ?? []), conn] } });
  }

  /** These connections were accepted from `port`'s queue. */
  takeWaiting(host: number, port: number, got: readonly number[]): void {
    const h = this.hosts[host];
    if (h && h.waiting[port]) this.patch(host, { waiting: { ...h.waiting, [port]: h.waiting[port]!.filter((c) => !got.includes(c)) } });
  }

  // ---------------------------------------------------------------------------------------------
  // Faults
  // ---------------------------------------------------------------------------------------------

  /** A fault panel's action. */
  faultAction(d: FaultActionDetail): Promise<unknown> {
    if (d.action === 'set') return this.setFaults(d.host, d.dir, d.config);
    if (d.action === 'add-rule') return this.addRule(d.host, d.dir, d.rule);
    if (d.action === 'remove-rule') return this.removeRule(d.host, d.dir, d.id);
    return this.clearRules(d.host, d.dir);
  }

  async setFaults(host: number, dir: FaultDirection, config: FaultConfig): Promise<boolean> {
    const status = await this.notices.call(`Faults (${dir})`, this.api.setFaults(dir, config, host));
    if (status) this.setFaultStatus(host, status);
    return status !== undefined;
  }

  async addRule(host: number, dir: FaultDirection, rule: FaultRule): Promise<boolean> {
    const id = await this.notices.call('Arm rule', this.api.addRule(dir, rule, host));
    await this.refreshFaults(host);
    return id !== undefined;
  }

  async removeRule(host: number, dir: FaultDirection, id: number): Promise<void> {
    await this.notices.call('Remove rule', this.api.removeRule(dir, id, host));
    await this.refreshFaults(host);
  }

  async clearRules(host: number, dir: FaultDirection): Promise<void> {
    await this.notices.call('Clear rules', this.api.clearRules(dir, host));
    await this.refreshFaults(host);
  }

  /** Switch off every fault, rule and hold on every host: the "panic button". */
  async clearAllFaults(): Promise<void> {
    for (const h of this.hosts) {
      const i = h.info.index;
      for (const dir of ['out', 'in'] as const) {
        await this.notices.call('Faults', this.api.setFaults(dir, {}, i), true);
        await this.notices.call('Rules', this.api.clearRules(dir, i), true);
      }
      if (h.hold) await this.setHold(i, false);
    }
    await this.refreshFaults();
  }

  /** The panic button with the clock: no faults, real time, running. */
  async calmEverything(): Promise<void> {
    await this.clearAllFaults();
    if (this.clock && this.clock.factor !== 1) await this.setTimeFactor(1);
    if (this.clock?.paused) await this.resume();
  }

  private setFaultStatus(host: number, status: FaultStatus): void {
    if (!this.hosts[host]) return;
    this.patch(host, { faults: status });
    this.feed.changed();
  }

  /** Faults struck: re-read the status soon (rules expire and counters move as packets pass). */
  scheduleFaultRefresh(): void {
    if (this.faultTimer !== null) return;
    this.faultTimer = setTimeout(() => {
      this.faultTimer = null;
      void this.refreshFaults();
    }, FAULT_REFRESH_MS);
  }

  async refreshFaults(host?: number): Promise<void> {
    const targets = host === undefined ? this.hosts.map((h) => h.info.index) : [host];
    for (const i of targets) {
      const s = await this.notices.call('Fault status', this.api.faultStatus(i), true);
      if (s) this.setFaultStatus(i, s);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Hold queue
  // ---------------------------------------------------------------------------------------------

  /** A hold queue's action. */
  holdAction(d: HoldActionDetail): Promise<void> {
    switch (d.action) {
      case 'hold':
        return this.setHold(d.host, d.on);
      case 'release-all':
        return this.releaseAll(d.host);
      case 'release':
        return this.release(d.host, d.id);
      case 'drop':
        return this.dropHeld(d.host, d.id);
      case 'duplicate':
        return this.duplicateHeld(d.host, d.id);
      case 'move':
        return this.moveHeld(d.host, d.id, d.index);
    }
  }

  async setHold(host: number, on: boolean): Promise<void> {
    const list = await this.notices.call(on ? 'Hold on' : 'Hold off', this.api.setHold(on, host));
    if (list && this.hosts[host]) {
      this.patch(host, { hold: on, held: list });
      this.feed.changed();
    }
  }

  async release(host: number, id: number): Promise<void> {
    await this.notices.call(`Release #${id}`, this.api.release(id, host));
  }

  async releaseAll(host: number): Promise<void> {
    await this.notices.call('Release all', this.api.releaseAll(host));
  }

  async dropHeld(host: number, id: number): Promise<void> {
    await this.notices.call(`Drop #${id}`, this.api.dropHeld(id, host));
  }

  async duplicateHeld(host: number, id: number): Promise<void> {
    await this.notices.call(`Duplicate #${id}`, this.api.duplicateHeld(id, host));
  }

  async moveHeld(host: number, id: number, index: number): Promise<void> {
    await this.notices.call(`Move #${id}`, this.api.moveHeld(id, index, host));
  }

  // ---------------------------------------------------------------------------------------------
  // Time
  // ---------------------------------------------------------------------------------------------

  /** Stack time now, as the clock runs (for timers counting down); `fallback` before any clock. */
  stackNow(fallback: number): number {
    const c = this.clock;
    if (c === null) return fallback;
    return c.paused ? c.stack : c.stack + (nowMs() - c.real) * c.factor;
  }

  async readClock(): Promise<void> {
    this.clock = await this.api.clockState();
    this.feed.changed();
  }

  /** The time controls' action. */
  timeAction(d: TimeActionDetail): Promise<void> {
    if (d.action === 'factor') return this.setTimeFactor(d.factor);
    if (d.action === 'pause') return this.pause();
    if (d.action === 'resume') return this.resume();
    return this.step();
  }

  async setTimeFactor(factor: number): Promise<void> {
    const c = await this.notices.call('Time factor', this.api.setTimeFactor(factor));
    if (c) this.clock = c;
    this.feed.changed();
  }

  async pause(): Promise<void> {
    const c = await this.notices.call('Pause', this.api.pause());
    if (c) this.clock = c;
    this.feed.changed();
  }

  async resume(): Promise<void> {
    const c = await this.notices.call('Resume', this.api.resume());
    if (c) this.clock = c;
    this.feed.changed();
  }

  async step(): Promise<void> {
    const r = await this.notices.call('Step', this.api.step());
    if (r) this.notices.notify('info', `Step: ${r.detail}`);
  }

  dispose(): void {
    if (this.faultTimer !== null) clearTimeout(this.faultTimer);
    this.faultTimer = null;
  }
}
