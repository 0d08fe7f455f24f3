import { describe, expect, it } from 'vitest';
import type { RandomSource } from '../random.ts';
import { createSeededRandom } from '../random.ts';
import { Flag } from '../wire/types.ts';
import { addr, buildPacket, packetId, tcpChecksumOk } from './fake-endpoints.ts';
import { validateFaultConfig } from './fault-config.ts';
import { Rules } from './fault-rules.ts';
import { createFaultInjector, FaultInjector } from './faults.ts';
import type { FaultEvent } from './faults.ts';

const A = addr(10, 0, 0, 1);
const B = addr(10, 0, 0, 2);

/** A random source that yields the given floats, then values just under 1 (which trigger nothing). */
function scripted(floats: number[]): RandomSource {
  let i = 0;
  return {
    nextU32: () => {
      const f = floats[i++];
      return f === undefined ? 0xffffffff : Math.floor(f * 0x1_0000_0000);
    },
  };
}

function harness(random: RandomSource = createSeededRandom(1)) {
  const out: Array<{ id: number; at: number; packet: Uint8Array }> = [];
  const faults: FaultEvent[] = [];
  const inj = new FaultInjector({
    random,
    deliver: (packet, at) => out.push({ id: packetId(packet), at, packet }),
    onFault: (ev) => faults.push(ev),
  });
  return { inj, out, faults, ids: () => out.map((d) => d.id) };
}

const pkt = (id: number, flags: number = Flag.ACK, payload = 0) => buildPacket({ src: A, dst: B, id, flags, payload });

describe('FaultInjector: no faults', () => {
  it('passes every packet through at once, in order, and reports nothing', () => {
    const { inj, out, faults } = harness();
    for (let i = 0; i < 5; i++) inj.process(pkt(i), 10 * i);
    expect(out.map((d) => [d.id, d.at])).toEqual([
      [0, 0],
      [1, 10],
      [2, 20],
      [3, 30],
      [4, 40],
    ]);
    expect(faults).toEqual([]);
    expect(inj.counters()).toMatchObject({ processed: 5, forwarded: 5, loss: 0 });
    expect(inj.nextDeadline()).toBeNull();
  });
});

describe('FaultInjector: random faults', () => {
  it('loss drops the packets whose draw is under the probability', () => {
    const { inj, ids, faults } = harness(scripted([0.5, 0.1, 0.9, 0.29, 0.31]));
    expect(inj.setConfig({ loss: 0.3 }).ok).toBe(true);
    for (let i = 0; i < 5; i++) inj.process(pkt(i), 0);
    expect(ids()).toEqual([0, 2, 4]);
    expect(faults.map((f) => f.fault)).toEqual(['loss', 'loss']);
    expect(inj.counters().loss).toBe(2);
  });

  it('duplicate delivers the same bytes twice', () => {
    const { inj, out } = harness();
    inj.setConfig({ duplicate: 1 });
    const p = pkt(7);
    inj.process(p, 3);
    expect(out.length).toBe(2);
    expect(out[0]?.packet).toBe(p);
    expect(out[1]?.packet).toBe(p);
    expect(out.map((d) => d.at)).toEqual([3, 3]);
    expect(inj.counters()).toMatchObject({ duplicate: 1, forwarded: 2 });
  });

  it('reorder holds a packet until `reorderGap` later packets have passed', () => {
    // Only the reorder draw is made per packet: packet 0 is held, the rest pass.
    const { inj, ids, faults } = harness(scripted([0]));
    inj.setConfig({ reorder: 0.5, reorderGap: 2 });
    for (let i = 0; i < 5; i++) inj.process(pkt(i), i);
    expect(ids()).toEqual([1, 2, 0, 3, 4]);
    expect(faults.map((f) => [f.t, f.fault, f.detail.split(' ')[0]])).toEqual([
      [0, 'reorder', 'held'],
      [2, 'reorder', 'released'],
    ]);
  });

  it('a held packet is released by timeout through poll() when no later packet comes', () => {
    const { inj, out } = harness(scripted([0.9, 0]));
    inj.setConfig({ reorder: 0.5, reorderGap: 3, reorderTimeout: 40 });
    inj.process(pkt(0), 0);
    inj.process(pkt(1), 10);
    expect(inj.nextDeadline()).toBe(50);
    inj.poll(49);
    expect(out.length).toBe(1);
    inj.poll(50);
    expect(out.map((d) => [d.id, d.at])).toEqual([
      [0, 0],
      [1, 50],
    ]);
    expect(inj.nextDeadline()).toBeNull();
  });

  it('delay adds a fixed time; jitter spreads it within ±jitter', () => {
    const fixed = harness();
    fixed.inj.setConfig({ delay: 25 });
    fixed.inj.process(pkt(0), 100);
    expect(fixed.out[0]?.at).toBe(125);

    const { inj, out } = harness(createSeededRandom(3));
    inj.setConfig({ delay: 50, jitter: 10 });
    for (let i = 0; i < 1000; i++) inj.process(pkt(i), 0);
    const times = out.map((d) => d.at);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(40);
    expect(Math.max(...times)).toBeLessThanOrEqual(60);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(15);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    expect(Math.abs(mean - 50)).toBeLessThan(1);
  });

  it('jitter larger than the delay never delivers before the packet was offered', () => {
    const { inj, out } = harness(createSeededRandom(4));
    inj.setConfig({ delay: 1, jitter: 20 });
    for (let i = 0; i < 200; i++) inj.process(pkt(i), 5);
    expect(Math.min(...out.map((d) => d.at))).toBe(5);
  });

  it('corrupt delivers a modified copy whose TCP checksum fails; the original is untouched', () => {
    for (let seed = 0; seed < 300; seed++) {
      const { inj, out, faults } = harness(createSeededRandom(seed));
      inj.setConfig({ corrupt: 1 });
      const p = pkt(seed, Flag.ACK | Flag.PSH, seed % 50);
      const before = p.slice();
      inj.process(p, 0);
      const got = out[0]?.packet as Uint8Array;
      expect(got).not.toBe(p);
      expect(got).not.toEqual(p);
      expect(p).toEqual(before);
      expect(tcpChecksumOk(p)).toBe(true);
      expect(tcpChecksumOk(got)).toBe(false);
      expect(got.subarray(0, 20)).toEqual(p.subarray(0, 20)); // IPv4 header intact: still routable
      expect(faults[0]?.fault).toBe('corrupt');
      expect(faults[0]?.bytes).toBe(got);
    }
  });
});

