import { describe, expect, it } from 'vitest';
import { decodePacket } from './tcp/wire/packet.ts';
import { Flag } from './tcp/wire/types.ts';
import { encodePacket } from './tcp/wire/packet.ts';
import { createSeededRandom } from './tcp/random.ts';
import { FaultInjector } from './tcp/sim/faults.ts';
import { Rules } from './tcp/sim/fault-rules.ts';
import { tcpChecksumOk } from './tcp/sim/fake-endpoints.ts';
import type { TraceEvent } from './tcp/trace.ts';
import { directionSeed, LinkFaults } from './link-faults.ts';

/** A packet whose IPv4 ID is `i`, so tests can tell them apart. */
function mk(i: number, flags: number = Flag.ACK): Uint8Array {
  return encodePacket(
    { src: 0x0a000101, dst: 0x0a000102, id: i },
    { srcPort: 1, dstPort: 2, seq: i, ack: 0, flags, window: 100, urgent: 0, options: {}, payload: new Uint8Array(4) },
  );
}
const idOf = (p: Uint8Array) => ((p[4] ?? 0) << 8) | (p[5] ?? 0);

function harness(seed = 42) {
  const sent: number[] = [];
  const got: Array<{ id: number; at: number; bytes: Uint8Array }> = [];
  const trace: Array<Extract<TraceEvent, { type: 'fault' }>> = [];
  const lf = new LinkFaults({
    seed,
    host: () => '10.0.1.1',
    trace: (e) => {
      if (e.type === 'fault') trace.push(e);
    },
    send: (p) => sent.push(idOf(p)),
    receive: (p, now) => got.push({ id: idOf(p), at: now, bytes: p }),
  });
  return { lf, sent, got, trace };
}

