// Faults the kernel peer applies to the packets it forwards, in each direction on its own: this
// kernel may have no sch_netem, and a seeded fault path makes an interop run repeatable.
// Corruption flips one byte of the TCP segment (never the IPv4 header, which the relay checks and
// would drop as malformed): the receiving stack must find it by the TCP checksum (RFC 9293 §3.1).
import { createSeededRandom, nextFloat, type RandomSource } from '../../workers/tcp/random.ts';

export interface FaultSpec {
  /** Probability a packet is dropped, 0–1. Default 0. */
  loss?: number;
  /** Fixed delay added to every packet, ms. Default 0. */
  delayMs?: number;
  /** Probability a packet is held back and sent after the next one, 0–1. Default 0. */
  reorder?: number;
  /** Probability a packet is sent twice, 0–1. Default 0. */
  duplicate?: number;
  /** Probability one byte of the TCP segment is flipped, 0–1. Default 0. */
  corrupt?: number;
  /** Seed of the fault decisions. Default 1. */
  seed?: number;
}

/** A packet held for reordering goes out after this long if no other packet passes it. */
export const REORDER_HOLD_MS = 10;

export function checkFaultSpec(f: FaultSpec): string | null {
  for (const k of ['loss', 'reorder', 'duplicate', 'corrupt'] as const) {
    const v = f[k];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0 && v <= 1)) return `${k} must be a probability 0–1, got ${v}`;
  }
  if (f.delayMs !== undefined && !(Number.isFinite(f.delayMs) && f.delayMs >= 0 && f.delayMs <= 10_000)) return `delay must be 0–10000 ms, got ${f.delayMs}`;
  if (f.seed !== undefined && !Number.isInteger(f.seed)) return `seed must be a whole number, got ${f.seed}`;
  return null;
}

export function isFaultFree(f: FaultSpec): boolean {
  return !f.loss && !f.delayMs && !f.reorder && !f.duplicate && !f.corrupt;
}

export interface FaultCounts {
  passed: number;
  lost: number;
  reordered: number;
  duplicated: number;
  corrupted: number;
}

/** One direction's fault stage: `push` packets in, `out` gets what survives, in the order it goes. */
export class FaultPath {
  readonly counts: FaultCounts = { passed: 0, lost: 0, reordered: 0, duplicated: 0, corrupted: 0 };
  private readonly rng: RandomSource;
  private held: { packet: Uint8Array; timer: NodeJS.Timeout } | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly spec: FaultSpec,
    private readonly out: (packet: Uint8Array) => void,
    seedSalt: number,
  ) {
    this.rng = createSeededRandom(((spec.seed ?? 1) ^ seedSalt) >>> 0);
  }

  push(packet: Uint8Array): void {
    if (this.stopped) return;
    const s = this.spec;
    if (s.loss && nextFloat(this.rng) < s.loss) {
      this.counts.lost++;
      return;
    }
    let p = packet;
    if (s.corrupt && nextFloat(this.rng) < s.corrupt) {
      const ihl = (p[0]! & 0x0f) * 4;
      if (p.length > ihl) {
        p = p.slice();
        const at = ihl + (this.rng.nextU32() % (p.length - ihl));
        p[at] = p[at]! ^ (1 + (this.rng.nextU32() % 255));
        this.counts.corrupted++;
      }
    }
    const copies = s.duplicate && nextFloat(this.rng) < s.duplicate ? 2 : 1;
    if (copies === 2) this.counts.duplicated++;
    for (let i = 0; i < copies; i++) this.later(p);
  }

  /** After the fixed delay: hold for reordering, or send (with a held packet after it). */
  private later(p: Uint8Array): void {
    const d = this.spec.delayMs ?? 0;
    if (d <= 0) return this.reorderStage(p);
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.reorderStage(p);
    }, d);
    this.timers.add(t);
  }

  private reorderStage(p: Uint8Array): void {
    if (this.stopped) return;
    const r = this.spec.reorder ?? 0;
    if (this.held === null && r > 0 && nextFloat(this.rng) < r) {
      const timer = setTimeout(() => this.releaseHeld(), REORDER_HOLD_MS);
      this.held = { packet: p, timer };
      this.counts.reordered++;
      return;
    }
    this.send(p);
    this.releaseHeld();
  }

  private releaseHeld(): void {
    const h = this.held;
    if (h === null) return;
    this.held = null;
    clearTimeout(h.timer);
    this.send(h.packet);
  }

  private send(p: Uint8Array): void {
    if (this.stopped) return;
    this.counts.passed++;
    this.out(p);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.held) clearTimeout(this.held.timer);
    this.held = null;
  }
}
