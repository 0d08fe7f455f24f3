import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../trace.ts';
import { Flag } from '../wire/types.ts';
import { addr, buildPacket, echoEndpoint, FakeEndpoint, packetId, tcpChecksumOk } from './fake-endpoints.ts';
import type { FaultConfig } from './fault-config.ts';
import { Rules } from './fault-rules.ts';
import { createSimNetwork } from './network.ts';
import type { HostOptions, SimHost, SimNetwork } from './network.ts';

const A = addr(10, 0, 0, 1);
const B = addr(10, 0, 0, 2);
const NOWHERE = addr(192, 168, 9, 9);

function mustAdd(net: SimNetwork, endpoint: FakeEndpoint, options?: HostOptions): SimHost {
  const r = net.addHost(endpoint, options);
  if (!r.ok) throw new Error(r.reason);
  return r.host;
}

/** A sender at A and a plain recorder at B. */
function pair(seed: number, a: HostOptions = {}, b: HostOptions = {}, trace?: (ev: TraceEvent) => void) {
  const net = createSimNetwork(trace === undefined ? { seed } : { seed, trace });
  const sender = new FakeEndpoint(A);
  const receiver = new FakeEndpoint(B);
  const hostA = mustAdd(net, sender, a);
  const hostB = mustAdd(net, receiver, b);
  return { net, sender, receiver, hostA, hostB };
}

const toB = (id: number, flags: number = Flag.ACK, payload = 0) => buildPacket({ src: A, dst: B, id, flags, payload });

describe('SimNetwork without faults', () => {
  it('delivers every packet once, in order, after exactly the two links’ latency', () => {
    const net = createSimNetwork({ seed: 1 });
    const pinger = new FakeEndpoint(A);
    const echo = echoEndpoint(B);
    mustAdd(net, pinger, { latency: 5 });
    mustAdd(net, echo, { latency: 7 });
    for (let i = 0; i < 100; i++) pinger.send(toB(i));
    const result = net.runUntilIdle();
    expect(result.reason).toBe('idle');
    expect(echo.received.map((r) => r.id)).toEqual([...Array(100).keys()]);
    expect(echo.received.every((r) => r.t === 12)).toBe(true);
    expect(pinger.received.map((r) => r.id)).toEqual([...Array(100).keys()]);
    expect(pinger.received.every((r) => r.t === 24)).toBe(true);
    expect(net.now).toBe(24);
    expect(net.stats()).toMatchObject({
      sent: 200,
      delivered: 200,
      inFlight: 0,
      dropped: { loss: 0, rule: 0, 'rate-limit': 0, 'no-route': 0 },
    });
  });

  it('sends what a user call queued between runs at the current time', () => {
    const { net, sender, receiver } = pair(1, { latency: 10 });
    net.runUntil(100);
    expect(net.now).toBe(100);
    sender.send(toB(1));
    net.runUntil(105);
    expect(receiver.received).toEqual([]);
    net.runUntil(200);
    expect(receiver.received.map((r) => [r.id, r.t])).toEqual([[1, 110]]);
  });

  it('kick() sends queued output immediately, without running', () => {
    const { net, sender, receiver } = pair(1);
    net.runUntil(50);
    sender.send(toB(9));
    net.kick();
    expect(net.pending).toBe(1);
    // The receiver's side has no faults, so the switch hop is folded into one delivery event.
    expect(net.step()).toBe(true);
    expect(net.step()).toBe(false);
    expect(receiver.received.map((r) => [r.id, r.t])).toEqual([[9, 50]]);
  });

  it('nextEventTime tells when the next delivery or timer is due, so a real-time shell can sleep', () => {
    const { net, sender } = pair(1, { latency: 5 }, { latency: 7 });
    expect(net.nextEventTime).toBeNull();
    net.runUntil(50);
    sender.send(toB(9));
    net.kick();
    const t = net.nextEventTime;
    expect(t).toBe(50 + 5 + 7);
    net.step();
    expect(net.now).toBe(t);
    expect(net.nextEventTime).toBeNull();
  });

  it('counts and drops packets for an unknown destination', () => {
    const { net, sender, receiver } = pair(1);
    sender.send(buildPacket({ src: A, dst: NOWHERE, id: 1 }));
    sender.send(new Uint8Array(10)); // too short to carry a destination
    sender.send(toB(2));
    net.runUntilIdle();
    expect(receiver.received.map((r) => r.id)).toEqual([2]);
    expect(net.stats()).toMatchObject({ sent: 3, delivered: 1, dropped: { 'no-route': 2 } });
  });

  it('refuses a duplicate address, a bad latency and an invalid link config, with reasons', () => {
    const net = createSimNetwork({ seed: 1 });
    mustAdd(net, new FakeEndpoint(A));
    expect(net.addHost(new FakeEndpoint(A))).toEqual({ ok: false, reason: 'address 10.0.0.1 is taken' });
    expect(net.addHost(new FakeEndpoint(B), { latency: -1 })).toEqual({
      ok: false,
      reason: 'latency must be a finite number ≥ 0, got -1',
    });
    expect(net.addHost(new FakeEndpoint(B), { in: { loss: 7 } })).toEqual({
      ok: false,
      reason: 'in: loss must be between 0 and 1, got 7',
    });
    expect(net.hosts().length).toBe(1);
    expect(net.host(A)?.name).toBe('10.0.0.1');
  });
});

