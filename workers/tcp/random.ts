// Randomness is injected into the core so that a run is reproducible from its seed.

export interface RandomSource {
  /** A uniformly distributed unsigned 32-bit integer. */
  nextU32(): number;
}

/** Uniform float in [0, 1) drawn from a RandomSource. */
export function nextFloat(rng: RandomSource): number {
  return rng.nextU32() / 0x1_0000_0000;
}

/**
 * xoshiro128** seeded through splitmix32: small, fast, and good enough for
 * fault injection and ISN secrets in a playground (not for cryptography).
 */
export function createSeededRandom(seed: number): RandomSource {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  if ((a | b | c | d) === 0) a = 1;
  return {
    nextU32(): number {
      const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = rotl(d, 11);
      return result;
    },
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
