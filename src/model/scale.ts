// Axis arithmetic for the graphs: linear scales and "nice" tick values (1, 2, 5 × 10^k steps).

export interface Scale {
  (x: number): number;
  /** The domain value at a range position. */
  invert(y: number): number;
  domain: readonly [number, number];
  range: readonly [number, number];
}

/** Map [d0, d1] onto [r0, r1]; a zero-width domain maps to the middle of the range. */
export function linear(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  const f = ((x: number) => (k === 0 ? (r0 + r1) / 2 : r0 + (x - d0) * k)) as Scale;
  f.invert = (y: number) => (k === 0 ? (d0 + d1) / 2 : d0 + (y - r0) / k);
  f.domain = domain;
  f.range = range;
  return f;
}

/** A step of 1, 2 or 5 × 10^k giving about `count` ticks over [lo, hi]. */
export function niceStep(lo: number, hi: number, count: number): number {
  const span = Math.abs(hi - lo);
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/** Tick values within [lo, hi] on a nice step. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return [lo];
  const step = niceStep(lo, hi, count);
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  return out;
}

/** Widen [lo, hi] by a fraction on each side (and to a unit when empty) so marks are not on the frame. */
export function padded(lo: number, hi: number, fraction = 0.04): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi === lo) return [lo - 1, hi + 1];
  const p = (hi - lo) * fraction;
  return [lo - p, hi + p];
}

/** 1460 → "1460", 20000 → "20k", 1500000 → "1.5M": axis labels for bytes and sequence numbers. */
export function formatCount(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e6) return `${+(n / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${+(n / 1e3).toFixed(1)}k`;
  return String(+n.toFixed(2));
}
