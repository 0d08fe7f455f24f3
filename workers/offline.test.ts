import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TraceRecord } from './api.ts';
import { EndpointService } from './endpoint-service.ts';
import { FakeRelay } from './fake-relay.ts';
import { dateTimers } from './timers.ts';
import { Flag } from './tcp/wire/types.ts';
import { crc32 } from './crc32.ts';
import { okValue as value } from './ok-value.ts';

const run = (ms: number) => vi.advanceTimersByTimeAsync(ms);

function records(s: EndpointService): TraceRecord[] {
  return s.getTrace(0, 10_000).records;
}

function offline(options: Parameters<EndpointService['startOffline']>[0] = {}) {
  const s = new EndpointService({ timers: dateTimers, createSocket: new FakeRelay().createSocket, newSeed: () => 4, random: () => 0.5 });
  value(s.startOffline(options));
  return s;
}

describe('offline mode: several hosts in one tab on a simulated link, in real time', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_700_000_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('runs the requested hosts, each addressable by index', () => {
    const s = offline({ hosts: 3 });
    expect(s.mode()).toBe('offline');
    expect(s.hosts()).toEqual([
      { index: 0, address: '10.0.0.1', hostname: 'host-1' },
      { index: 1, address: '10.0.0.2', hostname: 'host-2' },
      { index: 2, address: '10.0.0.3', hostname: 'host-3' },
    ]);
    expect(s.listen(80, undefined, 3)).toMatchObject({ ok: false, error: { code: 'ENOHOST' } });
    expect(s.startOffline({ hosts: 1 })).toMatchObject({ ok: false, error: { code: 'EINVAL' } });
  });

  it('connects two local hosts with the link latency in real time, and both ends are traced', async () => {
    const s = offline({ latency: 20 });
    value(s.listen(80, undefined, 1));
    const c = value(s.connect({ remoteAddr: '10.0.0.2', remotePort: 80 }, 0));
    // A → B crosses both links (2 × 20 ms): the SYN,ACK is back after 80 ms.
    await run(79);
    expect(value(s.status(c, 0)).state).toBe('SYN-SENT');
    await run(2);
    expect(value(s.status(c, 0)).state).toBe('ESTABLISHED');
    await run(40);
    const accepted = value(s.accept(80, 1));
    expect(accepted).not.toBeNull();
    const hostsSeen = new Set(records(s).flatMap((r) => (r.event.type === 'state' ? [r.event.host] : [])));
    expect(hostsSeen).toEqual(new Set(['10.0.0.1', '10.0.0.2']));
  });

  it('moves data intact through loss, reordering and corruption on one host’s link', async () => {
    const s = offline({ latency: 2 });
    value(s.setFaults('out', { loss: 0.1, reorder: 0.1, corrupt: 0.05 }, 0));
    value(s.setFaults('out', { loss: 0.1 }, 1));
    value(s.listen(80, undefined, 1));
    const c = value(s.connect({ remoteAddr: '10.0.0.2', remotePort: 80 }, 0));
    let a: number | null = null;
    for (let i = 0; i < 100 && a === null; i++) {
      await run(100);
      a = value(s.accept(80, 1));
    }
    value(s.autoRead(a as number, {}, 1));
    const data = new Uint8Array(100_000).map((_, i) => (i * 7) & 0xff);
    value(s.writeAll(c, data, 0));
    value(s.shutdown(c, 0));
    const chunks: number[] = [];
    for (let i = 0; i < 300; i++) {
      await run(100);
      const r = value(s.takeReceived(a as number, 1)); // what came since the last call
      chunks.push(...r.data);
      if (r.eof) break;
    }
    expect(new Uint8Array(chunks)).toEqual(data);
    const st = value(s.faultStatus(0));
    expect(st.out.counters.loss).toBeGreaterThan(0);
    const faultEvents = records(s).filter((r) => r.event.type === 'fault' && r.event.host === '10.0.0.1' && r.event.fault === 'loss');
    expect(faultEvents).toHaveLength(st.out.counters.loss);
  });

  it('auto-read with `keep` sends only the newest bytes and counts and hashes every byte, by read() too; a shutdown waits for writeAll()', async () => {
    const s = offline({ latency: 1 });
    value(s.listen(80, undefined, 1));
    const c = value(s.connect({ remoteAddr: '10.0.0.2', remotePort: 80 }, 0));
    await run(20);
    const a = value(s.accept(80, 1)) as number;
    const data = new Uint8Array(300_000).map((_, i) => (i * 13 + (i >> 9)) & 0xff);
    // The first 1,000 bytes by hand, the rest by auto-read keeping at most 4,096 bytes.
    value(s.writeAll(c, data.subarray(0, 1_000), 0));
    await run(20);
    const first = value(s.read(a, 1_000, 1));
    expect(first.data).toEqual(data.subarray(0, 1_000));
    value(s.autoRead(a, { keep: 4_096 }, 1));
    expect(s.autoRead(a, { keep: -1 }, 1)).toMatchObject({ ok: false, error: { code: 'EINVAL' } });
    value(s.writeAll(c, data.subarray(1_000), 0)); // more than the 256 KiB send buffer takes at once
    value(s.shutdown(c, 0)); // the FIN follows every queued byte, not just those in the buffer
    let got: ReturnType<EndpointService['takeReceived']> | null = null;
    let seen = 0;
    for (let i = 0; i < 300; i++) {
      await run(50);
      const r = value(s.takeReceived(a, 1));
      expect(r.data.length).toBeLessThanOrEqual(4_096);
      seen += r.data.length + r.skipped;
      got = { ok: true, value: r };
      if (r.eof) break;
    }
    const r = value(got!);
    expect(r.eof).toBe(true);
    expect(seen).toBe(data.length - 1_000); // every auto-read byte either came or was counted as skipped
    expect(r.total).toBe(data.length);
    expect(r.crc).toBe(crc32(data));
    expect(value(s.writeProgress(c, 0))).toMatchObject({ queued: data.length, crc: crc32(data), done: true });
  });

  it('holds SYNs on both local hosts; releasing them makes a simultaneous open', async () => {
    const s = offline();
    value(s.setHold(true, 0));
    value(s.setHold(true, 1));
    const c0 = value(s.connect({ remoteAddr: '10.0.0.2', remotePort: 7000, localPort: 7001 }, 0));
    const c1 = value(s.connect({ remoteAddr: '10.0.0.1', remotePort: 7001, localPort: 7000 }, 1));
    await run(100);
    expect(value(s.held(0)).map((h) => h.flagNames)).toEqual(['SYN']);
    expect(value(s.held(1)).map((h) => h.flagNames)).toEqual(['SYN']);
    value(s.setHold(false, 0)); // off releases the queue
    value(s.setHold(false, 1));
    await run(100);
    for (const [host, c] of [[0, c0], [1, c1]] as const) {
      const to = records(s).flatMap((r) => (r.event.type === 'state' && r.event.host === `10.0.0.${host + 1}` && r.event.conn === c ? [r.event.to] : []));
      expect(to).toEqual(['SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED']);
    }
  });

  it('slows every timer by the time factor and freezes on pause', async () => {
    const s = offline();
    value(s.setTimeFactor(0.25));
    value(s.addRule('out', { kind: 'match', set: Flag.SYN, count: 1 }, 0)); // lose the first SYN
    value(s.listen(80, undefined, 1));
    const c = value(s.connect({ remoteAddr: '10.0.0.2', remotePort: 80 }, 0));
    await run(3990); // the 1 s RTO takes 4 s of real time
    expect(value(s.status(c, 0)).state).toBe('SYN-SENT');
    await run(100);
    expect(value(s.status(c, 0)).retransmits).toBeGreaterThanOrEqual(1);
    value(s.pause());
    const frozen = s.clockState().stack;
    await run(10_000);
    expect(s.clockState().stack).toBe(frozen);
    // While paused the network does not move: stepping does, one visible event at a time.
    const st = value(s.step());
    expect(['packet', 'timer']).toContain(st.kind);
    value(s.resume());
    await run(1000);
    expect(value(s.status(c, 0)).state).toBe('ESTABLISHED');
  });
});
