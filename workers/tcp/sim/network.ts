// The simulated network: endpoints on a star of links, run on virtual time.
//
// Topology: every host hangs off one ideal switch by its own link. A packet from A to B goes
//   A's outgoing injector → A's latency → switch (routes by IPv4 destination) → B's incoming
//   injector → B's latency → B.input()
// so the one-way latency between two hosts is the sum of their link latencies, and B's incoming
// injector plays the switch's egress queue towards B (where a bandwidth limit and tail drop belong).
//
// Time only moves in the scheduler: a binary heap of packet arrivals, packet deliveries, host timer
// deadlines and injector (reorder hold) deadlines, ordered by time and then by scheduling order.
// Each host and each injector has exactly one timer entry, moved in place when its deadline
// changes; packet entries are recycled through a free list, so a long transfer allocates nothing
// per packet once warmed up.
//
// Tests drive user calls between runs (net.runUntil(t); client.write(...); net.runUntil(t2)). Every
// run call first collects output and deadlines from all hosts; kick(host) does it for one host
// without running.

import type { Endpoint } from '../endpoint.ts';
import { createSeededRandom } from '../random.ts';
import type { TraceSink } from '../trace.ts';
import { EventQueue } from './event-queue.ts';
import type { Queued } from './event-queue.ts';
import type { ConfigResult, FaultConfig } from './fault-config.ts';
import type { FaultRule, RuleResult } from './fault-rules.ts';
import { FAULT_KINDS, FaultInjector } from './faults.ts';
import type { FaultCounters, FaultEvent } from './faults.ts';
import { formatIpv4Address } from '../wire/address.ts';
import { ipv4Destination } from '../wire/peek.ts';

export type Direction = 'out' | 'in';

export interface HostOptions {
  /** Faults on packets this host sends. */
  out?: FaultConfig;
  /** Faults on packets sent to this host. */
  in?: FaultConfig;
  /** One-way propagation delay of this host's link, ms (≥ 0). Default 0. */
  latency?: number;
}

/** A host on the network: its endpoint and both directions of its link. */
export interface SimHost {
  readonly endpoint: Endpoint;
  readonly address: number;
  /** Dotted address, as used in trace events. */
  readonly name: string;
  readonly latency: number;
  /** Injector for packets this host sends (configure with setConfig/addRule). */
  readonly out: FaultInjector;
  /** Injector for packets sent to this host. */
  readonly in: FaultInjector;
}

export type AddHostResult = { ok: true; host: SimHost } | { ok: false; reason: string };

export interface RunOptions {
  /** Stop before any event later than this (virtual ms); `now` is then set to it. */
  maxTime?: number;
  /** Stop after this many events (a guard against an endpoint that never goes quiet). */
  maxSteps?: number;
}

export interface RunResult {
  /**
   * 'idle': nothing left to do; 'time': runUntil(time) reached its time; 'predicate': the condition
   * became true; 'max-time' / 'max-steps': a limit stopped the run first.
   */
  reason: 'idle' | 'time' | 'predicate' | 'max-time' | 'max-steps';
  now: number;
  /** Events handled by this call. */
  steps: number;
}

export interface NetworkStats {
  /** Packets taken from endpoints' outboxes. */
  sent: number;
  /** Packets handed to endpoints' input() (duplicates count twice). */
  delivered: number;
  /** Times an endpoint's poll() was called. */
  polls: number;
  /** Packets scheduled but not yet delivered (excludes those held by reorder). */
  inFlight: number;
  /** Packets held back by reorder faults right now. */
  held: number;
  dropped: { loss: number; rule: number; 'rate-limit': number; 'no-route': number };
  /** Fault counters summed over every link and direction. */
  faults: FaultCounters;
}

export interface SimNetworkOptions {
  /** Seeds every link's fault randomness (each link direction gets its own stream). */
  seed: number;
  /** Receives a 'fault' trace event for every fault injected. */
  trace?: TraceSink;
}

const Kind = {
  /** A packet reaches the switch (after the sender's link). */
  arrive: 0,
  /** A packet reaches its host (after the receiver's link). */
  deliver: 1,
  /** A host's nextDeadline() is due. */
  hostTimer: 2,
  /** A held packet's release deadline on a host's outgoing / incoming injector. */
  outTimer: 3,
  inTimer: 4,
} as const;
type Kind = (typeof Kind)[keyof typeof Kind];

