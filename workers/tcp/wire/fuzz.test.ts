// Throw anything at the decoder and the layout: they must never throw, every refusal must say
// why, and every layout range must lie inside the bytes. Deterministic: a fixed-seed PRNG, and
// the failing case's seed and bytes are printed.
import { describe, expect, it } from 'vitest';
import { decodePacket } from './packet.ts';
import { packetLayout } from './layout.ts';
import { FIXTURES, fixtureBytes, refreshChecksums, toHex } from './test-fixtures.ts';

/** xorshift32: small, fast, reproducible. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

function check(bytes: Uint8Array, what: string): 'ok' | 'refused' {
  let verdict: 'ok' | 'refused';
  try {
    const r = decodePacket(bytes);
    if (!r.ok) {
      if (typeof r.reason !== 'string' || r.reason.length === 0) throw new Error('empty reason');
      verdict = 'refused';
    } else {
      verdict = 'ok';
    }
    for (const field of packetLayout(bytes)) {
      if (!(field.offset >= 0 && field.length > 0 && field.offset + field.length <= bytes.length) || field.label === '') {
        throw new Error(`layout field ${JSON.stringify(field)} outside ${bytes.length} bytes`);
      }
    }
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message} on bytes ${toHex(bytes)}`);
  }
  return verdict;
}

const SEED = 0x5eed;
const RUNS = 20_000;

describe('fuzz (seed 0x5eed)', () => {
  it(`survives ${RUNS} random byte strings`, () => {
    const next = prng(SEED);
    let refused = 0;
    for (let run = 0; run < RUNS; run++) {
      const bytes = new Uint8Array(next() % 120);
      for (let i = 0; i < bytes.length; i++) bytes[i] = next();
      // Often make it look like IPv4 with a plausible length so the deeper checks get exercised.
      if (run % 2 === 0 && bytes.length > 0) bytes[0] = 0x45;
      if (run % 4 === 0 && bytes.length >= 20) {
        bytes[2] = 0;
        bytes[3] = bytes.length;
        bytes[9] = 6;
        refreshChecksums(bytes);
      }
      if (check(bytes, `random #${run}`) === 'refused') refused++;
    }
    expect(refused).toBeGreaterThan(RUNS / 2);
  });

  it(`survives ${RUNS} mutations of valid packets`, () => {
    const next = prng(SEED + 1);
    const outcomes = { ok: 0, refused: 0 };
    for (let run = 0; run < RUNS; run++) {
      let bytes = fixtureBytes(next() % FIXTURES.length);
      const edits = 1 + (next() % 4);
      for (let e = 0; e < edits; e++) {
        const at = next() % bytes.length;
        if (next() % 2 === 0) bytes[at] = next();
        else bytes[at]! ^= 1 << (next() % 8);
      }
      // Sometimes cut or extend, sometimes repair the checksums so the option parser is reached.
      const shape = next() % 8;
      if (shape === 0) bytes = bytes.subarray(0, next() % bytes.length);
      if (shape === 1) {
        const longer = new Uint8Array(bytes.length + (next() % 16));
        longer.set(bytes);
        bytes = longer;
      }
      if (shape >= 4) refreshChecksums(bytes);
      outcomes[check(bytes, `mutation #${run}`)]++;
    }
    // Both paths are exercised, not just the first check.
    expect(outcomes.ok).toBeGreaterThan(1000);
    expect(outcomes.refused).toBeGreaterThan(1000);
  });
});
