// The saver against the real SessionStore on an in-memory IndexedDB (fake-indexeddb): what the
// worker writes is what the page reads back.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SaveStatus, ShellEvent, TraceRecord } from './api.ts';
import { TraceLog } from './trace-log.ts';
import { SessionSaver, type SessionWriter } from './session-saver.ts';
import { dateTimers } from './timers.ts';
import { openPlaygroundDb } from './persistence/db.ts';
import { SessionStore } from './persistence/session-store.ts';
import type { NewSession } from './persistence/types.ts';
import { newSession } from './persistence/test-fixtures.ts';
import { encodePacket } from './tcp/wire/packet.ts';
import { decodePacket } from './tcp/wire/packet.ts';
import { parseIpv4Address } from './tcp/wire/address.ts';
import { Flag } from './tcp/wire/types.ts';

const META: NewSession = newSession();

const shell = (i: number): ShellEvent => ({ type: 'shell', t: i, host: '10.0.0.1', kind: 'clock', detail: `#${i}` });

/**
 * A segment event whose packet is a view into a big shared buffer, as the core's slabs are:
 * storing the view as it is would store the whole buffer.
 */
function segmentEvent(slab: Uint8Array, at: number, seq: number) {
  const A = parseIpv4Address('10.0.0.1')!;
  const B = parseIpv4Address('10.0.0.2')!;
  const packet = encodePacket({ src: A, dst: B }, { srcPort: 49152, dstPort: 80, seq, ack: 0, flags: Flag.SYN, window: 65535, urgent: 0, options: {}, payload: new Uint8Array(0) });
  slab.set(packet, at);
  const bytes = slab.subarray(at, at + packet.length);
  const d = decodePacket(bytes);
  if (!d.ok) throw new Error(d.reason);
  return { type: 'segment' as const, t: seq, host: '10.0.0.1', dir: 'out' as const, conn: 1, bytes, seg: d.value.tcp, src: '10.0.0.1', dst: '10.0.0.2' };
}

let dbCount = 0;

async function setup(options: { maxEvents?: number; delayMs?: number; maxWrite?: number; writer?: (store: SessionStore) => SessionWriter } = {}) {
  const log = new TraceLog({ realNow: () => Date.now(), ...(options.maxEvents === undefined ? {} : { maxEvents: options.maxEvents }) });
  const name = `saver-test-${++dbCount}`;
  const store = new SessionStore(await openPlaygroundDb(name));
  const statuses: SaveStatus[] = [];
  const appends: number[] = [];
  const counting: SessionWriter = {
    create: (m) => store.create(m),
    append: (id, records, patch) => {
      appends.push(records.length);
      return store.append(id, records, patch);
    },
  };
  const saver = new SessionSaver({
    log,
    timers: dateTimers,
    open: async () => (options.writer ? options.writer(store) : counting),
    onStatus: (s) => statuses.push(s),
    ...(options.delayMs === undefined ? {} : { delayMs: options.delayMs }),
    ...(options.maxWrite === undefined ? {} : { maxWrite: options.maxWrite }),
  });
  const add = (n: number) => {
    for (let i = 0; i < n; i++) log.append(shell(log.next));
    saver.recordsAdded();
  };
  return { log, store, saver, statuses, appends, add };
}

