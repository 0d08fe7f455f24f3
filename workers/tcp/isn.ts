// Initial sequence numbers per RFC 6528: ISN = M + F(localip, localport, remoteip, remoteport, secretkey),
// where M is a clock ticking every 4 µs and F a keyed hash. The key comes from the injected random
// source, so a seeded stack picks the same ISNs every run and a real one is unpredictable to peers.
import type { RandomSource } from './random.ts';

export interface FourTuple {
  localAddr: number;
  localPort: number;
  remoteAddr: number;
  remotePort: number;
}

export type IsnGenerator = (tuple: FourTuple, now: number) => number;

export function createIsnGenerator(random: RandomSource): IsnGenerator {
  const k0 = random.nextU32();
  const k1 = random.nextU32();
  return (t, now) => {
    const f = keyedHash(k0, k1, t.localAddr, t.remoteAddr, ((t.localPort << 16) | t.remotePort) >>> 0);
    // M: the 4 µs clock of RFC 6528 §3 (250 ticks per ms), wrapping at 2^32.
    const m = Math.floor(now * 250) % 0x1_0000_0000;
    return (m + f) >>> 0;
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * A keyed 32-bit hash of three words with the add-rotate-xor rounds of HalfSipHash-2-4
 * (two rounds per word, four to finish). Enough to keep ISNs of different 4-tuples independent
 * and unguessable without the key, which is all RFC 6528 asks of F.
 */
export function keyedHash(k0: number, k1: number, a: number, b: number, c: number): number {
  let v0 = k0 >>> 0;
  let v1 = k1 >>> 0;
  let v2 = (0x6c796765 ^ k0) >>> 0;
  let v3 = (0x74656462 ^ k1) >>> 0;
  const round = (): void => {
    v0 = (v0 + v1) >>> 0; v1 = rotl(v1, 5); v1 ^= v0; v0 = rotl(v0, 16);
    v2 = (v2 + v3) >>> 0; v3 = rotl(v3, 8); v3 ^= v2;
    v0 = (v0 + v3) >>> 0; v3 = rotl(v3, 7); v3 ^= v0;
    v2 = (v2 + v1) >>> 0; v1 = rotl(v1, 13); v1 ^= v2; v2 = rotl(v2, 16);
  };
  for (const m of [a, b, c, 12 << 24]) {
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
  v2 ^= 0xff;
  round(); round(); round(); round();
  return (v1 ^ v3) >>> 0;
}
