// A netem-like fault injector for ONE direction of one host's link.
//
// It knows nothing about the simulator: packets go in with the current time, and come out through
// `deliver(packet, at)` with the time they should reach the far end (at ≥ now). The simulator
// schedules that on virtual time; the browser worker can do the same with a real clock
// (setTimeout(at − now)). Held-back (reordered) packets that no later packet releases need time to
// pass: the owner calls `poll(now)` when `nextDeadline()` is reached, exactly like an Endpoint.
//
// Pipeline for each packet, in this order (random numbers are drawn only for enabled faults, so a
// given seed and config always affect the same packets):
//   rules → loss → corrupt → duplicate → reorder (hold) → rate queue (tail drop) → delay ± jitter
//
// Packets are treated as immutable: duplicates are the same Uint8Array twice, and corruption works
// on a copy, so the sender's bytes (and any trace event holding them) are never changed.

import type { RandomSource } from '../random.ts';
import { nextFloat } from '../random.ts';
import type { TraceEvent } from '../trace.ts';
import { DEFAULT_FAULT_CONFIG, isNeutral, validateFaultConfig } from './fault-config.ts';
import type { ConfigResult, FaultConfig, ResolvedFaultConfig } from './fault-config.ts';
import { RuleSet } from './fault-rules.ts';
import type { ArmedRule, FaultRule, RuleResult } from './fault-rules.ts';
import { tcpHeaderOffset } from '../wire/peek.ts';

/** What the injector can do to a packet (the trace's fault kinds, minus the UI's manual 'hold'). */
export type FaultKind = Exclude<Extract<TraceEvent, { type: 'fault' }>['fault'], 'hold'>;

export const FAULT_KINDS = [
  'loss',
  'duplicate',
  'reorder',
  'delay',
  'corrupt',
  'rate-limit',
  'rule',
] as const satisfies readonly FaultKind[];

/** One fault applied to one packet; the owner adds host and direction to make a trace event. */
export interface FaultEvent {
  t: number;
  fault: FaultKind;
  /** The packet concerned (for 'corrupt': the corrupted copy). */
  bytes: Uint8Array;
  detail: string;
}

/**
 * How often each fault struck (packets held back for 'reorder', packets delayed for 'delay',
 * queue drops for 'rate-limit'), plus packets offered and packets handed on (duplicates included).
 */
export type FaultCounters = Record<FaultKind, number> & { processed: number; forwarded: number };

export interface FaultInjectorOptions {
  /** Source of every random decision; give each link its own seeded stream. */
  random: RandomSource;
  /** Receives each packet that survives, with the time it reaches the far end (≥ the time it was offered). */
  deliver: (packet: Uint8Array, at: number) => void;
  /** Receives a description of every fault applied. */
  onFault?: (event: FaultEvent) => void;
}

/** A packet held back by 'reorder'. */
interface Held {
  packet: Uint8Array;
  /** Later packets still to pass before it is released. */
  remaining: number;
  /** Released at this time at the latest. */
  deadline: number;
}

// Serialization times are computed in floating point; a queue that is "exactly full" must not
// tail-drop because of a rounding error in the last bit.
const QUEUE_EPSILON_BYTES = 1e-6;

export class FaultInjector {
  private readonly random: RandomSource;
  private readonly deliver: (packet: Uint8Array, at: number) => void;
  private readonly sink: ((event: FaultEvent) => void) | undefined;
  private cfg: ResolvedFaultConfig = { ...DEFAULT_FAULT_CONFIG };
  private readonly ruleSet = new RuleSet();
  private held: Held[] = [];
  private heldDeadline: number | null = null;
  /** When the rate-limited link finishes serializing everything queued so far. */
  private busyUntil = 0;
  /** No config, no rules, nothing held: packets go straight through. */
  private passthrough = true;
  private readonly counts: FaultCounters = {
    processed: 0,
    forwarded: 0,
    loss: 0,
    duplicate: 0,
    reorder: 0,
    delay: 0,
    corrupt: 0,
    'rate-limit': 0,
    rule: 0,
  };

  constructor(options: FaultInjectorOptions) {
    this.random = options.random;
    this.deliver = options.deliver;
    this.sink = options.onFault;
  }

  /** The current settings, every field filled in (spread it to change one field). */
  get config(): Readonly<ResolvedFaultConfig> {
    return this.cfg;
  }

  /** Replace the settings (missing fields take their defaults). An invalid config leaves the old one in force. */
  setConfig(config: FaultConfig): ConfigResult {
    const result = validateFaultConfig(config);
    if (result.ok) {
      this.cfg = result.config;
      this.refresh();
    }
    return result;
  }

