// Targeted drops for exercises ("lose the SYN,ACK", "lose the third packet", "pull the cable for
// 500 ms"). Rules are checked before any random fault, in the order they were added, and remove
// themselves once used up, so an exercise can arm one and forget it.

import { Flag } from '../wire/types.ts';
import { tcpFlags, tcpPayloadLength } from '../wire/peek.ts';

/** Whether the TCP segment must carry data ('some'), must not ('none'), or either ('any'). */
export type PayloadMatch = 'any' | 'some' | 'none';

export type FaultRule =
  | {
      /** Drop the next `count` TCP packets whose flags byte has all of `set` and none of `clear`. */
      kind: 'match';
      set?: number;
      clear?: number;
      payload?: PayloadMatch;
      /** How many matching packets to drop (integer ≥ 1). Default 1. */
      count?: number;
      label?: string;
    }
  | {
      /** Drop the n-th packet offered to the link from now on (n = 1: the very next one), whatever it is. */
      kind: 'nth';
      n: number;
      label?: string;
    }
  | {
      /** Drop everything for `duration` ms from the moment the rule is added (cable pulled). */
      kind: 'blackout';
      duration: number;
      label?: string;
    };

/** A rule as armed on a link. `remaining`: drops left (match) or packets until the drop (nth). */
export interface ArmedRule {
  readonly id: number;
  readonly kind: FaultRule['kind'];
  readonly label: string;
  readonly set: number;
  readonly clear: number;
  readonly payload: PayloadMatch;
  remaining: number;
  /** Blackout window [from, until) in virtual ms; always open for the other kinds. */
  readonly from: number;
  readonly until: number;
  dropped: number;
}

export type RuleResult = { ok: true; id: number } | { ok: false; reason: string };

/** Ready-made rules for the usual exercises. */
export const Rules = {
  /** The next SYN (without ACK): the opening of an active open. */
  syn: (count = 1): FaultRule => ({ kind: 'match', set: Flag.SYN, clear: Flag.ACK | Flag.RST, count, label: 'SYN' }),
  /** The next SYN,ACK: the passive side's answer. */
  synAck: (count = 1): FaultRule => ({
    kind: 'match',
    set: Flag.SYN | Flag.ACK,
    clear: Flag.RST,
    count,
    label: 'SYN,ACK',
  }),
  /** The next segment with FIN. */
  fin: (count = 1): FaultRule => ({ kind: 'match', set: Flag.FIN, clear: Flag.RST, count, label: 'FIN' }),
  /** The next RST. */
  rst: (count = 1): FaultRule => ({ kind: 'match', set: Flag.RST, count, label: 'RST' }),
  /**
   * The next pure ACK (ACK only, no SYN/FIN/RST, no data). Armed on the active opener's outgoing link
   * right after connect(), its first match is the handshake's final ACK.
   */
  pureAck: (count = 1): FaultRule => ({
    kind: 'match',
    set: Flag.ACK,
    clear: Flag.SYN | Flag.FIN | Flag.RST,
    payload: 'none',
    count,
    label: 'pure ACK',
  }),
  /** The next segment carrying data. */
  data: (count = 1): FaultRule => ({ kind: 'match', payload: 'some', count, label: 'data' }),
  nth: (n: number): FaultRule => ({ kind: 'nth', n }),
  blackout: (duration: number): FaultRule => ({ kind: 'blackout', duration }),
} as const;

export class RuleSet {
  private armed: ArmedRule[] = [];
  private nextId = 1;

  get size(): number {
    return this.armed.length;
  }

  /** The armed rules, oldest first (live objects: read, do not modify). */
  list(): readonly ArmedRule[] {
    return this.armed;
  }

  add(rule: FaultRule, now: number): RuleResult {
    const problem = checkRule(rule);
    if (problem !== null) return { ok: false, reason: problem };
    const id = this.nextId++;
    const base = { id, kind: rule.kind, dropped: 0 };
    switch (rule.kind) {
      case 'match': {
        const set = rule.set ?? 0;
        const clear = rule.clear ?? 0;
        const payload = rule.payload ?? 'any';
        this.armed.push({
          ...base,
          label: rule.label ?? describeMatch(set, clear, payload),
          set,
          clear,
          payload,
          remaining: rule.count ?? 1,
          from: -Infinity,
          until: Infinity,
        });
        break;
      }
      case 'nth':
        this.armed.push({
          ...base,
          label: rule.label ?? `packet #${rule.n} from t=${now}`,
          set: 0,
          clear: 0,
          payload: 'any',
          remaining: rule.n,
          from: -Infinity,
          until: Infinity,
        });
        break;
      case 'blackout':
        this.armed.push({
          ...base,
          label: rule.label ?? `blackout ${rule.duration} ms`,
          set: 0,
          clear: 0,
          payload: 'any',
          remaining: Infinity,
          from: now,
          until: now + rule.duration,
        });
        break;
    }
    return { ok: true, id };
  }