class SimEvent implements Queued {
  time = 0;
  seq = 0;
  pos = -1;
  constructor(
    public kind: Kind,
    public host: HostRecord | null,
    public packet: Uint8Array | null,
  ) {}
}

class HostRecord implements SimHost {
  readonly name: string;
  // Assigned right after construction: the injectors' callbacks need the record itself.
  out!: FaultInjector;
  in!: FaultInjector;
  readonly hostTimer: SimEvent;
  readonly outTimer: SimEvent;
  readonly inTimer: SimEvent;

  constructor(
    readonly endpoint: Endpoint,
    readonly address: number,
    readonly latency: number,
  ) {
    this.name = formatIpv4Address(address);
    this.hostTimer = new SimEvent(Kind.hostTimer, this, null);
    this.outTimer = new SimEvent(Kind.outTimer, this, null);
    this.inTimer = new SimEvent(Kind.inTimer, this, null);
  }
}

export class SimNetwork {
  private readonly seed: number;
  private readonly trace: TraceSink | undefined;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly pool: SimEvent[] = [];
  private readonly byAddress = new Map<number, HostRecord>();
  private readonly hostList: HostRecord[] = [];
  private clock = 0;
  private packetsInQueue = 0;
  private sent = 0;
  private delivered = 0;
  private polls = 0;
  private noRoute = 0;

  constructor(options: SimNetworkOptions) {
    this.seed = options.seed >>> 0;
    this.trace = options.trace;
  }

  /** Virtual time, ms. */
  get now(): number {
    return this.clock;
  }

  /** Attach an endpoint. Refused (with a reason) for a duplicate address or an invalid link config. */
  addHost(endpoint: Endpoint, options: HostOptions = {}): AddHostResult {
    const address = endpoint.address >>> 0;
    if (this.byAddress.has(address)) return { ok: false, reason: `address ${formatIpv4Address(address)} is taken` };
    const latency = options.latency ?? 0;
    if (typeof latency !== 'number' || !Number.isFinite(latency) || latency < 0) {
      return { ok: false, reason: `latency must be a finite number ≥ 0, got ${String(latency)}` };
    }
    const host = new HostRecord(endpoint, address, latency);
    host.out = this.makeInjector(host, 'out');
    host.in = this.makeInjector(host, 'in');
    for (const dir of ['out', 'in'] as const) {
      const config = options[dir];
      if (config === undefined) continue;
      const result = host[dir].setConfig(config);
      if (!result.ok) return { ok: false, reason: `${dir}: ${result.reason}` };
    }
    this.byAddress.set(address, host);
    this.hostList.push(host);
    this.collect(host);
    return { ok: true, host };
  }

  /** The host with this address, if any. */
  host(address: number): SimHost | undefined {
    return this.byAddress.get(address >>> 0);
  }

  hosts(): readonly SimHost[] {
    return this.hostList;
  }

  /** Change one direction's faults (same as host[dir].setConfig). */
  setFaults(host: SimHost, dir: Direction, config: FaultConfig): ConfigResult {
    const result = host[dir].setConfig(config);
    this.syncInjectorTimer(this.record(host), dir);
    return result;
  }

  /** Arm a targeted rule on one direction, starting now. */
  addRule(host: SimHost, dir: Direction, rule: FaultRule): RuleResult {
    return host[dir].addRule(rule, this.clock);
  }

  /**
   * Tell the network a host may have new output or a new deadline (after a user call made outside
   * a run). Sends the output now. Without an argument: every host. Run calls do this themselves.
   */
  kick(host?: SimHost): void {
    if (host === undefined) {
      for (const h of this.hostList) this.collect(h);
    } else {
      this.collect(this.record(host));
    }
  }

  /** Handle the single next event, if any. Returns false when there was nothing to do. */
  step(): boolean {
    this.kick();
    const ev = this.queue.pop();
    if (ev === undefined) return false;
    this.handle(ev);
    return true;
  }

