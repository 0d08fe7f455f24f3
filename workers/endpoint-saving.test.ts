// The endpoint saves its own trace (saveSession): a real offline handshake and transfer, written
// to an in-memory IndexedDB through the same SessionStore the worker entry uses, reads back
// record for record as the worker traced it.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TraceRecord, WorkerUpdate } from './api.ts';
import { EndpointService } from './endpoint-service.ts';
import { FakeRelay } from './fake-relay.ts';
import { dateTimers } from './timers.ts';
import { openPlaygroundDb } from './persistence/db.ts';
import { SessionStore } from './persistence/session-store.ts';
import type { NewSession } from './persistence/types.ts';
import { newSession } from './persistence/test-fixtures.ts';
import { okValue as value } from './ok-value.ts';

const run = (ms: number) => vi.advanceTimersByTimeAsync(ms);

const META: NewSession = newSession();

function all(s: EndpointService): TraceRecord[] {
  return s.getTrace(0, 10_000).records;
}

/** What a record says, packets compared by their bytes (the store decodes them again). */
function plain(r: TraceRecord): unknown {
  const e = r.event;
  if (e.type === 'segment') {
    const { seg, bytes, ...rest } = e;
    return { seq: r.seq, real: r.real, ...rest, bytes: [...bytes], segSeq: seg.seq, segFlags: seg.flags, payload: seg.payload.length };
  }
  return JSON.parse(JSON.stringify(r, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v)));
}

describe('EndpointService.saveSession: the worker writes the saved session', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_700_000_000_000, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  it('stores a handshake and a transfer exactly as traced, counts them, and ends the session', async () => {
    const store = new SessionStore(await openPlaygroundDb('endpoint-saving-1'));
    const s = new EndpointService({
      timers: dateTimers,
      createSocket: new FakeRelay().createSocket,
      newSeed: () => 7,
      random: () => 0.5,
      openSessionWriter: async (name) => new SessionStore(await openPlaygroundDb(name)),
    });
    const updates: WorkerUpdate[] = [];
    s.subscribe((u) => void updates.push(u));
    const hosts = value(s.startOffline({ latency: 2 }));
    const from = s.traceInfo().next;
    const id = value(await s.saveSession({ meta: META, fromSeq: from, dbName: 'endpoint-saving-1' }));
    value(s.noteSession({ hosts: hosts.map((h) => ({ address: h.address, hostname: h.hostname })) }));
    value(s.listen(80, undefined, 1));
    const c = value(s.connect({ remoteAddr: '10.0.0.2', remotePort: 80 }, 0));
    await run(50);
    const a = value(s.accept(80, 1))!;
    value(s.autoRead(a, {}, 1));
    value(s.writeAll(c, new Uint8Array(20_000).fill(0x61), 0));
    await run(500);
    value(s.close(c, 0));
    await run(100);
    const end = s.traceInfo().next;
    value(s.endSession({ endedAt: 42 }));
    value(s.listen(81, undefined, 1)); // after the end: not part of the saved session
    const status = await s.flushSession();
    expect(s.traceInfo().next).toBeGreaterThan(end);
    const session = all(s).filter((r) => r.seq >= from && r.seq < end);
    expect(status).toMatchObject({ id: null, error: null });
    const back = (await store.read(id)).records;
    expect(back.map(plain)).toEqual(session.map(plain));
    expect(back.filter((r) => r.event.type === 'segment').length).toBeGreaterThan(10);
    const meta = await store.get(id);
    expect(meta).toMatchObject({
      endedAt: 42,
      records: session.length,
      segments: session.filter((r) => r.event.type === 'segment').length,
      lastReal: session.at(-1)!.real,
      hosts: [
        { address: '10.0.0.1', hostname: 'host-1' },
        { address: '10.0.0.2', hostname: 'host-2' },
      ],
    });
    // The page heard that saving started, through its ordinary updates.
    await run(50);
    expect(updates.some((u) => u.saving?.id === id && u.saving.error === null)).toBe(true);
    s.dispose();
  });

  it('without a database, refuses to save and says why', async () => {
    const s = new EndpointService({ timers: dateTimers, createSocket: new FakeRelay().createSocket, newSeed: () => 1, random: () => 0.5 });
    expect(await s.saveSession({ meta: META, fromSeq: 0 })).toEqual({ ok: false, error: { code: 'ESTORAGE', message: 'the session cannot be saved: this worker has no database' } });
    expect(await s.saveSession(null as never)).toMatchObject({ ok: false, error: { code: 'EINVAL' } });
    expect(s.noteSession({ name: 'x' })).toMatchObject({ ok: false, error: { code: 'EMODE' } });
    expect((await s.flushSession()).error).toBe('this worker has no database');
    s.dispose();
  });
});