  /** Arm a targeted drop rule; `now` starts a blackout's clock. */
  addRule(rule: FaultRule, now: number): RuleResult {
    const result = this.ruleSet.add(rule, now);
    this.refresh();
    return result;
  }

  removeRule(id: number): boolean {
    const removed = this.ruleSet.remove(id);
    this.refresh();
    return removed;
  }

  clearRules(): void {
    this.ruleSet.clear();
    this.refresh();
  }

  /** Armed rules, oldest first, with what is left of each. */
  rules(): readonly ArmedRule[] {
    return this.ruleSet.list();
  }

  /** A copy of the counters. */
  counters(): FaultCounters {
    return { ...this.counts };
  }

  /** Packets currently held back for reordering. */
  /** True when nothing is configured: every packet leaves at once, untouched. */
  get transparent(): boolean {
    return this.passthrough;
  }

  get heldCount(): number {
    return this.held.length;
  }

  /** When poll() must next be called (a held packet's timeout), or null. */
  nextDeadline(): number | null {
    return this.heldDeadline;
  }

  /** Release held packets whose timeout has come. */
  poll(now: number): void {
    if (this.heldDeadline === null || now < this.heldDeadline) return;
    this.release(now, (h) => h.deadline <= now, 'timeout');
  }

  /** Release every held packet now (e.g. before switching faults off). */
  flush(now: number): void {
    this.release(now, () => true, 'flush');
  }

  /** Offer one packet to the link at time `now`. */
  process(packet: Uint8Array, now: number): void {
    this.counts.processed++;
    if (this.passthrough) {
      this.counts.forwarded++;
      this.deliver(packet, now);
      return;
    }
    this.impair(packet, now);
  }

  private impair(packet: Uint8Array, now: number): void {
    const cfg = this.cfg;
    if (this.ruleSet.size > 0) {
      const hit = this.ruleSet.check(packet, now);
      if (this.ruleSet.size === 0) this.refresh();
      if (hit !== null) {
        this.counts.rule++;
        if (this.sink) {
          const left = Number.isFinite(hit.remaining) ? `, ${hit.remaining} left` : '';
          this.sink({ t: now, fault: 'rule', bytes: packet, detail: `rule #${hit.id} (${hit.label}${left})` });
        }
        return;
      }
    }
    if (cfg.loss > 0 && nextFloat(this.random) < cfg.loss) {
      this.counts.loss++;
      if (this.sink) this.sink({ t: now, fault: 'loss', bytes: packet, detail: `lost (p=${cfg.loss})` });
      return;
    }
    if (cfg.corrupt > 0 && nextFloat(this.random) < cfg.corrupt) {
      packet = this.corruptCopy(packet, now);
    }
    const duplicate = cfg.duplicate > 0 && nextFloat(this.random) < cfg.duplicate;
    const hold = cfg.reorder > 0 && nextFloat(this.random) < cfg.reorder;
    if (hold) {
      this.hold(packet, now);
    } else {
      this.forward(packet, now);
    }
    if (duplicate) {
      this.counts.duplicate++;
      if (this.sink) this.sink({ t: now, fault: 'duplicate', bytes: packet, detail: 'sent twice' });
      this.forward(packet, now);
    }
    if (!hold && this.held.length > 0) this.passed(now);
  }

  private hold(packet: Uint8Array, now: number): void {
    const { reorderGap, reorderTimeout } = this.cfg;
    const deadline = now + reorderTimeout;
    this.held.push({ packet, remaining: reorderGap, deadline });
    if (this.heldDeadline === null || deadline < this.heldDeadline) this.heldDeadline = deadline;
    this.passthrough = false;
    this.counts.reorder++;
    if (this.sink) {
      this.sink({
        t: now,
        fault: 'reorder',
        bytes: packet,
        detail: `held until ${reorderGap} later packet(s) pass or t=${deadline}`,
      });
    }
  }

  /** A packet went through: it overtakes every held one, and those it was the last for follow it. */
  private passed(now: number): void {
    let due = false;
    for (const h of this.held) if (--h.remaining <= 0) due = true;
    if (due) this.release(now, (h) => h.remaining <= 0, 'gap');
  }

