import { describe, expect, it } from 'vitest';
import { createIsnGenerator } from './isn.ts';
import { createSeededRandom } from './random.ts';

const tuple = { localAddr: 0x0a000001, localPort: 49152, remoteAddr: 0x0a000002, remotePort: 80 };

describe('ISN generation (RFC 6528)', () => {
  it('is reproducible from the seed', () => {
    const a = createIsnGenerator(createSeededRandom(1));
    const b = createIsnGenerator(createSeededRandom(1));
    expect(a(tuple, 1000)).toBe(b(tuple, 1000));
  });

  it('differs between keys and between 4-tuples', () => {
    const a = createIsnGenerator(createSeededRandom(1));
    const b = createIsnGenerator(createSeededRandom(2));
    expect(a(tuple, 0)).not.toBe(b(tuple, 0));
    expect(a(tuple, 0)).not.toBe(a({ ...tuple, localPort: 49153 }, 0));
  });

  it('advances with the 4 µs clock for the same 4-tuple', () => {
    const g = createIsnGenerator(createSeededRandom(3));
    const d = (g(tuple, 10) - g(tuple, 0)) >>> 0;
    expect(d).toBe(2500);
  });

  it('stays an unsigned 32-bit number', () => {
    const g = createIsnGenerator(createSeededRandom(4));
    for (let t = 0; t < 1e9; t += 1.7e7) {
      const isn = g(tuple, t);
      expect(Number.isInteger(isn) && isn >= 0 && isn <= 0xffffffff).toBe(true);
    }
  });
});