const seqs = (records: readonly TraceRecord[]) => records.map((r) => r.seq);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('SessionSaver', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_700_000_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  it('writes the records from fromSeq on, a delay after they arrive, and counts them on the row', async () => {
    const { store, saver, statuses, appends, add } = await setup({ delayMs: 250 });
    add(5); // before the session: not its records
    const started = await saver.start(META, 5);
    expect(started.ok).toBe(true);
    const id = started.ok ? started.value : -1;
    expect(statuses.at(-1)).toMatchObject({ id, saved: 0, error: null });
    add(30);
    await vi.advanceTimersByTimeAsync(200);
    expect(appends).toEqual([]); // batched: nothing written before the delay
    await vi.advanceTimersByTimeAsync(100);
    expect(appends).toEqual([30]);
    expect(seqs((await store.read(id)).records)).toEqual(range(5, 35));
    const meta = await store.get(id);
    expect(meta).toMatchObject({ records: 30, segments: 0, mode: 'offline' });
    expect(meta?.lastReal).toBe(Date.now() - 300);
    expect(saver.status()).toMatchObject({ id, saved: 30, pending: 0, missed: 0 });
  });

  it('writes at most maxWrite records per transaction, back to back, until it is caught up', async () => {
    const { store, saver, appends, add } = await setup({ maxWrite: 100 });
    const id = (await saver.start(META, 0)) as { ok: true; value: number };
    add(250);
    const status = await saver.flush();
    expect(appends).toEqual([100, 100, 50]);
    expect(status).toMatchObject({ saved: 250, pending: 0 });
    expect(seqs((await store.read(id.value)).records)).toEqual(range(0, 250));
  });

  it('stores each packet in a buffer of its own size, and reads it back decoded', async () => {
    const { log, store, saver } = await setup();
    const slab = new Uint8Array(256 * 1024);
    const id = (await saver.start(META, 0)) as { ok: true; value: number };
    for (let i = 0; i < 3; i++) log.append(segmentEvent(slab, i * 100, 1000 + i));
    saver.recordsAdded();
    await saver.flush();
    const back = (await store.read(id.value)).records;
    expect(back).toHaveLength(3);
    back.forEach((r, i) => {
      const e = r.event;
      if (e.type !== 'segment') throw new Error('not a segment');
      expect(e.bytes.buffer.byteLength).toBe(e.bytes.length); // not the 256 KiB slab
      expect(e.seg.seq).toBe(1000 + i);
    });
    expect((await store.get(id.value))?.segments).toBe(3);
    // The log's own records still point into the slab: the saver copied, it did not change them.
    expect((log.slice(0, 1)[0]!.event as { bytes: Uint8Array }).bytes.buffer).toBe(slab.buffer);
  });

  it('applies notes to the row with the next write, even while the row is being created', async () => {
    const { store, saver, add } = await setup();
    const starting = saver.start(META, 0);
    expect(saver.note({ hosts: [{ address: '10.0.0.1', hostname: 'ana' }] })).toEqual({ ok: true, value: undefined });
    const id = (await starting) as { ok: true; value: number };
    add(3);
    await saver.flush();
    expect(await store.get(id.value)).toMatchObject({ hosts: [{ address: '10.0.0.1', hostname: 'ana' }], records: 3 });
  });

  it('refuses a note when no session is being saved', async () => {
    const { saver } = await setup();
    expect(saver.note({ name: 'x' })).toMatchObject({ ok: false, error: { code: 'EMODE' } });
  });

  it('ends a session at the record traced last: its rest and its end time are still written, later records are not', async () => {
    const { store, saver, add } = await setup();
    const first = (await saver.start(META, 0)) as { ok: true; value: number };
    add(10);
    saver.end({ endedAt: 1234 });
    add(5); // after the end: belongs to no session
    const second = (await saver.start({ ...META, mode: 'relay' }, 15)) as { ok: true; value: number };
    add(7);
    await saver.flush();
    expect(seqs((await store.read(first.value)).records)).toEqual(range(0, 10));
    expect(await store.get(first.value)).toMatchObject({ endedAt: 1234, records: 10 });
    expect(seqs((await store.read(second.value)).records)).toEqual(range(15, 22));
    expect(await store.get(second.value)).toMatchObject({ endedAt: null, records: 7, mode: 'relay' });
    expect(saver.status()).toMatchObject({ id: second.value, saved: 7 });
  });

  it('a new session while the last one is still being written ends that one where the new one starts', async () => {
    const { store, saver, add } = await setup({ maxWrite: 10 });
    const first = (await saver.start(META, 0)) as { ok: true; value: number };
    add(35);
    const second = (await saver.start(META, 35)) as { ok: true; value: number };
    add(4);
    await saver.flush();
    expect(seqs((await store.read(first.value)).records)).toEqual(range(0, 35));
    expect(seqs((await store.read(second.value)).records)).toEqual(range(35, 39));
  });

  it('counts records the trace evicted before they could be written, and writes the rest', async () => {
    let release = (): void => {};
    const gate = new Promise<void>((r) => (release = r));
    const { store, saver, add } = await setup({
      maxEvents: 100,
      // The first write waits (a slow database) while the trace runs past its cap.
      writer: (s) => ({ create: (m) => s.create(m), append: async (id, r, p) => (await gate, s.append(id, r, p)) }),
    });
    const id = (await saver.start(META, 0)) as { ok: true; value: number };
    add(50);
    await vi.advanceTimersByTimeAsync(300); // the first write of 50 is under way
    add(500);
    release();
    const status = await saver.flush();
    const back = seqs((await store.read(id.value)).records);
    expect(back.slice(0, 50)).toEqual(range(0, 50));
    expect(back.at(-1)).toBe(549);
    expect(status.missed + back.length).toBe(550);
    expect(status.missed).toBeGreaterThan(0);
  });

  it('a failing database stops saving, says why once, and flush() does not wait forever', async () => {
    const { saver, statuses, add, appends } = await setup({
      writer: (s) => ({
        create: (m) => s.create(m),
        append: () => {
          appends.push(-1);
          return Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
        },
      }),
    });
    await saver.start(META, 0);
    add(10);
    const status = await saver.flush();
    expect(status.error).toBe('The quota has been exceeded.');
    expect(statuses.at(-1)?.error).toBe('The quota has been exceeded.');
    add(10);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(appends).toEqual([-1]); // no more attempts
  });

  it('refuses bad requests and reports a database that cannot be opened', async () => {
    const { saver } = await setup();
    expect(await saver.start(META, -1)).toMatchObject({ ok: false, error: { code: 'EINVAL' } });
    expect(await saver.start(null as unknown as NewSession, 0)).toMatchObject({ ok: false, error: { code: 'EINVAL' } });
    const log = new TraceLog({ realNow: () => 0 });
    const broken = new SessionSaver({ log, timers: dateTimers, open: () => Promise.reject(new Error('IndexedDB is not available in this browser')) });
    expect(await broken.start(META, 0)).toEqual({ ok: false, error: { code: 'ESTORAGE', message: 'the session cannot be saved: IndexedDB is not available in this browser' } });
    expect(broken.status().error).toBe('IndexedDB is not available in this browser');
  });
});
