// Reconnect delays: exponential with a cap and random spread, so that when a relay restarts the
// thirty tabs of a classroom do not all knock at the same millisecond.

export interface BackoffOptions {
  /** Delay before the first retry, ms. Default 500. */
  initialMs?: number;
  /** Growth per failed attempt. Default 2. */
  multiplier?: number;
  /** Upper bound, ms. Default 15,000. */
  maxMs?: number;
  /** Spread: the delay is scaled by a uniform factor in [1 − jitter, 1 + jitter]. Default 0.2. */
  jitter?: number;
}

export const DEFAULT_BACKOFF: Readonly<Required<BackoffOptions>> = Object.freeze({
  initialMs: 500,
  multiplier: 2,
  maxMs: 15_000,
  jitter: 0.2,
});

/**
 * The delay before retry number `attempt` (1 = the first retry after a drop). `random` is a
 * uniform number in [0, 1). The cap applies before the spread, so the longest wait is
 * maxMs × (1 + jitter).
 */
export function backoffDelay(attempt: number, random: number, options: BackoffOptions = {}): number {
  const o = { ...DEFAULT_BACKOFF, ...options };
  const n = Math.max(1, Math.floor(attempt));
  const base = Math.min(o.maxMs, o.initialMs * o.multiplier ** (n - 1));
  const spread = 1 + o.jitter * (2 * random - 1);
  return Math.round(base * spread);
}
