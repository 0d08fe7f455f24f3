// Relay mode: one host, a real clock, and the relay link as its wire.
//
//   host → hold gate (HostSlot) → outgoing faults → link.send()
//   link frame → [inbox while paused | waiting while the page draws] → incoming faults → host.input()
//
// Time: the stack clock turns real time into stack time (factor, pause). ONE timer is armed at
// the earliest of the host's next deadline and the fault injectors' (delay line, reorder
// release), converted to real time; it is re-armed after every input, call and clock change.

import type { TraceEvent } from './tcp/trace.ts';
import type { ConfigResult, FaultConfig } from './tcp/sim/fault-config.ts';
import type { FaultRule, RuleResult } from './tcp/sim/fault-rules.ts';
import type { FaultDirection, FaultStatus, ShellEvent, StepResult } from './api.ts';
import type { Host } from './tcp/host.ts';
import { HostSlot, type HostSlotHooks } from './host-slot.ts';
import { LinkFaults } from './link-faults.ts';
import type { StackClock } from './stack-clock.ts';
import type { FaultControls, Stage } from './stage.ts';
import type { TimerHandle, Timers } from './timers.ts';
import type { SendResult } from './relay-link.ts';

/** Frames kept while paused; later ones are dropped (and traced). */
export const MAX_PAUSED_INBOX = 10_000;

export interface RelayStageOptions {
  host: Host;
  hooks: HostSlotHooks;
  clock: StackClock;
  timers: Timers;
  /** Seeds the fault injectors. */
  seed: number;
  trace: (event: TraceEvent | ShellEvent) => void;
  /** Put a frame on the relay link. */
  transmit: (frame: Uint8Array) => SendResult;
}

export class RelayStage implements Stage {
  readonly kind = 'relay' as const;
  readonly slots: readonly HostSlot[];
  readonly linkFaults: LinkFaults;
  private readonly slot: HostSlot;
  private readonly clock: StackClock;
  private readonly timers: Timers;
  private readonly trace: (event: TraceEvent | ShellEvent) => void;
  private readonly transmit: (frame: Uint8Array) => SendResult;
  /** Frames that arrived while the clock was paused, oldest first. */
  private readonly inbox: Uint8Array[] = [];
  private timer: TimerHandle | null = null;
  /** Stack deadline the timer was armed for. */
  private armedFor = Infinity;
  private disposed = false;
  /** Real time until which arriving frames wait for the page to draw (yieldUntil). */
  private yieldEnd = -Infinity;
  private yieldTimer: TimerHandle | null = null;
  /** Frames that arrived while yielding, oldest first. */
  private readonly yielded: Uint8Array[] = [];

  constructor(o: RelayStageOptions) {
    this.slot = new HostSlot(0, o.host, o.hooks);
    this.slots = [this.slot];
    this.clock = o.clock;
    this.timers = o.timers;
    this.trace = o.trace;
    this.transmit = o.transmit;
    this.linkFaults = new LinkFaults({
      seed: o.seed,
      host: () => this.slot.name,
      trace: o.trace,
      send: (p) => this.send(p),
      receive: (p, now) => this.slot.input(p, now),
    });
  }

  /** Frames waiting for the clock to run again. */
  get waiting(): number {
    return this.inbox.length;
  }

  /** A frame from the relay. */
  receive(frame: Uint8Array): void {
    if (this.disposed) return;
    if (this.clock.paused) {
      // The peer is not paused: bound what piles up, like a NIC's receive ring.
      if (this.inbox.length >= MAX_PAUSED_INBOX) {
        this.trace({
          type: 'shell',
          t: this.clock.now(this.timers.now()),
          host: this.slot.name,
          kind: 'paused-overflow',
          detail: `segment dropped: ${MAX_PAUSED_INBOX} segments already wait for the paused clock`,
          bytes: frame,
        });
        return;
      }
      this.inbox.push(frame);
      return;
    }
    if (this.yieldEnd > -Infinity) {
      if (this.timers.now() < this.yieldEnd && this.yielded.length < MAX_PAUSED_INBOX) {
        this.yielded.push(frame);
        return;
      }
      this.endYield();
    }
    const now = this.advance();
    this.linkFaults.process('in', frame, now);
    this.settle(now);
  }

  yieldUntil(until: number): void {
    if (this.disposed || until <= this.timers.now()) return;
    if (this.yieldTimer !== null) this.timers.clearTimeout(this.yieldTimer);
    this.yieldEnd = until;
    this.yieldTimer = this.timers.setTimeout(() => this.endYield(), Math.ceil(until - this.timers.now()));
  }

  endYield(): void {
    if (this.yieldTimer !== null) this.timers.clearTimeout(this.yieldTimer);
    this.yieldTimer = null;
    this.yieldEnd = -Infinity;
    if (this.disposed || this.yielded.length === 0) return;
    const frames = this.yielded.splice(0);
    if (this.clock.paused) {
      // Paused meanwhile: they wait for the clock like any frame that arrives now.
      for (const f of frames) this.receive(f);
      return;
    }
    const now = this.advance();
    for (const frame of frames) this.linkFaults.process('in', frame, now);
    this.settle(now);
  }

