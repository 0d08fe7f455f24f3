// Offline mode: no relay. The tab runs two or more hosts of its own on the core's simulated
// network (workers/tcp/sim/network.ts), driven in real time scaled by the stack clock, so a
// student alone can open a connection between two hosts and watch both ends.
//
// The simulated network keeps virtual time; here virtual time IS stack time. A timer runs the
// network up to the stack clock's "now" (runUntil), then sleeps until the next thing due. Each
// host's link has the simulator's own fault injectors (per direction, seeded from the network
// seed), so faults work as in relay mode. Hold works through HostSlot, which sits between each
// host and the network as its Endpoint.
//
// One real-time timer sleeps until the network's next scheduled event (SimNetwork.nextEventTime:
// a delivery, a host's timer or an injector's release), converted by the stack clock.

import { createHost } from './tcp/host.ts';
import { createSeededRandom } from './tcp/random.ts';
import type { StackSettings } from './tcp/settings.ts';
import type { TraceEvent } from './tcp/trace.ts';
import { createSimNetwork, type SimHost, type SimNetwork } from './tcp/sim/network.ts';
import type { FaultDirection, ShellEvent, StepResult } from './api.ts';
import { HostSlot, type HostSlotHooks } from './host-slot.ts';
import { injectorStatus } from './link-faults.ts';
import type { StackClock } from './stack-clock.ts';
import type { FaultControls, Stage } from './stage.ts';
import type { TimerHandle, Timers } from './timers.ts';

export const MIN_OFFLINE_HOSTS = 2;
export const MAX_OFFLINE_HOSTS = 8;
export const DEFAULT_OFFLINE_LATENCY = 5;
/** Real ms between runs while packets are in flight. */
/** Events per run: a guard against a host that never goes quiet within one tick. */
const MAX_STEPS_PER_RUN = 200_000;
/** Steps one step() may take looking for something a host sees. */
const MAX_STEPS_PER_STEP = 10_000;

export interface OfflineStageOptions {
  hosts: number;
  latency: number;
  seed: number;
  settings?: Partial<StackSettings>;
  clock: StackClock;
  timers: Timers;
  hooks: HostSlotHooks;
  trace: (event: TraceEvent | ShellEvent) => void;
}

export function offlineAddress(index: number): string {
  return `10.0.0.${index + 1}`;
}

export class OfflineStage implements Stage {
  readonly kind = 'offline' as const;
  readonly slots: HostSlot[] = [];
  readonly net: SimNetwork;
  readonly seed: number;
  private readonly sim: SimHost[] = [];
  private readonly clock: StackClock;
  private readonly timers: Timers;
  private timer: TimerHandle | null = null;
  /** Real time the armed timer fires. */
  private armedAt = Infinity;
  private disposed = false;
  /** Real time until which the simulated network waits for the page to draw (yieldUntil). */
  private yieldEnd = -Infinity;

  private constructor(o: OfflineStageOptions) {
    this.clock = o.clock;
    this.timers = o.timers;
    this.seed = o.seed >>> 0;
    this.net = createSimNetwork({ seed: this.seed, trace: o.trace });
  }

  static create(o: OfflineStageOptions): { ok: true; stage: OfflineStage } | { ok: false; reason: string } {
    if (!Number.isInteger(o.hosts) || o.hosts < MIN_OFFLINE_HOSTS || o.hosts > MAX_OFFLINE_HOSTS) {
      return { ok: false, reason: `offline mode runs ${MIN_OFFLINE_HOSTS} to ${MAX_OFFLINE_HOSTS} hosts, not ${String(o.hosts)}` };
    }
    const stage = new OfflineStage(o);
    // The network's clock starts where the stack clock is, so trace times run on from earlier runs.
    stage.net.runUntil(o.clock.now(o.timers.now()));
    for (let i = 0; i < o.hosts; i++) {
      const made = createHost({
        address: offlineAddress(i),
        random: createSeededRandom((stage.seed + Math.imul(i + 1, 0x9e3779b1)) >>> 0),
        ...(o.settings === undefined ? {} : { settings: o.settings }),
        trace: o.trace,
      });
      if (!made.ok) return { ok: false, reason: made.reason };
      const slot = new HostSlot(i, made.value, o.hooks);
      const added = stage.net.addHost(slot, { latency: o.latency });
      if (!added.ok) return { ok: false, reason: added.reason };
      stage.slots.push(slot);
      stage.sim.push(added.host);
    }
    return { ok: true, stage };
  }

