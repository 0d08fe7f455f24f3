// Property tests: the core over a simulated lossy network, both profiles, fixed seeds.
// Every byte arrives exactly once and in order (each byte compared with what was sent),
// nothing throws, and both sides end CLOSED (after TIME-WAIT where it applies).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runTransfer, type CloseOrder } from './sim/transfer.ts';
import { PROFILES, type ProfileName } from './settings.ts';

/** Generous retry limits: at 30% loss both ways a connection must not give up inside a test. */
const ROBUST = { synRetries: 30, dataRetries: 30, maxRto: 4_000, msl: 1_000 } as const;

const caseArb = fc.record({
  seed: fc.integer({ min: 0, max: 0x7fffffff }),
  clientBytes: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 3000, max: 120_000 })),
  serverBytes: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 3000, max: 40_000 })),
  loss: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.3, noNaN: true })),
  duplicate: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.1, noNaN: true })),
  reorder: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.2, noNaN: true })),
  corrupt: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.05, noNaN: true })),
  latency: fc.integer({ min: 1, max: 60 }),
  jitter: fc.integer({ min: 0, max: 10 }),
  closeOrder: fc.constantFrom<CloseOrder>('client-first', 'server-first', 'simultaneous'),
  receiveBufferSize: fc.constantFrom(8_192, 65_536, 262_144),
});

function property(profile: ProfileName, numRuns: number, seed: number) {
  fc.assert(
    fc.property(caseArb, (c) => {
      const r = runTransfer({
        seed: c.seed,
        settings: { ...PROFILES[profile], ...ROBUST, receiveBufferSize: c.receiveBufferSize },
        clientBytes: c.clientBytes,
        serverBytes: c.serverBytes,
        faults: { loss: c.loss, duplicate: c.duplicate, reorder: c.reorder, corrupt: c.corrupt, jitter: c.jitter },
        latency: c.latency,
        closeOrder: c.closeOrder,
        maxTime: 2_000_000,
      });
      if (r.problems.length > 0) {
        throw new Error(`${profile} case failed (replay with seed ${c.seed}): ${r.problems.join('; ')}\n${JSON.stringify(c)}`);
      }
    }),
    { seed, numRuns, verbose: 1 },
  );
}

describe('property: reliable, ordered, exactly-once delivery and a clean close over a lossy network', () => {
  it('textbook profile: 500 random transfers with loss ≤ 30%, duplication, reordering, corruption', () => {
    property('textbook', 500, 0x7cb0);
  });

  it('modern profile: 500 random transfers with loss ≤ 30%, duplication, reordering, corruption', () => {
    property('modern', 500, 0x30de);
  });

  it('the same seed gives the same run (determinism)', () => {
    const opts = {
      seed: 99, settings: { ...PROFILES.modern, ...ROBUST }, clientBytes: 50_000, serverBytes: 10_000,
      faults: { loss: 0.1, reorder: 0.1, duplicate: 0.05 }, latency: 7,
    };
    const a = runTransfer(opts);
    const b = runTransfer(opts);
    expect(a.problems).toEqual([]);
    expect([a.duration, a.steps, a.packets]).toEqual([b.duration, b.steps, b.packets]);
  });
});