  private release(now: number, due: (h: Held) => boolean, why: 'gap' | 'timeout' | 'flush'): void {
    if (this.held.length === 0) return;
    const keep: Held[] = [];
    const go: Held[] = [];
    for (const h of this.held) (due(h) ? go : keep).push(h);
    if (go.length === 0) return;
    this.held = keep;
    let deadline: number | null = null;
    for (const h of keep) if (deadline === null || h.deadline < deadline) deadline = h.deadline;
    this.heldDeadline = deadline;
    this.refresh();
    for (const h of go) {
      if (this.sink) this.sink({ t: now, fault: 'reorder', bytes: h.packet, detail: `released (${why})` });
      this.forward(h.packet, now);
    }
  }

  /** Rate queue, then delay and jitter, then out. */
  private forward(packet: Uint8Array, now: number): void {
    const cfg = this.cfg;
    let at = now;
    if (cfg.rateBytesPerSec > 0) {
      const start = this.busyUntil > now ? this.busyUntil : now;
      if (cfg.queueLimitBytes > 0) {
        const backlog = ((start - now) * cfg.rateBytesPerSec) / 1000;
        if (backlog + packet.length > cfg.queueLimitBytes + QUEUE_EPSILON_BYTES) {
          this.counts['rate-limit']++;
          if (this.sink) {
            this.sink({
              t: now,
              fault: 'rate-limit',
              bytes: packet,
              detail: `queue full: ${Math.round(backlog)} B waiting, limit ${cfg.queueLimitBytes} B`,
            });
          }
          return;
        }
      }
      this.busyUntil = start + (packet.length * 1000) / cfg.rateBytesPerSec;
      at = this.busyUntil;
    }
    if (cfg.delay > 0 || cfg.jitter > 0) {
      let d = cfg.delay;
      if (cfg.jitter > 0) {
        d += (2 * nextFloat(this.random) - 1) * cfg.jitter;
        if (d < 0) d = 0;
      }
      at += d;
      this.counts.delay++;
      if (this.sink) this.sink({ t: now, fault: 'delay', bytes: packet, detail: `+${Math.round(d * 1000) / 1000} ms` });
    }
    this.counts.forwarded++;
    this.deliver(packet, at);
  }

  /**
   * Flip 1–3 bits of one 16-bit word of the TCP header or payload, in a copy. Keeping the flips
   * inside one word (of fewer than 16 bits) guarantees the ones'-complement checksum changes, so
   * the receiver always detects it; flips spread over two words could cancel out. The IPv4 header is
   * left intact so the packet is still routed and reaches the TCP checksum check.
   */
  private corruptCopy(packet: Uint8Array, now: number): Uint8Array {
    const copy = packet.slice();
    let start = tcpHeaderOffset(copy);
    if (start < 0) start = Math.min(20, copy.length);
    if (start >= copy.length) start = 0;
    if (copy.length === 0) return copy;
    const words = Math.ceil((copy.length - start) / 2);
    const wordStart = start + 2 * Math.floor(nextFloat(this.random) * words);
    const bitsInWord = Math.min(2, copy.length - wordStart) * 8;
    const flips = 1 + Math.floor(nextFloat(this.random) * 3);
    let mask = 0;
    for (let i = 0; i < flips; i++) mask |= 1 << Math.floor(nextFloat(this.random) * bitsInWord);
    // Bit i of the mask: bits 0–7 in the word's first byte, 8–15 in its second.
    copy[wordStart] = (copy[wordStart] ?? 0) ^ (mask & 0xff);
    if (bitsInWord > 8) copy[wordStart + 1] = (copy[wordStart + 1] ?? 0) ^ (mask >>> 8);
    this.counts.corrupt++;
    if (this.sink) {
      const bits = popcount(mask);
      this.sink({
        t: now,
        fault: 'corrupt',
        bytes: copy,
        detail: `flipped ${bits} bit(s) at byte ${wordStart}${bitsInWord > 8 ? `–${wordStart + 1}` : ''}`,
      });
    }
    return copy;
  }

  private refresh(): void {
    this.passthrough = isNeutral(this.cfg) && this.ruleSet.size === 0 && this.held.length === 0;
  }
}

function popcount(x: number): number {
  let n = 0;
  for (; x !== 0; x &= x - 1) n++;
  return n;
}

/** Convenience: an injector with a config, or the reason the config was refused. */
export function createFaultInjector(
  options: FaultInjectorOptions & { config?: FaultConfig },
): { ok: true; injector: FaultInjector } | { ok: false; reason: string } {
  const injector = new FaultInjector(options);
  if (options.config !== undefined) {
    const result = injector.setConfig(options.config);
    if (!result.ok) return result;
  }
  return { ok: true, injector };
}
