// Fuzz: random bytes and mutated valid segments delivered in every state. Nothing may throw,
// bad packets are dropped and counted, and the TCB's invariants hold afterwards.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FIXTURE_STATES, fixture, type StateFixture } from './test-support/fixtures.ts';
import { stateOf } from './test-support/pair.ts';
import { encodePacket } from './wire/packet.ts';
import { STATES } from './state.ts';
import { seqLe } from './seq.ts';
import type { TcpSegment } from './wire/types.ts';

const A = 0x0a000001;
const B = 0x0a000002;

function checkInvariants(f: StateFixture): void {
  if (f.conn === null) return;
  const s = f.side.host.status(f.conn);
  if (!s.ok) return; // released
  const t = s.value;
  expect(STATES).toContain(t.state);
  expect(seqLe(t.sndUna, t.sndNxt), `SND.UNA ${t.sndUna} ≤ SND.NXT ${t.sndNxt}`).toBe(true);
  expect(t.rcvWnd).toBeGreaterThanOrEqual(0);
  expect(t.sndWnd).toBeGreaterThanOrEqual(0);
  expect(t.recvQueued).toBeGreaterThanOrEqual(0);
  expect(t.rto).toBeGreaterThan(0);
  for (const d of Object.values(t.timers)) expect(Number.isFinite(d)).toBe(true);
}

const segmentArb = (f: StateFixture, base: { seq: number; ack: number }) =>
  fc.record({
    seqDelta: fc.oneof(fc.integer({ min: -3000, max: 70_000 }), fc.constant(0), fc.nat({ max: 0xffffffff })),
    ackDelta: fc.oneof(fc.integer({ min: -3000, max: 3000 }), fc.constant(0), fc.nat({ max: 0xffffffff })),
    flags: fc.nat({ max: 0xff }),
    window: fc.nat({ max: 0xffff }),
    len: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1460 })),
    mss: fc.option(fc.integer({ min: 0, max: 0xffff }), { nil: undefined }),
    ws: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
    ts: fc.option(fc.tuple(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff })), { nil: undefined }),
    sackPermitted: fc.boolean(),
    wrongPort: fc.boolean(),
  }).map((r): TcpSegment => ({
    srcPort: r.wrongPort ? 1 : f.remotePort,
    dstPort: f.localPort,
    seq: (base.seq + r.seqDelta) >>> 0,
    ack: (base.ack + r.ackDelta) >>> 0,
    flags: r.flags,
    window: r.window,
    urgent: 0,
    options: {
      ...(r.mss !== undefined ? { mss: r.mss } : {}),
      ...(r.ws !== undefined ? { windowScale: r.ws } : {}),
      ...(r.ts !== undefined ? { timestamps: { tsVal: r.ts[0], tsEcr: r.ts[1] } } : {}),
      ...(r.sackPermitted ? { sackPermitted: true } : {}),
    },
    payload: new Uint8Array(r.len).fill(0x61),
  }));

describe('fuzz: never a throw, invariants hold, in every state', () => {
  for (const state of FIXTURE_STATES) {
    it(`${state}: mutated valid segments (checksums valid, fields random around the TCB)`, () => {
      fc.assert(
        fc.property(fc.integer(), (seed) => {
          const f = fixture(state);
          const st = f.conn !== null ? f.side.host.status(f.conn) : null;
          const base = st && st.ok ? { seq: st.value.rcvNxt, ack: st.value.sndNxt } : { seq: 7, ack: 0 };
          const segs = fc.sample(segmentArb(f, base), { seed, numRuns: 12 });
          let now = f.now;
          for (const seg of segs) {
            now += 7;
            const src = f.side.host.address === A ? B : A;
            f.side.host.input(encodePacket({ src, dst: f.side.host.address }, seg), now);
            f.side.host.takeOutput();
            checkInvariants(f);
            const d = f.side.host.nextDeadline();
            if (d !== null && d <= now) f.side.host.poll(now);
          }
          // Time runs out every timer without a throw.
          for (let i = 0; i < 50; i++) {
            const d = f.side.host.nextDeadline();
            if (d === null) break;
            f.side.host.poll(d);
            f.side.host.takeOutput();
            checkInvariants(f);
          }
        }),
        { seed: 0x5eed + state.length, numRuns: 60 },
      );
    });

    it(`${state}: random bytes and bit-flipped packets are dropped and counted`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 120 }), fc.nat(), (junk, flip) => {
          const f = fixture(state);
          const before = f.conn !== null ? stateOf(f.side, f.conn) : null;
          const dropCount = () => Object.values(f.side.host.stats.dropped).reduce((n, x) => n + (x ?? 0), 0);
          f.side.host.input(junk, f.now + 1);
          f.side.host.takeOutput();
          const droppedBefore = dropCount();
          // A valid segment with one bit flipped: the checksum must catch it.
          const valid = encodePacket({ src: f.side.host.address === A ? B : A, dst: f.side.host.address }, {
            srcPort: f.remotePort, dstPort: f.localPort, seq: 1, ack: 1, flags: 0x10, window: 100, urgent: 0, options: {}, payload: new Uint8Array(20),
          });
          const bad = valid.slice();
          const bit = 20 * 8 + (flip % ((bad.length - 20) * 8));
          bad[bit >> 3]! ^= 1 << (bit & 7);
          const checksumDropsBefore = f.side.host.stats.dropped['bad-checksum'] ?? 0;
          f.side.host.input(bad, f.now + 2);
          // Dropped and counted as a bad checksum, wherever the flipped bit is (data offset included).
          expect(dropCount()).toBe(droppedBefore + 1);
          expect(f.side.host.stats.dropped['bad-checksum'] ?? 0).toBe(checksumDropsBefore + 1);
          expect(f.side.host.takeOutput()).toEqual([]);
          if (f.conn !== null && before !== null) expect(stateOf(f.side, f.conn)).toBe(before);
          checkInvariants(f);
        }),
        { seed: 42 + state.length, numRuns: 100 },
      );
    });
  }
});
