import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HostStatusEntry, SaveStatus, ShellEvent, WorkerUpdate } from './api.ts';
import { tcbSnapshot } from './tcp/test-support/tcb-snapshot.ts';
import { GATHER_MS, TraceBatcher } from './trace-batcher.ts';
import { TraceLog } from './trace-log.ts';
import { dateTimers } from './timers.ts';

const ev = (i: number): ShellEvent => ({ type: 'shell', t: i, host: '10.0.0.1', kind: 'clock', detail: `#${i}` });

function setup(opts: { maxEvents?: number; maxBytes?: number } = {}) {
  const log = new TraceLog({ realNow: () => Date.now(), ...opts });
  const batcher = new TraceBatcher({ log, timers: dateTimers, intervalMs: 16 });
  const add = (n: number) => {
    for (let i = 0; i < n; i++) log.append(ev(log.next));
    batcher.recordsAdded();
  };
  return { log, batcher, add };
}

/**
 * Subscribe with a listener that stays busy until the test calls finish(): the batcher then
 * sends nothing more, as it does to a page still handling its last update.
 */
function subscribeHeld(batcher: TraceBatcher, options: { maxBatch?: number } = {}) {
  const held = { updates: [] as WorkerUpdate[], finish: () => {} };
  batcher.subscribe((u) => {
    held.updates.push(u);
    return new Promise<void>((resolve) => (held.finish = resolve));
  }, options);
  return held;
}

describe('TraceLog', () => {
  it('numbers records, stamps real time, and pages them', () => {
    vi.useFakeTimers({ now: 5000 });
    const { log, add } = setup();
    add(25);
    const p = log.page(10, 5);
    expect(p.records.map((r) => r.seq)).toEqual([10, 11, 12, 13, 14]);
    expect(p.records[0]?.real).toBe(5000);
    expect(p.next).toBe(15);
    expect(log.page(30, 5)).toEqual({ records: [], next: 30, first: 0 });
    vi.useRealTimers();
  });

  it('evicts the oldest past its cap, counts them, and pages from what is left', () => {
    const { log, add } = setup({ maxEvents: 100 });
    add(250);
    const info = log.info();
    expect(info.next).toBe(250);
    expect(info.evicted).toBe(info.first);
    expect(log.size).toBeLessThanOrEqual(100);
    expect(log.size + info.evicted).toBe(250);
    const p = log.page(0, 10);
    expect(p.records[0]?.seq).toBe(info.first);
  });

  it('caps the bytes of packet data too', () => {
    const log = new TraceLog({ realNow: () => 0, maxBytes: 100_000 });
    for (let i = 0; i < 100; i++) {
      log.append({ type: 'shell', t: i, host: '', kind: 'not-sent', detail: '', bytes: new Uint8Array(10_000) });
    }
    expect(log.size).toBeLessThan(10);
    expect(log.evicted).toBe(100 - log.size);
  });
});