describe('SimNetwork timers', () => {
  it('polls an endpoint exactly at its deadlines, re-reading them after every input', () => {
    const net = createSimNetwork({ seed: 1 });
    const timed = new FakeEndpoint(B, (_p, now, self) => {
      self.deadlines.push(now + 0.5); // e.g. a delayed ACK armed by the arriving packet
    });
    timed.deadlines = [10, 25.5, 100];
    const sender = new FakeEndpoint(A);
    mustAdd(net, sender, { latency: 20 });
    mustAdd(net, timed);
    sender.send(toB(1));
    const r = net.runUntilIdle();
    expect(timed.polledAt).toEqual([10, 20.5, 25.5, 100]);
    expect(r).toMatchObject({ reason: 'idle', now: 100 });
    expect(net.stats().polls).toBe(4);
  });

  it('is not idle while a host has a deadline (TIME-WAIT)', () => {
    const net = createSimNetwork({ seed: 1 });
    const tw = new FakeEndpoint(A);
    mustAdd(net, tw);
    tw.deadlines = [240_000];
    expect(net.runUntilIdle({ maxTime: 1000 })).toMatchObject({ reason: 'max-time', now: 1000 });
    expect(tw.polledAt).toEqual([]);
    expect(net.runUntilIdle()).toMatchObject({ reason: 'idle', now: 240_000 });
    expect(tw.polledAt).toEqual([240_000]);
  });

  it('picks up a deadline set by a user call between runs', () => {
    const net = createSimNetwork({ seed: 1 });
    const ep = new FakeEndpoint(A);
    mustAdd(net, ep);
    net.runUntil(30);
    ep.deadlines = [45];
    net.runUntil(50);
    expect(ep.polledAt).toEqual([45]);
    expect(net.now).toBe(50);
  });

  it('runUntil(condition) stops as soon as it holds; maxSteps guards a run', () => {
    const { net, sender, receiver } = pair(1, { latency: 1 });
    for (let i = 0; i < 10; i++) sender.send(toB(i));
    const r = net.runUntil(() => receiver.received.length >= 3, { maxTime: 1000 });
    expect(r.reason).toBe('predicate');
    expect(receiver.received.length).toBe(3);
    expect(net.runUntilIdle({ maxSteps: 2 }).reason).toBe('max-steps');
    expect(net.runUntil(() => false).reason).toBe('idle');
    expect(receiver.received.length).toBe(10);
  });
});

