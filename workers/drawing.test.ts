// drawing()/drawn(): the worker leaves the CPU to a page that draws during a bulk transfer.
// Segments that arrive meanwhile wait and are handled in order afterwards; nothing is lost, the
// subscriber hears nothing until the page has drawn, and the wait is bounded.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TraceRecord, WorkerUpdate } from './api.ts';
import { EndpointService } from './endpoint-service.ts';
import { FakeRelay } from './fake-relay.ts';
import { dateTimers } from './timers.ts';
import { okValue as value } from './ok-value.ts';

const run = (ms: number) => vi.advanceTimersByTimeAsync(ms);

function all(s: EndpointService): TraceRecord[] {
  return s.getTrace(0, 10_000).records;
}

const segmentsIn = (s: EndpointService) => all(s).filter((r) => r.event.type === 'segment' && r.event.dir === 'in').length;

async function pair() {
  const relay = new FakeRelay(1);
  const mk = (seed: number) => new EndpointService({ timers: dateTimers, createSocket: relay.createSocket, newSeed: () => seed, random: () => 0.5 });
  const a = mk(1);
  const b = mk(2);
  value(a.join({ url: 'ws://relay.test/ws', room: 'lab', name: 'A' }));
  await run(5);
  value(b.join({ url: 'ws://relay.test/ws', room: 'lab', name: 'B' }));
  await run(5);
  value(b.listen(80));
  const ca = value(a.connect({ remoteAddr: '10.0.1.2', remotePort: 80 }));
  await run(20);
  const cb = value(b.accept(80)) as number;
  value(b.autoRead(cb));
  return { a, b, ca, cb };
}

describe('drawing(): the worker waits while its page draws', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_700_000_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('holds arriving segments until drawn(), then handles them all, in order, and the data arrives intact', async () => {
    const { a, b, ca, cb } = await pair();
    const updates: WorkerUpdate[] = [];
    b.subscribe((u) => void updates.push(u));
    await run(20);
    updates.length = 0;
    const before = segmentsIn(b);
    value(b.drawing(100));
    const data = new Uint8Array(20_000).map((_, i) => i & 0xff);
    value(a.writeAll(ca, data));
    await run(30);
    expect(segmentsIn(b)).toBe(before); // they reached the worker and wait
    expect(updates).toEqual([]); // and the page hears nothing while it draws
    value(b.drawn());
    expect(segmentsIn(b)).toBeGreaterThan(before); // handled at once, not at the next timer
    await run(500);
    const got = value(b.takeReceived(cb));
    expect(got.data).toEqual(data);
    expect(updates.length).toBeGreaterThan(0);
    // The held segments were handled in the order they came: their sequence numbers rise.
    const seqs = all(b).flatMap((r) => (r.event.type === 'segment' && r.event.dir === 'in' && r.event.seg.payload.length > 0 ? [r.event.seg.seq] : []));
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]! - seqs[i - 1]!).toBeGreaterThan(0);
  });

  it('ends by itself after `ms` when the page never says drawn()', async () => {
    const { a, b, ca } = await pair();
    const before = segmentsIn(b);
    value(b.drawing(40));
    value(a.writeAll(ca, new Uint8Array(5_000)));
    await run(30);
    expect(segmentsIn(b)).toBe(before);
    await run(20);
    expect(segmentsIn(b)).toBeGreaterThan(before);
  });

  it('refuses a wait that is not 1 to 100 ms', () => {
    const s = new EndpointService({ timers: dateTimers, createSocket: new FakeRelay().createSocket, newSeed: () => 1, random: () => 0.5 });
    for (const ms of [0, 101, Number.NaN, '5' as unknown as number]) expect(s.drawing(ms)).toMatchObject({ ok: false, error: { code: 'EINVAL' } });
    expect(s.drawing(10)).toEqual({ ok: true, value: undefined }); // no hosts yet: nothing to hold, not an error
    expect(s.drawn()).toEqual({ ok: true, value: undefined });
  });

  it('offline: the simulated link waits too, and carries on after', async () => {
    const s = new EndpointService({ timers: dateTimers, createSocket: new FakeRelay().createSocket, newSeed: () => 3, random: () => 0.5 });
    value(s.startOffline({ latency: 1 }));
    value(s.listen(80, undefined, 1));
    value(s.drawing(50));
    const c = value(s.connect({ remoteAddr: '10.0.0.2', remotePort: 80 }, 0));
    const established = () => all(s).some((r) => r.event.type === 'state' && r.event.host === '10.0.0.1' && r.event.to === 'ESTABLISHED');
    await run(30);
    expect(established()).toBe(false); // the SYN and SYN,ACK wait with the link (a call would move it)
    value(s.drawn());
    await run(10);
    expect(established()).toBe(true);
    expect(value(s.status(c, 0)).state).toBe('ESTABLISHED');
  });
});