describe('FaultInjector: bandwidth and queue', () => {
  it('serializes packets one after another at the configured rate', () => {
    const { inj, out } = harness();
    inj.setConfig({ rateBytesPerSec: 10_000 });
    for (let i = 0; i < 10; i++) inj.process(pkt(i, Flag.ACK, 960), 0); // 1000-byte packets
    expect(out.map((d) => d.at)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
  });

  it('an idle link sends a packet without queueing delay beyond its own serialization', () => {
    const { inj, out } = harness();
    inj.setConfig({ rateBytesPerSec: 10_000, delay: 5 });
    inj.process(pkt(0, Flag.ACK, 960), 0);
    inj.process(pkt(1, Flag.ACK, 960), 1000);
    expect(out.map((d) => d.at)).toEqual([105, 1105]);
  });

  it('tail-drops packets that do not fit in the queue limit', () => {
    const { inj, ids, faults } = harness();
    inj.setConfig({ rateBytesPerSec: 10_000, queueLimitBytes: 3000 });
    for (let i = 0; i < 10; i++) inj.process(pkt(i, Flag.ACK, 960), 0);
    expect(ids()).toEqual([0, 1, 2]);
    expect(inj.counters()['rate-limit']).toBe(7);
    expect(faults.every((f) => f.fault === 'rate-limit')).toBe(true);
    // Once the queue has drained by one packet, there is room for one more.
    inj.process(pkt(10, Flag.ACK, 960), 100);
    inj.process(pkt(11, Flag.ACK, 960), 100);
    expect(ids()).toEqual([0, 1, 2, 10]);
  });
});

describe('FaultInjector: targeted rules', () => {
  it('drops the next SYN,ACK only', () => {
    const { inj, ids, faults } = harness();
    expect(inj.addRule(Rules.synAck(), 0).ok).toBe(true);
    inj.process(pkt(0, Flag.SYN), 0);
    inj.process(pkt(1, Flag.SYN | Flag.ACK), 0);
    inj.process(pkt(2, Flag.SYN | Flag.ACK), 0);
    inj.process(pkt(3, Flag.ACK), 0);
    expect(ids()).toEqual([0, 2, 3]);
    expect(faults.map((f) => f.fault)).toEqual(['rule']);
    expect(inj.rules()).toEqual([]);
  });

  it('drops the next N FINs, counting only FINs', () => {
    const { inj, ids } = harness();
    inj.addRule(Rules.fin(2), 0);
    const flags = [Flag.ACK, Flag.FIN | Flag.ACK, Flag.ACK, Flag.FIN | Flag.ACK, Flag.FIN | Flag.ACK];
    flags.forEach((f, i) => inj.process(pkt(i, f), 0));
    expect(ids()).toEqual([0, 2, 4]);
  });

  it('pure ACK rule skips data segments and SYN/FIN/RST', () => {
    const { inj, ids } = harness();
    inj.addRule(Rules.pureAck(), 0);
    inj.process(pkt(0, Flag.SYN), 0);
    inj.process(pkt(1, Flag.ACK | Flag.PSH, 100), 0);
    inj.process(pkt(2, Flag.FIN | Flag.ACK), 0);
    inj.process(pkt(3, Flag.ACK), 0);
    inj.process(pkt(4, Flag.ACK), 0);
    expect(ids()).toEqual([0, 1, 2, 4]);
  });

  it('data rule drops segments with payload only', () => {
    const { inj, ids } = harness();
    inj.addRule(Rules.data(2), 0);
    [0, 10, 0, 10, 10].forEach((len, i) => inj.process(pkt(i, Flag.ACK, len), 0));
    expect(ids()).toEqual([0, 2, 4]);
  });

  it('drops exactly the n-th packet from now', () => {
    const { inj, ids } = harness();
    inj.process(pkt(0), 0);
    inj.addRule(Rules.nth(3), 0);
    for (let i = 1; i <= 6; i++) inj.process(pkt(i), 0);
    expect(ids()).toEqual([0, 1, 2, 4, 5, 6]);
  });

  it('an nth rule counts packets that other rules dropped', () => {
    const { inj, ids } = harness();
    inj.addRule(Rules.synAck(), 0);
    inj.addRule(Rules.nth(2), 0);
    inj.process(pkt(0, Flag.SYN | Flag.ACK), 0);
    inj.process(pkt(1), 0);
    inj.process(pkt(2), 0);
    expect(ids()).toEqual([2]);
  });

  it('a blackout drops everything for its duration, then nothing', () => {
    const { inj, ids } = harness();
    inj.addRule(Rules.blackout(500), 1000);
    for (let t = 900; t <= 1700; t += 100) inj.process(pkt(t), t);
    expect(ids()).toEqual([900, 1500, 1600, 1700]);
    expect(inj.rules()).toEqual([]);
    expect(inj.counters().rule).toBe(5);
  });

  it('rules come before random loss, and removeRule/clearRules disarm them', () => {
    const { inj, ids } = harness();
    const r = inj.addRule(Rules.nth(1), 0);
    inj.addRule(Rules.nth(2), 0);
    expect(r.ok && inj.removeRule(r.id)).toBe(true);
    inj.clearRules();
    inj.process(pkt(0), 0);
    inj.process(pkt(1), 0);
    expect(ids()).toEqual([0, 1]);
  });

  it('refuses malformed rules with a reason', () => {
    const { inj } = harness();
    expect(inj.addRule({ kind: 'nth', n: 0 }, 0)).toEqual({ ok: false, reason: 'n must be an integer ≥ 1, got 0' });
    expect(inj.addRule({ kind: 'blackout', duration: -5 }, 0).ok).toBe(false);
    expect(inj.addRule({ kind: 'match', set: Flag.SYN, clear: Flag.SYN }, 0)).toMatchObject({ ok: false });
    expect(inj.addRule({ kind: 'match', set: 300 }, 0)).toMatchObject({ ok: false });
    expect(inj.addRule({ kind: 'match', count: 1.5 }, 0)).toMatchObject({ ok: false });
    expect(inj.addRule({ kind: 'bogus' } as never, 0)).toMatchObject({ ok: false });
    expect(inj.rules()).toEqual([]);
  });
});

describe('fault config validation', () => {
  it('fills defaults', () => {
    expect(validateFaultConfig({ loss: 0.1 })).toEqual({
      ok: true,
      config: {
        loss: 0.1,
        duplicate: 0,
        reorder: 0,
        reorderGap: 3,
        reorderTimeout: 100,
        delay: 0,
        jitter: 0,
        corrupt: 0,
        rateBytesPerSec: 0,
        queueLimitBytes: 0,
      },
    });
  });

  it.each([
    [{ loss: 1.5 }, 'loss must be between 0 and 1, got 1.5'],
    [{ duplicate: -0.1 }, 'duplicate must be between 0 and 1, got -0.1'],
    [{ corrupt: Number.NaN }, 'corrupt must be a finite number'],
    [{ delay: -1 }, 'delay must be ≥ 0, got -1'],
    [{ jitter: Infinity }, 'jitter must be a finite number'],
    [{ reorderGap: 0 }, 'reorderGap must be an integer ≥ 1, got 0'],
    [{ reorderGap: 2.5 }, 'reorderGap must be an integer ≥ 1, got 2.5'],
    [{ reorderTimeout: 0 }, 'reorderTimeout must be > 0, got 0'],
    [{ rateBytesPerSec: -100 }, 'rateBytesPerSec must be ≥ 0, got -100'],
    [{ loss: '0.1' }, 'loss must be a finite number'],
    [{ lossRate: 0.1 }, 'unknown fault option "lossRate"'],
    [null, 'fault config must be an object'],
  ])('refuses %j', (config, reason) => {
    expect(validateFaultConfig(config)).toEqual({ ok: false, reason });
  });

  it('an injector keeps its old config when a new one is refused', () => {
    const { inj } = harness();
    inj.setConfig({ loss: 0.2 });
    expect(inj.setConfig({ loss: 2 }).ok).toBe(false);
    expect(inj.config.loss).toBe(0.2);
  });

  it('createFaultInjector reports an invalid initial config instead of throwing', () => {
    const r = createFaultInjector({ random: createSeededRandom(1), deliver: () => {}, config: { delay: -3 } });
    expect(r).toEqual({ ok: false, reason: 'delay must be ≥ 0, got -3' });
  });
});