describe('SimNetwork faults', () => {
  function lossRun(seed: number, count: number, config: FaultConfig): number[] {
    const { net, sender, receiver } = pair(seed, { out: config });
    for (let i = 0; i < count; i++) sender.send(toB(i));
    net.runUntilIdle();
    const got = new Set(receiver.received.map((r) => r.id));
    return [...Array(count).keys()].filter((i) => !got.has(i));
  }

  it('30% loss over 10,000 packets stays within statistical bounds, reproducibly', () => {
    const dropped = lossRun(42, 10_000, { loss: 0.3 });
    // Binomial(10000, 0.3): mean 3000, sd ≈ 45.8; ±5 sd.
    expect(dropped.length).toBeGreaterThan(2770);
    expect(dropped.length).toBeLessThan(3230);
    expect(lossRun(42, 10_000, { loss: 0.3 })).toEqual(dropped);
    expect(lossRun(43, 10_000, { loss: 0.3 })).not.toEqual(dropped);
  });

  it('loss on the incoming side of the receiver drops too, and is counted', () => {
    const { net, sender, receiver } = pair(5, {}, { in: { loss: 1 } });
    for (let i = 0; i < 20; i++) sender.send(toB(i));
    net.runUntilIdle();
    expect(receiver.received).toEqual([]);
    expect(net.stats()).toMatchObject({ sent: 20, delivered: 0, dropped: { loss: 20 } });
  });

  it('duplication delivers a packet twice', () => {
    const { net, sender, receiver } = pair(1, { out: { duplicate: 1 }, latency: 3 });
    for (let i = 0; i < 5; i++) sender.send(toB(i));
    net.runUntilIdle();
    expect(receiver.received.map((r) => r.id)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
    expect(receiver.received.every((r) => r.t === 3)).toBe(true);
    expect(net.stats()).toMatchObject({ sent: 5, delivered: 10 });
  });

  it('reorder: a held packet arrives after exactly reorderGap later ones', () => {
    const gap = 3;
    const events: TraceEvent[] = [];
    const { net, sender, receiver } = pair(11, { out: { reorder: 0.05, reorderGap: gap } }, {}, (e) => events.push(e));
    // One packet per ms, so no two holds overlap in a way that hides the gap.
    for (let i = 0; i < 2000; i++) {
      sender.send(toB(i));
      net.runUntil(i + 1);
    }
    net.runUntilIdle();
    const order = receiver.received.map((r) => r.id);
    expect([...order].sort((x, y) => x - y)).toEqual([...Array(2000).keys()]);
    const held: number[] = [];
    for (const e of events) if (e.type === 'fault' && e.detail.startsWith('held')) held.push(packetId(e.bytes));
    expect(held.length).toBeGreaterThan(50);
    const heldSet = new Set(held);
    for (const id of held) {
      // Count the not-held packets sent after `id` that arrive before it.
      const pos = order.indexOf(id);
      const overtook = order.slice(0, pos).filter((o) => o > id && !heldSet.has(o)).length;
      if (id < 2000 - gap) expect(overtook).toBe(gap);
    }
  });

  it('delay and jitter keep every one-way time within delay ± jitter (plus latency)', () => {
    const { net, sender, receiver } = pair(8, { out: { delay: 40, jitter: 15 }, latency: 2 }, { latency: 3 });
    for (let i = 0; i < 500; i++) sender.send(toB(i));
    net.runUntilIdle();
    const times = receiver.received.map((r) => r.t);
    expect(times.length).toBe(500);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(30);
    expect(Math.max(...times)).toBeLessThanOrEqual(60);
    expect(new Set(times).size).toBeGreaterThan(400);
    // The network delivers in time order, whatever the send order was.
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });

  it('corruption delivers different bytes that fail the checksum; the sender’s copy is unchanged', () => {
    const { net, sender, receiver } = pair(3, { out: { corrupt: 1 } });
    const originals = [...Array(50).keys()].map((i) => toB(i, Flag.ACK, 100));
    const copies = originals.map((p) => p.slice());
    for (const p of originals) sender.send(p);
    net.runUntilIdle();
    expect(receiver.received.length).toBe(50);
    receiver.received.forEach((r, i) => {
      expect(r.packet).not.toEqual(originals[i]);
      expect(tcpChecksumOk(r.packet)).toBe(false);
      expect(originals[i]).toEqual(copies[i]);
    });
  });

  it('bandwidth: 10 packets of 1000 B at 10,000 B/s arrive 100 ms apart', () => {
    const { net, sender, receiver } = pair(1, { out: { rateBytesPerSec: 10_000 }, latency: 5 });
    for (let i = 0; i < 10; i++) sender.send(toB(i, Flag.ACK, 960));
    net.runUntilIdle();
    expect(receiver.received.map((r) => r.t)).toEqual([105, 205, 305, 405, 505, 605, 705, 805, 905, 1005]);
  });

  it('queue limit tail-drops what does not fit', () => {
    const { net, sender, receiver } = pair(1, {}, { in: { rateBytesPerSec: 10_000, queueLimitBytes: 4000 } });
    for (let i = 0; i < 10; i++) sender.send(toB(i, Flag.ACK, 960));
    net.runUntilIdle();
    expect(receiver.received.map((r) => r.id)).toEqual([0, 1, 2, 3]);
    expect(net.stats().dropped['rate-limit']).toBe(6);
  });
});

describe('SimNetwork targeted rules', () => {
  it('drops the next SYN,ACK and nothing else', () => {
    const { net, sender, receiver, hostA } = pair(1);
    expect(net.addRule(hostA, 'out', Rules.synAck()).ok).toBe(true);
    const flags = [Flag.SYN, Flag.SYN | Flag.ACK, Flag.ACK, Flag.SYN | Flag.ACK, Flag.FIN | Flag.ACK];
    flags.forEach((f, i) => sender.send(toB(i, f)));
    net.runUntilIdle();
    expect(receiver.received.map((r) => r.id)).toEqual([0, 2, 3, 4]);
    expect(net.stats().dropped.rule).toBe(1);
  });

  it('drops the 3rd packet from now', () => {
    const { net, sender, receiver, hostB } = pair(1);
    net.addRule(hostB, 'in', Rules.nth(3));
    for (let i = 1; i <= 6; i++) sender.send(toB(i));
    net.runUntilIdle();
    expect(receiver.received.map((r) => r.id)).toEqual([1, 2, 4, 5, 6]);
  });

  it('drops everything for 500 ms, then nothing', () => {
    const { net, sender, receiver, hostA } = pair(1);
    net.runUntil(1000);
    net.addRule(hostA, 'out', Rules.blackout(500));
    for (let t = 1000; t <= 2000; t += 100) {
      sender.send(toB(t));
      net.runUntil(t + 100);
    }
    expect(receiver.received.map((r) => r.id)).toEqual([1500, 1600, 1700, 1800, 1900, 2000]);
    expect(net.stats().dropped.rule).toBe(5);
  });
});

describe('SimNetwork trace and determinism', () => {
  const everything: FaultConfig = {
    loss: 0.1,
    duplicate: 0.05,
    reorder: 0.05,
    delay: 10,
    jitter: 5,
    corrupt: 0.05,
    rateBytesPerSec: 1_000_000,
    queueLimitBytes: 20_000,
  };

  function run(seed: number): string[] {
    const log: string[] = [];
    const net = createSimNetwork({
      seed,
      trace: (e) => {
        if (e.type === 'fault') log.push(`${e.t} ${e.host} ${e.dir} ${e.fault} ${e.detail} ${packetId(e.bytes)}`);
      },
    });
    const pinger = new FakeEndpoint(A, (p, now) => log.push(`A got ${packetId(p)} at ${now}`));
    const echo = echoEndpoint(B);
    mustAdd(net, pinger, { out: everything, in: everything, latency: 1 });
    mustAdd(net, echo, { out: everything, latency: 2 });
    for (let i = 0; i < 300; i++) {
      pinger.send(toB(i, Flag.ACK, 500));
      if (i % 10 === 0) net.runFor(3);
    }
    net.runUntilIdle();
    log.push(JSON.stringify(net.stats()));
    return log;
  }

  it('the same seed gives the same event log; another seed does not', () => {
    const first = run(2024);
    expect(first.length).toBeGreaterThan(300);
    expect(run(2024)).toEqual(first);
    expect(run(2025)).not.toEqual(first);
  });

  it('fault trace events carry the dotted host address and the direction', () => {
    const events: TraceEvent[] = [];
    const { net, sender } = pair(1, { out: { loss: 1 } }, {}, (e) => events.push(e));
    const p = toB(1);
    sender.send(p);
    net.runUntil(10);
    expect(events).toEqual([
      { type: 'fault', t: 0, host: '10.0.0.1', dir: 'out', fault: 'loss', bytes: p, detail: 'lost (p=1)' },
    ]);
  });

  it('reorder timeouts fire on virtual time through the scheduler', () => {
    const { net, sender, receiver, hostA } = pair(1);
    expect(net.setFaults(hostA, 'out', { reorder: 1, reorderTimeout: 30 }).ok).toBe(true);
    sender.send(toB(1));
    net.runUntil(5);
    expect(net.setFaults(hostA, 'out', {}).ok).toBe(true);
    sender.send(toB(2));
    net.runUntilIdle();
    expect(receiver.received.map((r) => [r.id, r.t])).toEqual([
      [2, 5],
      [1, 30],
    ]);
    expect(net.stats().held).toBe(0);
  });
});