  call<T>(index: number, fn: (slot: HostSlot, now: number) => T): T {
    const slot = this.slots[index];
    const sim = this.sim[index];
    if (slot === undefined || sim === undefined) throw new RangeError(`no local host ${index}`);
    const now = this.advance();
    slot.at(now);
    try {
      return fn(slot, now);
    } finally {
      this.net.kick(sim);
      // What is due right away (zero latency) happens now, not a tick later.
      this.advance();
      this.arm();
    }
  }

  faults(index: number): FaultControls {
    const sim = this.sim[index];
    if (sim === undefined) throw new RangeError(`no local host ${index}`);
    const net = this.net;
    const stage = this;
    return {
      setConfig(dir: FaultDirection, config) {
        stage.advance();
        const r = net.setFaults(sim, dir, config);
        stage.arm();
        return r;
      },
      addRule(dir: FaultDirection, rule) {
        stage.advance();
        return net.addRule(sim, dir, rule);
      },
      removeRule: (dir, id) => sim[dir].removeRule(id),
      clearRules: (dir) => sim[dir].clearRules(),
      status: () => ({ seed: this.seed, out: injectorStatus(sim.out), in: injectorStatus(sim.in) }),
    };
  }

  clockChanged(): void {
    if (this.disposed) return;
    this.cancel();
    this.arm();
  }

  step(): StepResult {
    const before = this.net.stats();
    let steps = 0;
    // Network-internal events (a packet reaching the switch, a reorder release) are invisible
    // to the hosts: keep going until a host got a packet or a timer fired.
    for (; steps < MAX_STEPS_PER_STEP; steps++) {
      if (!this.net.step()) break;
      const s = this.net.stats();
      if (s.delivered !== before.delivered || s.polls !== before.polls) break;
    }
    const real = this.timers.now();
    this.clock.advanceTo(this.net.now, real);
    const now = this.clock.now(real);
    const after = this.net.stats();
    if (after.delivered !== before.delivered) return { kind: 'packet', stack: now, detail: `a segment reached its host at t=${round(now)} ms` };
    if (after.polls !== before.polls) return { kind: 'timer', stack: now, detail: `a host timer fired at t=${round(now)} ms` };
    return { kind: 'idle', stack: now, detail: steps === 0 ? 'nothing is waiting: no packet, no timer' : 'only the network moved' };
  }

  dispose(): void {
    this.disposed = true;
    this.cancel();
  }

  /** Run the network up to the stack clock's now; returns the network's time. */
  private advance(): number {
    // Paused: nothing moves, not even what is due at this very instant; step() or resume does it.
    if (this.clock.paused) return this.net.now;
    const t = this.clock.now(this.timers.now());
    if (t > this.net.now || this.net.pending > 0) this.net.runUntil(t, { maxSteps: MAX_STEPS_PER_RUN });
    return this.net.now;
  }

  private arm(): void {
    if (this.disposed || this.clock.paused) return;
    // Sleep until the network's next event (a delivery or any timer), in real time.
    this.net.kick();
    const next = this.net.nextEventTime;
    if (next === null) return;
    const delay = this.clock.realDelay(next, this.timers.now());
    if (delay === null) return;
    const real = this.timers.now();
    // While the page draws, nothing due runs before the yield ends (it runs late, as a burst).
    const wait = Math.max(delay, this.yieldEnd - real);
    // An armed timer due no later is kept: when it fires it re-evaluates everything anyway.
    if (this.timer !== null && this.armedAt <= real + wait) return;
    this.cancel();
    const ms = Math.ceil(Math.min(wait, 2 ** 31 - 1));
    this.armedAt = real + ms;
    this.timer = this.timers.setTimeout(() => this.onTimer(), ms);
  }

  private onTimer(): void {
    this.timer = null;
    this.armedAt = Infinity;
    if (this.disposed || this.clock.paused) return;
    if (this.timers.now() < this.yieldEnd) {
      this.arm();
      return;
    }
    this.advance();
    this.arm();
  }

  yieldUntil(until: number): void {
    if (this.disposed || until <= this.timers.now()) return;
    this.yieldEnd = until;
    // A timer armed earlier finds the yield on and waits out the rest.
  }

  endYield(): void {
    if (this.yieldEnd === -Infinity) return;
    this.yieldEnd = -Infinity;
    if (this.disposed || this.clock.paused) return;
    this.cancel();
    this.advance();
    this.arm();
  }

  private cancel(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.armedAt = Infinity;
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