  remove(id: number): boolean {
    const before = this.armed.length;
    this.armed = this.armed.filter((r) => r.id !== id);
    return this.armed.length !== before;
  }

  clear(): void {
    this.armed = [];
  }

  /**
   * Offer one packet to every rule; returns the first rule that drops it, or null.
   * Every nth rule counts every packet (it is about position, not content); match rules only
   * consume a drop for packets no earlier rule took, so "drop 2 FINs" really loses two FINs.
   */
  check(packet: Uint8Array, now: number): ArmedRule | null {
    let hit: ArmedRule | null = null;
    let expired = false;
    let flags = -2; // read lazily: only match rules need it
    for (const r of this.armed) {
      switch (r.kind) {
        case 'nth':
          r.remaining--;
          if (r.remaining === 0) {
            expired = true;
            if (hit === null) hit = r;
          }
          break;
        case 'blackout':
          if (now >= r.until) expired = true;
          else if (hit === null && now >= r.from) hit = r;
          break;
        case 'match':
          if (hit !== null) break;
          if (flags === -2) flags = tcpFlags(packet);
          if (flags < 0 || (flags & r.set) !== r.set || (flags & r.clear) !== 0) break;
          if (r.payload !== 'any' && tcpPayloadLength(packet) > 0 !== (r.payload === 'some')) break;
          hit = r;
          r.remaining--;
          if (r.remaining === 0) expired = true;
          break;
      }
    }
    if (hit !== null) hit.dropped++;
    if (expired) this.armed = this.armed.filter((r) => r.remaining > 0 && now < r.until);
    return hit;
  }

  /** Drop blackouts that have ended even if no packet came by to notice. */
  expire(now: number): void {
    if (this.armed.some((r) => now >= r.until)) this.armed = this.armed.filter((r) => now < r.until);
  }
}

function checkRule(rule: FaultRule): string | null {
  if (typeof rule !== 'object' || rule === null) return 'rule must be an object';
  switch (rule.kind) {
    case 'match': {
      const set = rule.set ?? 0;
      const clear = rule.clear ?? 0;
      if (!isByte(set)) return `set must be a flags byte (0..255), got ${String(rule.set)}`;
      if (!isByte(clear)) return `clear must be a flags byte (0..255), got ${String(rule.clear)}`;
      if ((set & clear) !== 0) return 'set and clear share a flag, so the rule could never match';
      if (rule.payload !== undefined && rule.payload !== 'any' && rule.payload !== 'some' && rule.payload !== 'none') {
        return `payload must be 'any', 'some' or 'none', got ${String(rule.payload)}`;
      }
      const count = rule.count ?? 1;
      if (!Number.isInteger(count) || count < 1) return `count must be an integer ≥ 1, got ${String(rule.count)}`;
      return null;
    }
    case 'nth':
      return Number.isInteger(rule.n) && rule.n >= 1 ? null : `n must be an integer ≥ 1, got ${String(rule.n)}`;
    case 'blackout':
      return typeof rule.duration === 'number' && Number.isFinite(rule.duration) && rule.duration > 0
        ? null
        : `duration must be a finite number > 0, got ${String(rule.duration)}`;
    default:
      return `unknown rule kind "${String((rule as { kind: unknown }).kind)}"`;
  }
}

function isByte(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 255;
}

const FLAG_NAMES = Object.entries(Flag) as Array<[string, number]>;

function flagList(mask: number): string {
  return FLAG_NAMES.filter(([, bit]) => (mask & bit) !== 0)
    .map(([name]) => name)
    .join(',');
}

function describeMatch(set: number, clear: number, payload: PayloadMatch): string {
  const parts: string[] = [];
  if (set !== 0) parts.push(flagList(set));
  if (clear !== 0) parts.push(`not ${flagList(clear)}`);
  if (payload !== 'any') parts.push(payload === 'some' ? 'with data' : 'no data');
  return parts.length === 0 ? 'any TCP segment' : parts.join(', ');
}