  call<T>(index: number, fn: (slot: HostSlot, now: number) => T): T {
    if (index !== 0) throw new RangeError(`relay mode has one host (index 0), not ${index}`);
    const now = this.advance();
    this.slot.at(now);
    try {
      return fn(this.slot, now);
    } finally {
      this.settle(now);
    }
  }

  faults(index: number): FaultControls {
    if (index !== 0) throw new RangeError(`relay mode has one host (index 0), not ${index}`);
    const lf = this.linkFaults;
    const stage = this;
    return {
      setConfig(dir: FaultDirection, config: FaultConfig): ConfigResult {
        const r = lf.setConfig(dir, config);
        stage.rearm();
        return r;
      },
      addRule(dir: FaultDirection, rule: FaultRule): RuleResult {
        return lf.addRule(dir, rule, stage.clock.now(stage.timers.now()));
      },
      removeRule: (dir, id) => lf.removeRule(dir, id),
      clearRules: (dir) => lf.clearRules(dir),
      status(): FaultStatus {
        return { seed: lf.seed, out: lf.status('out'), in: lf.status('in') };
      },
    };
  }

  clockChanged(): void {
    if (this.disposed) return;
    // The armed timer's real delay was computed with the old factor: drop it and arm afresh.
    this.cancel();
    if (!this.clock.paused && this.inbox.length > 0) {
      const now = this.advance();
      for (const frame of this.inbox.splice(0)) this.linkFaults.process('in', frame, now);
      this.settle(now);
      return;
    }
    this.rearm();
  }

  step(): StepResult {
    const real = this.timers.now();
    const frame = this.inbox.shift();
    if (frame !== undefined) {
      const now = this.clock.now(real);
      this.slot.at(now);
      this.linkFaults.process('in', frame, now);
      this.settle(now);
      return { kind: 'packet', stack: now, detail: `handled a segment that arrived while paused (${this.inbox.length} more waiting)` };
    }
    const deadline = this.nextDeadline();
    if (deadline === null) return { kind: 'idle', stack: this.clock.now(real), detail: 'nothing is waiting: no packet, no timer' };
    const hostDue = this.slot.nextDeadline() === deadline;
    this.clock.advanceTo(deadline, real);
    const now = this.clock.now(real);
    this.fire(now);
    return {
      kind: 'timer',
      stack: now,
      detail: hostDue ? `jumped to the host's next timer at t=${round(now)} ms` : `jumped to the link's next delivery at t=${round(now)} ms`,
    };
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    if (this.yieldTimer !== null) this.timers.clearTimeout(this.yieldTimer);
    this.yieldTimer = null;
    this.inbox.length = 0;
    this.yielded.length = 0;
  }

  /** Stack time now, with everything due by then done (timers run a little late, never early). */
  private advance(): number {
    const now = this.clock.now(this.timers.now());
    const d = this.nextDeadline();
    if (d !== null && d <= now) this.fire(now);
    return now;
  }

  private fire(now: number): void {
    this.linkFaults.poll(now);
    const d = this.slot.nextDeadline();
    if (d !== null && d <= now) this.slot.poll(now);
    else this.slot.at(now);
    this.flush();
  }

  private settle(now: number): void {
    this.slot.at(now);
    this.flush();
    this.rearm();
  }

  /** Send the host's output through the outgoing faults. */
  private flush(): void {
    const out = this.slot.takeOutput();
    if (out.length === 0) return;
    const now = this.slot.now;
    for (const p of out) this.linkFaults.process('out', p, now);
  }

  private send(frame: Uint8Array): void {
    const r = this.transmit(frame);
    if (r === 'sent') return;
    this.trace({
      type: 'shell',
      t: this.slot.now,
      host: this.slot.name,
      kind: 'not-sent',
      detail: r === 'down' ? 'segment lost: the relay link is down' : 'segment lost: the link send queue is full',
      bytes: frame,
    });
  }

  private nextDeadline(): number | null {
    const a = this.slot.nextDeadline();
    const b = this.linkFaults.nextDeadline();
    if (a === null) return b;
    if (b === null) return a;
    return Math.min(a, b);
  }

  /**
   * Arm the one timer. An armed timer that is due no later than the new deadline is kept (it
   * re-checks when it fires): a busy connection moves its retransmission deadline on every ACK,
   * and clearing and setting a timer per packet would cost more than the occasional early wake-up.
   */
  private rearm(): void {
    if (this.disposed) return;
    const deadline = this.nextDeadline();
    if (deadline === null || this.clock.paused) {
      this.cancel();
      return;
    }
    if (this.timer !== null && this.armedFor <= deadline) return;
    this.cancel();
    const real = this.timers.now();
    const delay = this.clock.realDelay(deadline, real);
    if (delay === null) return;
    this.armedFor = deadline;
    this.timer = this.timers.setTimeout(() => this.onTimer(), Math.ceil(delay));
  }

  private onTimer(): void {
    this.timer = null;
    this.armedFor = Infinity;
    if (this.disposed || this.clock.paused) return;
    const now = this.clock.now(this.timers.now());
    this.fire(now);
    this.settle(now);
  }

  private cancel(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = Infinity;
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
