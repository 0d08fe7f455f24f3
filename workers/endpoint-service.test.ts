import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TraceRecord, WorkerUpdate } from './api.ts';
import { EndpointService } from './endpoint-service.ts';
import { FakeRelay } from './fake-relay.ts';
import { dateTimers } from './timers.ts';
import { Flag } from './tcp/wire/types.ts';
import { FAULT_KINDS } from './tcp/sim/faults.ts';
import { crc32 } from './crc32.ts';
import { okValue as value } from './ok-value.ts';

function service(relay: FakeRelay, seed: number): EndpointService {
  return new EndpointService({ timers: dateTimers, createSocket: relay.createSocket, newSeed: () => seed, random: () => 0.5 });
}

const run = (ms: number) => vi.advanceTimersByTimeAsync(ms);

function records(s: EndpointService): TraceRecord[] {
  const out: TraceRecord[] = [];
  for (let from = 0; ; ) {
    const p = s.getTrace(from, 10_000);
    if (p.records.length === 0) return out;
    out.push(...p.records);
    from = p.next;
  }
}

async function pair(seed = 1) {
  const relay = new FakeRelay(1);
  const a = service(relay, seed);
  const b = service(relay, seed + 1);
  value(a.join({ url: 'ws://relay.test/ws', room: 'lab', name: 'A' }));
  await run(5);
  value(b.join({ url: 'ws://relay.test/ws', room: 'lab', name: 'B' }));
  await run(5);
  return { relay, a, b };
}