  /** Run every event due at or before `time`, then set the clock to `time`. */
  runUntil(time: number, options?: { maxSteps?: number }): RunResult;
  /** Run until `condition()` holds (checked before each event), the network is idle, or a limit is hit. */
  runUntil(condition: () => boolean, options?: RunOptions): RunResult;
  runUntil(target: number | (() => boolean), options: RunOptions = {}): RunResult {
    if (typeof target === 'number') return this.run(null, Math.min(target, options.maxTime ?? Infinity), options.maxSteps, 'time');
    return this.run(target, options.maxTime ?? Infinity, options.maxSteps, 'max-time');
  }

  /** Advance by `ms` of virtual time. */
  runFor(ms: number): RunResult {
    return this.run(null, this.clock + ms, undefined, 'time');
  }

  /**
   * Run until nothing is scheduled: no packet in flight or held, and no host or injector deadline.
   * A host with a pending timer (e.g. in TIME-WAIT) keeps the network busy until the timer fires;
   * one that re-arms a timer forever needs maxTime.
   */
  runUntilIdle(options: RunOptions = {}): RunResult {
    return this.run(null, options.maxTime ?? Infinity, options.maxSteps, 'max-time');
  }

  /**
   * Virtual time of the next scheduled event (a delivery, a host's timer, an injector's release),
   * or null when nothing is scheduled. A real-time shell sleeps until then. Call kick() first if
   * hosts were called since the last run.
   */
  get nextEventTime(): number | null {
    const ev = this.queue.peek();
    return ev === undefined ? null : ev.time;
  }

  /** Events waiting in the scheduler (packets in flight plus armed timers). */
  get pending(): number {
    return this.queue.size;
  }

  stats(): NetworkStats {
    const faults = { processed: 0, forwarded: 0 } as FaultCounters;
    for (const kind of FAULT_KINDS) faults[kind] = 0;
    let held = 0;
    for (const h of this.hostList) {
      for (const inj of [h.out, h.in]) {
        const c = inj.counters();
        faults.processed += c.processed;
        faults.forwarded += c.forwarded;
        for (const kind of FAULT_KINDS) faults[kind] += c[kind];
        held += inj.heldCount;
      }
    }
    return {
      sent: this.sent,
      delivered: this.delivered,
      polls: this.polls,
      inFlight: this.packetsInQueue,
      held,
      dropped: { loss: faults.loss, rule: faults.rule, 'rate-limit': faults['rate-limit'], 'no-route': this.noRoute },
      faults,
    };
  }

  // ---- scheduler -------------------------------------------------------------------------------

  private run(
    condition: (() => boolean) | null,
    limit: number,
    maxSteps: number | undefined,
    atLimit: 'time' | 'max-time',
  ): RunResult {
    this.kick();
    const stepLimit = maxSteps ?? Infinity;
    let steps = 0;
    for (;;) {
      if (condition !== null && condition()) return { reason: 'predicate', now: this.clock, steps };
      const next = this.queue.peek();
      if (next === undefined) {
        if (atLimit === 'time' && limit > this.clock) this.clock = limit;
        return { reason: atLimit === 'time' ? 'time' : 'idle', now: this.clock, steps };
      }
      if (next.time > limit) {
        if (limit > this.clock) this.clock = limit;
        return { reason: atLimit, now: this.clock, steps };
      }
      if (steps >= stepLimit) return { reason: 'max-steps', now: this.clock, steps };
      this.handle(this.queue.pop() as SimEvent);
      steps++;
    }
  }

  private handle(ev: SimEvent): void {
    if (ev.time > this.clock) this.clock = ev.time;
    const now = this.clock;
    const host = ev.host as HostRecord;
    switch (ev.kind) {
      case Kind.arrive: {
        const packet = ev.packet as Uint8Array;
        this.recycle(ev);
        const target = this.byAddress.get(ipv4Destination(packet));
        if (target === undefined) {
          this.noRoute++;
          return;
        }
        target.in.process(packet, now);
        this.syncInjectorTimer(target, 'in');
        return;
      }
      case Kind.deliver: {
        const packet = ev.packet as Uint8Array;
        this.recycle(ev);
        this.delivered++;
        host.endpoint.input(packet, now);
        this.collect(host);
        return;
      }
      case Kind.hostTimer:
        this.polls++;
        host.endpoint.poll(now);
        this.collect(host);
        return;
      case Kind.outTimer:
        host.out.poll(now);
        this.syncInjectorTimer(host, 'out');
        return;
      case Kind.inTimer:
        host.in.poll(now);
        this.syncInjectorTimer(host, 'in');
        return;
    }
  }

