// A real trace through packed chunks (persistence/record-pack.ts): the records an endpoint
// traces while moving data through every fault come back from their chunks exactly. Here, not
// beside record-pack.test.ts, because it drives the worker's EndpointService, a layer above.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EndpointService } from './endpoint-service.ts';
import { FakeRelay } from './fake-relay.ts';
import { okValue as value } from './ok-value.ts';
import type { TraceRecord } from './persistence/trace-record.ts';
import { packRecords, unpackRecords } from './persistence/record-pack.ts';
import { dateTimers } from './timers.ts';

function roundTrip(records: readonly TraceRecord[]): TraceRecord[] {
  const out: TraceRecord[] = [];
  for (const c of packRecords(records)) {
    const u = unpackRecords(c.packed);
    if (!u.ok) throw new Error(u.reason);
    expect(u.records.length).toBe(c.count);
    expect(u.records[0]?.seq).toBe(c.first);
    out.push(...u.records);
  }
  return out;
}

describe('a real trace: an offline transfer through loss, duplicates, reordering and corruption, then the close', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_700_000_000_000, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  it('comes back record for record', async () => {
    const s = new EndpointService({ timers: dateTimers, createSocket: new FakeRelay().createSocket, newSeed: () => 11, random: () => 0.5 });
    value(s.startOffline({ latency: 2 }));
    value(s.listen(80, undefined, 1));
    const c = value(s.connect({ remoteAddr: '10.0.0.2', remotePort: 80 }, 0));
    await vi.advanceTimersByTimeAsync(50);
    const a = value(s.accept(80, 1))!;
    value(s.setFaults('out', { loss: 0.1, duplicate: 0.05, reorder: 0.05, corrupt: 0.05 }, 0));
    value(s.autoRead(a, {}, 1));
    value(s.writeAll(c, new Uint8Array(60_000).fill(0x62), 0));
    await vi.advanceTimersByTimeAsync(20_000);
    value(s.close(c, 0));
    value(s.close(a, 1));
    await vi.advanceTimersByTimeAsync(2_000);
    const records = s.getTrace(0, 100_000).records;
    const kinds = new Set(records.map((r) => r.event.type));
    for (const k of ['conn', 'state', 'segment', 'drop', 'timer', 'tcb', 'deliver', 'fault', 'user']) expect(kinds, k).toContain(k);
    expect(roundTrip(records)).toEqual(records);
  });
});
