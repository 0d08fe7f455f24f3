// Link impairment settings, in the spirit of Linux netem, and their validation.
// Validation returns a reason instead of throwing: configs come from UI forms and exercise files,
// and a bad value must be shown to the user, not crash the worker.

export interface FaultConfig {
  /** Probability (0..1) that a packet is silently dropped. */
  loss?: number;
  /** Probability (0..1) that a packet is delivered twice. */
  duplicate?: number;
  /** Probability (0..1) that a packet is held back so later packets overtake it. */
  reorder?: number;
  /** A held packet is released once this many later packets have passed (integer ≥ 1). Default 3. */
  reorderGap?: number;
  /** …or after this many ms, whichever comes first (> 0). Default 100. */
  reorderTimeout?: number;
  /** Fixed one-way delay added to every packet, ms (≥ 0). */
  delay?: number;
  /**
   * Uniform random variation of the delay, ±ms (≥ 0); the total never goes below zero.
   * As with netem, jitter can reorder packets.
   */
  jitter?: number;
  /** Probability (0..1) that a copy of the packet with flipped bits in its TCP part is delivered instead. */
  corrupt?: number;
  /** Link bandwidth in bytes/s; packets wait for the ones ahead of them to be serialized. 0 = unlimited. */
  rateBytesPerSec?: number;
  /**
   * Bytes that may wait or be in serialization at once, this packet included; beyond it the packet is
   * tail-dropped like at a router queue. 0 = unlimited. Only meaningful with a rate.
   */
  queueLimitBytes?: number;
}

/** A config with every field filled in. */
export type ResolvedFaultConfig = Required<FaultConfig>;

export const DEFAULT_FAULT_CONFIG: Readonly<ResolvedFaultConfig> = Object.freeze({
  loss: 0,
  duplicate: 0,
  reorder: 0,
  reorderGap: 3,
  reorderTimeout: 100,
  delay: 0,
  jitter: 0,
  corrupt: 0,
  rateBytesPerSec: 0,
  queueLimitBytes: 0,
});

export type ConfigResult = { ok: true; config: ResolvedFaultConfig } | { ok: false; reason: string };

type Check = 'probability' | 'non-negative' | 'positive' | 'gap';

const CHECKS: Readonly<Record<keyof FaultConfig, Check>> = {
  loss: 'probability',
  duplicate: 'probability',
  reorder: 'probability',
  reorderGap: 'gap',
  reorderTimeout: 'positive',
  delay: 'non-negative',
  jitter: 'non-negative',
  corrupt: 'probability',
  rateBytesPerSec: 'non-negative',
  queueLimitBytes: 'non-negative',
};

/** Check every field and fill in defaults. Unknown fields are refused so that typos do not pass silently. */
export function validateFaultConfig(input: unknown): ConfigResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, reason: 'fault config must be an object' };
  }
  const config: ResolvedFaultConfig = { ...DEFAULT_FAULT_CONFIG };
  for (const [key, value] of Object.entries(input)) {
    if (!Object.hasOwn(CHECKS, key)) return { ok: false, reason: `unknown fault option "${key}"` };
    if (value === undefined) continue;
    const name = key as keyof FaultConfig;
    const problem = checkValue(CHECKS[name], value);
    if (problem !== null) return { ok: false, reason: `${name} ${problem}` };
    config[name] = value as number;
  }
  return { ok: true, config };
}

function checkValue(check: Check, value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a finite number';
  switch (check) {
    case 'probability':
      return value >= 0 && value <= 1 ? null : `must be between 0 and 1, got ${value}`;
    case 'non-negative':
      return value >= 0 ? null : `must be ≥ 0, got ${value}`;
    case 'positive':
      return value > 0 ? null : `must be > 0, got ${value}`;
    case 'gap':
      return Number.isInteger(value) && value >= 1 ? null : `must be an integer ≥ 1, got ${value}`;
  }
}

/** True when the config changes nothing, so the injector can take its pass-through path. */
export function isNeutral(config: ResolvedFaultConfig): boolean {
  return (
    config.loss === 0 &&
    config.duplicate === 0 &&
    config.reorder === 0 &&
    config.delay === 0 &&
    config.jitter === 0 &&
    config.corrupt === 0 &&
    config.rateBytesPerSec === 0
  );
}