describe('LinkFaults (the worker’s adapter over the core’s FaultInjector)', () => {
  it('drops and duplicates exactly the same packets for a fixed seed, per direction', () => {
    const { lf, sent, got, trace } = harness(42);
    expect(lf.setConfig('out', { loss: 0.25 }).ok).toBe(true);
    expect(lf.setConfig('in', { loss: 0.1, duplicate: 0.1 }).ok).toBe(true);
    for (let i = 0; i < 20; i++) {
      lf.process('out', mk(i), i);
      lf.process('in', mk(i), i);
    }
    const all = Array.from({ length: 20 }, (_, i) => i);
    expect(all.filter((i) => !sent.includes(i))).toEqual([1, 6, 11, 13]);
    expect(all.filter((i) => !got.some((g) => g.id === i))).toEqual([4, 13, 16]);
    expect(all.filter((i) => got.filter((g) => g.id === i).length === 2)).toEqual([7, 10]);
    // One trace event per fault, with host and direction.
    expect(trace.filter((e) => e.dir === 'out' && e.fault === 'loss').map((e) => idOf(e.bytes))).toEqual([1, 6, 11, 13]);
    expect(trace.filter((e) => e.dir === 'in' && e.fault === 'loss').map((e) => idOf(e.bytes))).toEqual([4, 13, 16]);
    expect(trace.filter((e) => e.dir === 'in' && e.fault === 'duplicate').map((e) => idOf(e.bytes))).toEqual([7, 10]);
    expect(trace.every((e) => e.host === '10.0.1.1' && e.type === 'fault')).toBe(true);
    expect(lf.status('out').counters).toMatchObject({ processed: 20, loss: 4 });
    expect(lf.status('in').counters).toMatchObject({ processed: 20, loss: 3, duplicate: 2 });
  });

  it('is the core injector, seeded per direction: a bare FaultInjector with that seed agrees', () => {
    const { lf, sent } = harness(7);
    lf.setConfig('out', { loss: 0.3, reorder: 0.2, reorderGap: 2 });
    const bare: number[] = [];
    const inj = new FaultInjector({ random: createSeededRandom(directionSeed(7, 'out')), deliver: (p) => bare.push(idOf(p)) });
    inj.setConfig({ loss: 0.3, reorder: 0.2, reorderGap: 2 });
    for (let i = 0; i < 200; i++) {
      lf.process('out', mk(i), i);
      inj.process(mk(i), i);
    }
    expect(sent).toEqual(bare);
  });

  it('replays: the same seed and config give the same run, another seed another', () => {
    const run = (seed: number) => {
      const h = harness(seed);
      h.lf.setConfig('out', { loss: 0.1, duplicate: 0.05, reorder: 0.1, corrupt: 0.05 });
      for (let i = 0; i < 300; i++) h.lf.process('out', mk(i), i);
      h.lf.poll(10_000);
      return h.sent;
    };
    expect(run(99)).toEqual(run(99));
    expect(run(99)).not.toEqual(run(100));
  });

  it('holds delayed packets in its delay line until their stack time, and says when that is', () => {
    const { lf, got } = harness();
    lf.setConfig('in', { delay: 30, rateBytesPerSec: 0 });
    lf.process('in', mk(1), 100);
    lf.process('in', mk(2), 110);
    expect(got).toEqual([]);
    expect(lf.nextDeadline()).toBe(130);
    lf.poll(129);
    expect(got).toEqual([]);
    lf.poll(130);
    expect(got.map((g) => [g.id, g.at])).toEqual([[1, 130]]);
    expect(lf.nextDeadline()).toBe(140);
    lf.poll(200);
    expect(got.map((g) => g.id)).toEqual([1, 2]);
    expect(lf.nextDeadline()).toBeNull();
  });

  it('paces a bandwidth limit: 10 packets of 44 bytes at 4,400 B/s leave 10 ms apart', () => {
    const { lf, got } = harness();
    lf.setConfig('in', { rateBytesPerSec: 4400 });
    for (let i = 0; i < 10; i++) lf.process('in', mk(i), 0);
    for (let t = 0; t <= 100; t++) lf.poll(t);
    expect(mk(0).length).toBe(44);
    expect(got.map((g) => g.at)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  });

  it('corrupts so that the receiver’s checksum check fails (and the sender’s bytes stay intact)', () => {
    const { lf, got, trace } = harness(3);
    lf.setConfig('in', { corrupt: 1 });
    const originals = Array.from({ length: 50 }, (_, i) => mk(i));
    const copies = originals.map((p) => p.slice());
    for (const p of originals) lf.process('in', p, 0);
    expect(got).toHaveLength(50);
    expect(originals).toEqual(copies);
    let checksumReasons = 0;
    for (const g of got) {
      // The TCP checksum no longer adds up, so the receiver drops it. (A flip in the data-offset
      // field is reported by the codec as a malformed header before it gets to the checksum.)
      expect(tcpChecksumOk(g.bytes)).toBe(false);
      const d = decodePacket(g.bytes);
      expect(d.ok).toBe(false);
      if (!d.ok && /checksum/i.test(d.reason)) checksumReasons++;
    }
    expect(checksumReasons).toBeGreaterThan(40);
    expect(trace.filter((e) => e.fault === 'corrupt')).toHaveLength(50);
  });

  it('targeted rules: the next SYN,ACK, the 3rd packet, and a pulled cable', () => {
    const { lf, sent, trace } = harness();
    expect(lf.addRule('out', Rules.synAck(), 0).ok).toBe(true);
    lf.process('out', mk(1, Flag.SYN), 0);
    lf.process('out', mk(2, Flag.SYN | Flag.ACK), 0);
    lf.process('out', mk(3, Flag.SYN | Flag.ACK), 0);
    expect(sent).toEqual([1, 3]);
    lf.addRule('out', Rules.nth(3), 0);
    for (let i = 10; i < 15; i++) lf.process('out', mk(i), 0);
    expect(sent).toEqual([1, 3, 10, 11, 13, 14]);
    lf.addRule('out', Rules.blackout(1000), 100);
    lf.process('out', mk(20), 500);
    lf.process('out', mk(21), 1099);
    lf.process('out', mk(22), 1100);
    expect(sent.slice(-1)).toEqual([22]);
    expect(trace.filter((e) => e.fault === 'rule')).toHaveLength(4);
    expect(lf.status('out').rules).toEqual([]);
  });

  it('refuses a bad config with a reason and keeps the old one', () => {
    const { lf } = harness();
    lf.setConfig('out', { loss: 0.5 });
    const r = lf.setConfig('out', { loss: 2 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/loss/);
    expect(lf.status('out').config.loss).toBe(0.5);
  });
});