function pattern(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('EndpointService over a (fake) relay', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_700_000_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('has no host before the welcome, and says why', () => {
    const s = service(new FakeRelay(), 1);
    const r = s.listen(80);
    expect(r).toEqual({ ok: false, error: { code: 'ENOHOST', message: expect.stringMatching(/join a room or start offline/) } });
    expect(s.linkState()).toEqual({ status: 'idle' });
  });

  it('joins, learns its address, and transfers data both ways intact under loss and reordering', async () => {
    const { a, b } = await pair();
    expect(a.linkState()).toMatchObject({ status: 'joined', address: '10.0.1.1' });
    expect(b.linkState()).toMatchObject({ status: 'joined', address: '10.0.1.2', hosts: [{ address: '10.0.1.1' }] });
    expect(a.hosts()).toEqual([{ index: 0, address: '10.0.1.1', hostname: 'a' }]);
    await run(5);
    expect(a.linkState().status === 'joined' && a.linkState()).toMatchObject({ hosts: [{ address: '10.0.1.2' }] });

    for (const s of [a, b]) value(s.setFaults('out', { loss: 0.1, reorder: 0.1, reorderGap: 2 }));
    value(b.listen(80));
    const ca = value(a.connect({ remoteAddr: '10.0.1.2', remotePort: 80 }));
    let cb: number | null = null;
    for (let i = 0; i < 100 && cb === null; i++) {
      await run(100); // a lost SYN or SYN,ACK costs an RTO
      cb = value(b.accept(80));
    }
    expect(cb).not.toBeNull();
    const up = pattern(200_000, 1);
    const down = pattern(150_000, 2);
    value(a.autoRead(ca));
    value(b.autoRead(cb as number));
    value(a.writeAll(ca, up));
    value(b.writeAll(cb as number, down));
    for (let i = 0; i < 600 && !(value(a.writeProgress(ca)).done && value(b.writeProgress(cb as number)).done); i++) await run(100);
    value(a.shutdown(ca));
    value(b.shutdown(cb as number));
    await run(20_000);
    const gotB = value(b.takeReceived(cb as number));
    const gotA = value(a.takeReceived(ca));
    expect(gotB.eof && gotA.eof).toBe(true);
    expect(gotB.data).toEqual(up);
    expect(gotA.data).toEqual(down);
    // The worker counts and hashes both directions itself: the page compares two numbers.
    expect({ total: gotB.total, crc: gotB.crc, skipped: gotB.skipped }).toEqual({ total: up.length, crc: crc32(up), skipped: 0 });
    expect(value(a.writeProgress(ca)).crc).toBe(crc32(up));
    expect({ total: gotA.total, crc: gotA.crc }).toEqual({ total: down.length, crc: crc32(down) });

    // Every injected fault is in the trace: per kind, trace events equal the injector's counters.
    for (const s of [a, b]) {
      const st = value(s.faultStatus());
      const faults = records(s).flatMap((r) => (r.event.type === 'fault' ? [r.event] : []));
      for (const kind of FAULT_KINDS) {
        const n = faults.filter((f) => f.fault === kind && !(kind === 'reorder' && f.detail.startsWith('released'))).length;
        expect(n, kind).toBe(st.out.counters[kind] + st.in.counters[kind]);
      }
      expect(st.out.counters.loss).toBeGreaterThan(10);
      expect(st.out.counters.reorder).toBeGreaterThan(10);
    }
  });

  it('hold and release make a simultaneous open: both hosts pass through SYN-RECEIVED', async () => {
    const { a, b } = await pair(5);
    value(a.setHold(true));
    value(b.setHold(true));
    const ca = value(a.connect({ remoteAddr: '10.0.1.2', remotePort: 6000, localPort: 5000 }));
    const cb = value(b.connect({ remoteAddr: '10.0.1.1', remotePort: 5000, localPort: 6000 }));
    await run(10);
    const heldA = value(a.held());
    expect(heldA.map((h) => h.flagNames)).toEqual(['SYN']);
    expect(heldA[0]?.summary).toMatch(/^10\.0\.1\.1:5000 → 10\.0\.1\.2:6000 \[SYN\]/);
    expect(value(b.held()).map((h) => h.flagNames)).toEqual(['SYN']);
    expect(value(a.releaseAll())).toBe(1);
    expect(value(b.releaseAll())).toBe(1);
    value(a.setHold(false));
    value(b.setHold(false));
    await run(100);
    for (const [s, c] of [[a, ca], [b, cb]] as const) {
      const states = records(s).flatMap((r) => (r.event.type === 'state' && r.event.conn === c ? [r.event.to] : []));
      expect(states).toContain('SYN-RECEIVED');
      expect(value(s.status(c)).state).toBe('ESTABLISHED');
      const holds = records(s).flatMap((r) => (r.event.type === 'fault' && r.event.fault === 'hold' ? [r.event.detail] : []));
      expect(holds[0]).toMatch(/^held as #1: SYN/);
      // The peer's SYN may arrive before this side's release, so its SYN,ACK can be held in between.
      expect(holds.some((d) => /^released \(all\): #1$/.test(d))).toBe(true);
    }
  });

  it('drops, duplicates and moves held segments, each in the trace', async () => {
    const { a } = await pair(6);
    value(a.setHold(true));
    value(a.connect({ remoteAddr: '10.0.1.2', remotePort: 9 }));
    await run(1500); // the SYN and its retransmission are both held
    const held = value(a.held());
    expect(held.map((h) => h.flagNames)).toEqual(['SYN', 'SYN']);
    const copy = value(a.duplicateHeld(held[0]!.id));
    value(a.moveHeld(copy, 0));
    expect(value(a.held()).map((h) => h.id)).toEqual([copy, held[0]!.id, held[1]!.id]);
    value(a.dropHeld(held[1]!.id));
    expect(a.dropHeld(999)).toEqual({ ok: false, error: { code: 'ENOENT', message: expect.any(String) } });
    const details = records(a).flatMap((r) => (r.event.type === 'fault' && r.event.fault === 'hold' ? [r.event.detail] : []));
    expect(details.slice(2)).toEqual([`duplicated #1 as #${copy}`, `moved #${copy} to position 0 of 3`, `dropped #2 from the hold queue`]);
  });

  it('stretches a retransmission timer by the time factor: at 0.5× an RTO of 1 s takes 2 s', async () => {
    const { a } = await pair(7);
    value(a.configure({ initialRto: 1000 }));
    value(a.setTimeFactor(0.5));
    value(a.connect({ remoteAddr: '10.0.1.99', remotePort: 80 })); // nobody has it
    await run(5000);
    const syns = records(a).filter((r) => r.event.type === 'segment' && r.event.dir === 'out' && r.event.seg.flags === Flag.SYN);
    expect(syns.length).toBeGreaterThanOrEqual(2);
    const [s0, s1] = syns as [TraceRecord, TraceRecord];
    expect(s1.event.t - s0.event.t).toBeCloseTo(1000, 0);
    expect(s1.real - s0.real).toBeGreaterThanOrEqual(2000);
    expect(s1.real - s0.real).toBeLessThanOrEqual(2002);
    // The relay's "no such host" notice is in the trace.
    expect(records(a).some((r) => r.event.type === 'shell' && r.event.kind === 'unreachable' && r.event.dst === '10.0.1.99')).toBe(true);
  });

  it('pause queues arriving segments; step handles them one at a time, then timers; resume runs on', async () => {
    const { a, b } = await pair(8);
    value(b.listen(80));
    value(a.pause());
    const c = value(a.connect({ remoteAddr: '10.0.1.2', remotePort: 80 }));
    await run(50); // B answers; A is paused, so its SYN,ACK waits
    expect(value(a.status(c)).state).toBe('SYN-SENT');
    const inA = () => records(a).filter((r) => r.event.type === 'segment' && r.event.dir === 'in').length;
    expect(inA()).toBe(0);
    const t0 = a.clockState().stack;
    const st = value(a.step());
    expect(st.kind).toBe('packet');
    expect(st.stack).toBe(t0); // a packet step does not move the clock
    expect(inA()).toBe(1);
    expect(value(a.status(c)).state).toBe('ESTABLISHED');
    expect(a.step()).toMatchObject({ ok: true, value: { kind: expect.stringMatching(/timer|idle/) } });
    value(a.resume());
    expect(a.step()).toMatchObject({ ok: false, error: { code: 'EMODE' } });
  });

  it('step while paused jumps to the next timer deadline', async () => {
    const { a } = await pair(9);
    value(a.pause());
    value(a.connect({ remoteAddr: '10.0.1.99', remotePort: 80 }));
    const t0 = a.clockState().stack;
    await run(10);
    let r = value(a.step());
    while (r.kind === 'packet') r = value(a.step());
    expect(r.kind).toBe('timer');
    expect(r.stack - t0).toBeCloseTo(1000, 0); // the SYN's RTO
    const syns = records(a).filter((x) => x.event.type === 'segment' && x.event.dir === 'out');
    expect(syns).toHaveLength(2);
  });

  it('keeps the host across a relay reconnect, and flags a changed address', async () => {
    const { relay, a, b } = await pair(10);
    value(b.listen(80));
    const c = value(a.connect({ remoteAddr: '10.0.1.2', remotePort: 80 }));
    await run(20);
    expect(value(a.status(c)).state).toBe('ESTABLISHED');
    const sockA = relay.sockets[0]!;
    sockA.cut(1006);
    expect(a.linkState()).toMatchObject({ status: 'reconnecting', attempt: 1, delayMs: 500 });
    value(a.write(c, new Uint8Array(100))); // goes nowhere while the link is down
    await run(10);
    expect(records(a).some((r) => r.event.type === 'shell' && r.event.kind === 'not-sent')).toBe(true);
    relay.nextAddresses = ['10.0.1.1'];
    await run(600);
    expect(a.linkState()).toMatchObject({ status: 'joined', address: '10.0.1.1', addressChanged: null });
    expect(value(a.status(c)).state).toBe('ESTABLISHED'); // same host, same connection
    // Second drop: this time the relay hands out another address.
    relay.sockets.at(-1)!.cut(1006);
    relay.nextAddresses = ['10.0.1.7'];
    await run(600);
    expect(a.linkState()).toMatchObject({ status: 'joined', address: '10.0.1.7', addressChanged: { hostAddress: '10.0.1.1', relayAddress: '10.0.1.7' } });
    const link = records(a).filter((r) => r.event.type === 'shell' && r.event.kind === 'link').at(-1);
    expect(link?.event.type === 'shell' && link.event.detail).toMatch(/gave us 10\.0\.1\.7 while this host is 10\.0\.1\.1/);
    expect(value(a.adoptRelayAddress())).toEqual({ index: 0, address: '10.0.1.7', hostname: 'a' });
    expect(a.linkState()).toMatchObject({ addressChanged: null });
    expect(a.status(c)).toMatchObject({ ok: false, error: { code: 'EBADF' } });
  });

  it('subscribers get batched records, socket events and state', async () => {
    const relay = new FakeRelay(1);
    const a = service(relay, 3);
    const updates: WorkerUpdate[] = [];
    a.subscribe((u) => void updates.push(u));
    value(a.join({ url: 'ws://relay.test/ws', room: 'lab', name: 'A' }));
    await run(50);
    expect(updates.some((u) => u.link?.status === 'joined')).toBe(true);
    expect(updates.some((u) => u.hosts?.[0]?.address === '10.0.1.1')).toBe(true);
    const seqs = updates.flatMap((u) => u.records.map((r) => r.seq));
    expect(seqs).toEqual(seqs.map((_, i) => i));
    a.dispose();
  });

  it('leave closes the link for good', async () => {
    const { a } = await pair(11);
    expect(value(a.leave())).toEqual({ status: 'closed', code: 1000, reason: 'left the room', byUser: true });
    await run(60_000);
    expect(a.linkState().status).toBe('closed');
  });

  it('reports bad arguments as readable errors', async () => {
    const { a } = await pair(12);
    expect(a.setFaults('out', { loss: 3 })).toMatchObject({ ok: false, error: { code: 'EFAULT', message: expect.stringMatching(/loss/) } });
    expect(a.addRule('in', { kind: 'nth', n: 0 })).toMatchObject({ ok: false, error: { code: 'EFAULT' } });
    expect(a.setTimeFactor(0)).toMatchObject({ ok: false, error: { code: 'EINVAL' } });
    expect(a.listen(80, undefined, 1)).toMatchObject({ ok: false, error: { code: 'ENOHOST' } });
    expect(a.connect({ remoteAddr: 'nope', remotePort: 1 })).toMatchObject({ ok: false, error: { code: 'EINVAL' } });
    expect(a.join({ url: '', room: 'x', name: 'y' })).toMatchObject({ ok: false, error: { code: 'EINVAL' } });
  });
});