describe('TraceBatcher', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('delivers in bounded batches, at most one per interval, in order, losing nothing', async () => {
    const { batcher, add } = setup();
    const updates: WorkerUpdate[] = [];
    const times: number[] = [];
    batcher.subscribe((u) => {
      updates.push(u);
      times.push(Date.now());
    });
    add(5_500);
    await vi.advanceTimersByTimeAsync(GATHER_MS);
    expect(updates).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    const seqs = updates.flatMap((u) => u.records.map((r) => r.seq));
    expect(seqs).toEqual(Array.from({ length: 5_500 }, (_, i) => i));
    expect(updates.map((u) => u.records.length)).toEqual([2000, 2000, 1500]);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(16);
    expect(updates.every((u) => u.missed === 0)).toBe(true);
    // Quiet: nothing more is sent.
    await vi.advanceTimersByTimeAsync(1000);
    expect(updates).toHaveLength(3);
  });

  it('after a quiet spell, waits GATHER_MS for what comes with the first record (a burst of frames), then sends it all at once', async () => {
    const { batcher, add } = setup();
    const updates: WorkerUpdate[] = [];
    batcher.subscribe((u) => void updates.push(u));
    await vi.advanceTimersByTimeAsync(100);
    updates.length = 0;
    add(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(updates).toHaveLength(0);
    add(6); // the rest of the burst, each its own task in the worker
    await vi.advanceTimersByTimeAsync(GATHER_MS);
    expect(updates.map((u) => u.records.length)).toEqual([7]);
    await vi.advanceTimersByTimeAsync(100);
    expect(updates).toHaveLength(1);
  });

  it('coalesces events that come in the same frame into one update', async () => {
    const { batcher, add } = setup();
    const updates: WorkerUpdate[] = [];
    batcher.subscribe((u) => void updates.push(u));
    await vi.advanceTimersByTimeAsync(50);
    for (let i = 0; i < 10; i++) {
      add(3);
      await vi.advanceTimersByTimeAsync(1);
    }
    await vi.advanceTimersByTimeAsync(50);
    expect(updates.length).toBeLessThanOrEqual(2);
    expect(updates.reduce((n, u) => n + u.records.length, 0)).toBe(30);
  });

  it('waits for a busy listener before sending more', async () => {
    const { batcher, add } = setup();
    const held = subscribeHeld(batcher, { maxBatch: 10 });
    const { updates } = held;
    add(35);
    await vi.advanceTimersByTimeAsync(200);
    expect(updates).toHaveLength(1);
    held.finish();
    await vi.advanceTimersByTimeAsync(17);
    expect(updates).toHaveLength(2);
    for (let i = 0; i < 5; i++) {
      held.finish();
      await vi.advanceTimersByTimeAsync(17);
    }
    expect(updates.flatMap((u) => u.records.map((r) => r.seq))).toEqual(Array.from({ length: 35 }, (_, i) => i));
  });

  it('sends a state change that came while an update was in flight once the listener is done, with nothing else to carry it', async () => {
    const { batcher, add } = setup();
    const held = subscribeHeld(batcher);
    add(1);
    await vi.advanceTimersByTimeAsync(20);
    expect(held.updates).toHaveLength(1);
    // Each kind of change on its own: a student's new status reaches an idle teacher's tab.
    const status: HostStatusEntry[] = [{ host: 'bo', address: '10.0.0.2', name: 'Bo', status: { connections: [], progress: {}, exercise: null } }];
    const saving: SaveStatus = { id: 1, saved: 1, pending: 0, missed: 0, error: null };
    const changes: Parameters<TraceBatcher['changed']>[0][] = [{ roomStatus: status }, { saving }, { link: { status: 'idle' } }];
    for (const change of changes) {
      const before = held.updates.length;
      batcher.changed(change);
      await vi.advanceTimersByTimeAsync(100);
      expect(held.updates).toHaveLength(before); // the page has not answered the last one
      held.finish();
      await vi.advanceTimersByTimeAsync(100);
      expect(held.updates).toHaveLength(before + 1);
      expect(held.updates.at(-1)).toMatchObject({ records: [], ...change });
    }
    held.finish();
    await vi.advanceTimersByTimeAsync(100);
    expect(held.updates).toHaveLength(1 + changes.length);
  });

  it('says how far the trace has gone (head), and while the subscriber is behind, each connection’s newest TCB among what it has not had', async () => {
    const { batcher, log } = setup();
    const tcb = (conn: number, cwnd: number) =>
      log.append({ type: 'tcb', t: log.next, host: '10.0.0.1', conn, tcb: tcbSnapshot({ cwnd }) });
    const held = subscribeHeld(batcher, { maxBatch: 10 });
    const { updates } = held;
    tcb(1, 1000); // seq 0
    for (let i = 0; i < 20; i++) log.append(ev(log.next)); // seq 1-20
    tcb(2, 2000); // 21
    tcb(1, 3000); // 22
    tcb(2, 4000); // 23
    batcher.recordsAdded();
    await vi.advanceTimersByTimeAsync(20);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ next: 10, head: 24 });
    // The newest of each connection, not the one the subscriber just got (seq 0).
    expect(updates[0]!.newestTcbs?.map((r) => [r.seq, r.event.type === 'tcb' && r.event.tcb.cwnd]).sort()).toEqual([[22, 3000], [23, 4000]]);
    held.finish();
    await vi.advanceTimersByTimeAsync(20);
    held.finish();
    await vi.advanceTimersByTimeAsync(20);
    held.finish();
    await vi.advanceTimersByTimeAsync(20);
    // Up to date: nothing ahead of it to show early.
    expect(updates.map((u) => u.next)).toEqual([10, 20, 24]);
    expect(updates[2]).toMatchObject({ next: 24, head: 24 });
    expect(updates[2]!.newestTcbs).toBeUndefined();
    expect(log.newestTcbsFrom(24)).toEqual([]);
    expect(log.newestTcbsFrom(23).map((r) => r.seq)).toEqual([23]);
  });

  it('tells a subscriber how many records were evicted before it got them', async () => {
    const { batcher, add, log } = setup({ maxEvents: 1000 });
    const held = subscribeHeld(batcher);
    const { updates } = held;
    add(10);
    await vi.advanceTimersByTimeAsync(GATHER_MS);
    add(5000); // the subscriber is busy while the log wraps
    held.finish();
    await vi.advanceTimersByTimeAsync(20);
    const second = updates[1] as WorkerUpdate;
    expect(second.missed).toBe(log.first - 10);
    expect(second.records[0]?.seq).toBe(log.first);
  });

  it('starts a late subscriber at the oldest record held, or where it asks', async () => {
    const { batcher, add } = setup();
    add(30);
    const a: number[] = [];
    const b: number[] = [];
    batcher.subscribe((u) => void a.push(...u.records.map((r) => r.seq)));
    batcher.subscribe((u) => void b.push(...u.records.map((r) => r.seq)), { fromSeq: 25 });
    await vi.advanceTimersByTimeAsync(20);
    expect(a).toHaveLength(30);
    expect(b).toEqual([25, 26, 27, 28, 29]);
  });

  it('carries socket events and the latest state changes', async () => {
    const { batcher } = setup();
    const updates: WorkerUpdate[] = [];
    batcher.subscribe((u) => void updates.push(u));
    batcher.sockets([{ host: 0, event: { kind: 'readable', conn: 1 } }]);
    batcher.changed({ link: { status: 'idle' } });
    batcher.changed({ link: { status: 'closed', code: 1000, reason: 'bye', byUser: true } });
    await vi.advanceTimersByTimeAsync(20);
    expect(updates).toHaveLength(1);
    expect(updates[0]?.sockets).toEqual([{ host: 0, event: { kind: 'readable', conn: 1 } }]);
    expect(updates[0]?.link).toEqual({ status: 'closed', code: 1000, reason: 'bye', byUser: true });
  });

  it('posts packet bytes in buffers of their own size', async () => {
    const { batcher, log } = setup();
    const slab = new Uint8Array(256 * 1024);
    log.append({ type: 'shell', t: 0, host: '', kind: 'not-sent', detail: '', bytes: slab.subarray(64, 104) });
    const updates: WorkerUpdate[] = [];
    batcher.subscribe((u) => void updates.push(u));
    await vi.advanceTimersByTimeAsync(20);
    const e = updates[0]?.records[0]?.event;
    expect(e?.type === 'shell' ? e.bytes?.buffer.byteLength : -1).toBe(40);
  });
});
