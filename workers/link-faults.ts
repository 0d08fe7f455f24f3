// Fault injection for the worker's one real link, built on the core's netem-like FaultInjector
// (workers/tcp/sim/faults.ts): one injector per direction, each with its own seeded stream, and
// a delay line per direction for what the injector hands back "for later" (delay, jitter,
// bandwidth). The injector knows nothing of clocks; this adapter keeps packets until their stack
// time comes and tells the owner when that is (nextDeadline), so the owner's single timer covers it.
//
// Every fault the injector applies becomes a `type: 'fault'` trace event with host and direction.

import { createSeededRandom } from './tcp/random.ts';
import type { TraceEvent } from './tcp/trace.ts';
import { EventQueue, type Queued } from './tcp/sim/event-queue.ts';
import { FaultInjector, type FaultEvent } from './tcp/sim/faults.ts';
import type { ConfigResult, FaultConfig } from './tcp/sim/fault-config.ts';
import type { FaultRule, RuleResult } from './tcp/sim/fault-rules.ts';
import type { FaultDirection, FaultDirectionStatus } from './api.ts';

export interface LinkFaultsOptions {
  /** Seeds both directions (each gets its own stream derived from it). */
  seed: number;
  /** The host's dotted address, for trace events. */
  host: () => string;
  /** Receives each fault as a trace event. */
  trace: (event: TraceEvent) => void;
  /** A packet that made it through the outgoing side: put it on the wire. */
  send: (packet: Uint8Array) => void;
  /** A packet that made it through the incoming side: give it to the host. */
  receive: (packet: Uint8Array, now: number) => void;
}

class Pending implements Queued {
  time = 0;
  seq = 0;
  pos = -1;
  constructor(readonly packet: Uint8Array) {}
}

/** One direction: injector and delay line. */
class Direction {
  readonly injector: FaultInjector;
  private readonly line = new EventQueue<Pending>();
  private now = 0;

  constructor(
    seed: number,
    dir: FaultDirection,
    options: LinkFaultsOptions,
    private readonly out: (packet: Uint8Array, now: number) => void,
  ) {
    this.injector = new FaultInjector({
      random: createSeededRandom(directionSeed(seed, dir)),
      deliver: (packet, at) => {
        // Due now: straight on (keeps the common no-delay path free of the queue).
        if (at <= this.now) this.out(packet, this.now);
        else this.line.schedule(new Pending(packet), at);
      },
      onFault: (ev: FaultEvent) =>
        options.trace({ type: 'fault', t: ev.t, host: options.host(), dir, fault: ev.fault, bytes: ev.bytes, detail: ev.detail }),
    });
  }

  process(packet: Uint8Array, now: number): void {
    this.now = now;
    this.injector.process(packet, now);
  }

  /** Release reorder-held packets whose time came, then deliver what the delay line has due. */
  poll(now: number): void {
    this.now = now;
    this.injector.poll(now);
    for (let p = this.line.peek(); p !== undefined && p.time <= now; p = this.line.peek()) {
      this.line.pop();
      this.out(p.packet, now);
    }
  }

  nextDeadline(): number | null {
    const a = this.injector.nextDeadline();
    const b = this.line.peek()?.time ?? null;
    if (a === null) return b;
    if (b === null) return a;
    return Math.min(a, b);
  }

  get delayed(): number {
    return this.line.size;
  }
}

export class LinkFaults {
  readonly seed: number;
  private readonly dirs: Record<FaultDirection, Direction>;

  constructor(options: LinkFaultsOptions) {
    this.seed = options.seed >>> 0;
    this.dirs = {
      out: new Direction(this.seed, 'out', options, (p) => options.send(p)),
      in: new Direction(this.seed, 'in', options, (p, now) => options.receive(p, now)),
    };
  }

  injector(dir: FaultDirection): FaultInjector {
    return this.dirs[dir].injector;
  }

  /** Offer a packet to one direction at stack time `now`. */
  process(dir: FaultDirection, packet: Uint8Array, now: number): void {
    this.dirs[dir].process(packet, now);
  }

  poll(now: number): void {
    this.dirs.out.poll(now);
    this.dirs.in.poll(now);
  }

  /** The earliest stack time poll() has work to do, or null. */
  nextDeadline(): number | null {
    const a = this.dirs.out.nextDeadline();
    const b = this.dirs.in.nextDeadline();
    if (a === null) return b;
    if (b === null) return a;
    return Math.min(a, b);
  }

  setConfig(dir: FaultDirection, config: FaultConfig): ConfigResult {
    return this.dirs[dir].injector.setConfig(config);
  }

  addRule(dir: FaultDirection, rule: FaultRule, now: number): RuleResult {
    return this.dirs[dir].injector.addRule(rule, now);
  }

  removeRule(dir: FaultDirection, id: number): boolean {
    return this.dirs[dir].injector.removeRule(id);
  }

  clearRules(dir: FaultDirection): void {
    this.dirs[dir].injector.clearRules();
  }

  status(dir: FaultDirection): FaultDirectionStatus {
    return injectorStatus(this.dirs[dir].injector);
  }

  /** Packets waiting in the delay lines (both directions). */
  get delayed(): number {
    return this.dirs.out.delayed + this.dirs.in.delayed;
  }
}

/** A structured-clone-safe snapshot of one injector (shared with offline mode). */
export function injectorStatus(injector: FaultInjector): FaultDirectionStatus {
  return {
    config: { ...injector.config },
    // ArmedRule objects are live and hold Infinity bounds, which clone fine; copy them anyway.
    rules: injector.rules().map((r) => ({ ...r })),
    counters: injector.counters(),
    reorderHeld: injector.heldCount,
  };
}

/** Independent streams per direction, so enabling faults one way does not shift the other's. */
export function directionSeed(seed: number, dir: FaultDirection): number {
  const salt = dir === 'out' ? 0x1b873593 : 0x5bd1e995;
  return (seed ^ Math.imul(salt, 0x9e3779b1)) >>> 0;
}