  /** Send whatever the host has queued and (re)schedule its timer at its current deadline. */
  private collect(host: HostRecord): void {
    const now = this.clock;
    const output = host.endpoint.takeOutput();
    if (output.length > 0) {
      this.sent += output.length;
      for (const packet of output) host.out.process(packet, now);
      this.syncInjectorTimer(host, 'out');
    }
    const deadline = host.endpoint.nextDeadline();
    this.syncTimer(host.hostTimer, deadline === null ? null : Math.max(deadline, now));
  }

  private syncInjectorTimer(host: HostRecord, dir: Direction): void {
    const deadline = host[dir].nextDeadline();
    this.syncTimer(dir === 'out' ? host.outTimer : host.inTimer, deadline === null ? null : Math.max(deadline, this.clock));
  }

  /** Keep an entry unchanged when its time is, so equal-time ordering stays as first scheduled. */
  private syncTimer(entry: SimEvent, time: number | null): void {
    if (time === null) {
      this.queue.remove(entry);
    } else if (entry.pos < 0 || entry.time !== time) {
      this.queue.schedule(entry, time);
    }
  }

  private schedulePacket(kind: Kind, host: HostRecord, packet: Uint8Array, time: number): void {
    const ev = this.pool.pop();
    if (ev === undefined) {
      this.queue.schedule(new SimEvent(kind, host, packet), time);
    } else {
      ev.kind = kind;
      ev.host = host;
      ev.packet = packet;
      this.queue.schedule(ev, time);
    }
    this.packetsInQueue++;
  }

  private recycle(ev: SimEvent): void {
    ev.packet = null;
    ev.host = null;
    this.pool.push(ev);
    this.packetsInQueue--;
  }

  private makeInjector(host: HostRecord, dir: Direction): FaultInjector {
    const kind = dir === 'out' ? Kind.arrive : Kind.deliver;
    const trace = this.trace;
    return new FaultInjector({
      random: createSeededRandom(linkSeed(this.seed, host.address, dir)),
      deliver: dir === 'out' ? (packet, at) => this.leave(host, packet, at) : (packet, at) => this.schedulePacket(kind, host, packet, at + host.latency),
      onFault:
        trace === undefined
          ? undefined
          : (ev: FaultEvent) =>
              trace({ type: 'fault', t: ev.t, host: host.name, dir, fault: ev.fault, bytes: ev.bytes, detail: ev.detail }),
    });
  }

  /**
   * A packet leaves a host's outgoing injector at `at`. When the receiving host's incoming side has no
   * faults (the common case, and the benchmark's), skip the switch hop and schedule the delivery
   * directly: same time, half the scheduler work.
   */
  private leave(host: HostRecord, packet: Uint8Array, at: number): void {
    const target = this.byAddress.get(ipv4Destination(packet));
    if (target !== undefined && target.in.transparent) {
      // It would reach the switch at at + latency; a transparent injector forwards it synchronously.
      target.in.process(packet, at + host.latency);
      return;
    }
    this.schedulePacket(Kind.arrive, host, packet, at + host.latency);
  }

  private record(host: SimHost): HostRecord {
    const record = this.byAddress.get(host.address);
    if (record === undefined || record !== host) throw new Error(`host ${host.name} is not on this network`);
    return record;
  }
}

/**
 * One independent random stream per link direction, derived from the network seed and the host's
 * address, so adding a host or enabling faults on one link does not shift the faults on another.
 */
function linkSeed(seed: number, address: number, dir: Direction): number {
  const salt = dir === 'out' ? 0x1b873593 : 0x5bd1e995;
  return (seed ^ Math.imul((address ^ salt) >>> 0, 0x9e3779b1)) >>> 0;
}

export function createSimNetwork(options: SimNetworkOptions): SimNetwork {
  return new SimNetwork(options);
}
