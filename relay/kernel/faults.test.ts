// The kernel peer's own fault path (no root needed): seeded, so a run repeats; every fault does
// what it says and nothing else.
import { describe, expect, it } from 'vitest';
import { encodePacket } from '../../workers/tcp/wire/packet.ts';
import { Flag } from '../../workers/tcp/wire/types.ts';
import { checkFaultSpec, FaultPath, REORDER_HOLD_MS, type FaultSpec } from './faults.ts';
import { parseKernelPeerArgs } from '../kernel-peer-main.ts';
import { sleep } from '../test-support.ts';

function packet(i: number): Uint8Array {
  return encodePacket(
    { src: 0x0a000101, dst: 0x0a000007 },
    { srcPort: 40000, dstPort: 7, seq: i, ack: 0, flags: Flag.ACK, window: 1000, urgent: 0, options: {}, payload: new Uint8Array(100).fill(i & 0xff) },
  );
}

async function run(spec: FaultSpec, n = 1000): Promise<{ out: Uint8Array[]; path: FaultPath }> {
  const out: Uint8Array[] = [];
  const path = new FaultPath(spec, (p) => out.push(p), 1);
  for (let i = 0; i < n; i++) path.push(packet(i));
  await sleep((spec.delayMs ?? 0) + REORDER_HOLD_MS * 3);
  path.stop();
  return { out, path };
}

const seqOf = (p: Uint8Array): number => new DataView(p.buffer, p.byteOffset).getUint32(24);

describe('kernel peer faults', () => {
  it('passes everything in order without faults', async () => {
    const { out } = await run({});
    expect(out.map(seqOf)).toEqual([...Array(1000).keys()]);
  });

  it('drops about the loss rate, the same packets for the same seed', async () => {
    const a = await run({ loss: 0.05, seed: 5 });
    const b = await run({ loss: 0.05, seed: 5 });
    expect(a.path.counts.lost).toBeGreaterThan(25);
    expect(a.path.counts.lost).toBeLessThan(80);
    expect(a.out.map(seqOf)).toEqual(b.out.map(seqOf));
  });

  it('reorders by holding a packet behind the next one, losing none', async () => {
    const { out, path } = await run({ reorder: 0.25, seed: 2 });
    expect(out.length).toBe(1000);
    expect(path.counts.reordered).toBeGreaterThan(100);
    expect(out.map(seqOf)).not.toEqual([...Array(1000).keys()]);
    expect([...out.map(seqOf)].sort((x, y) => x - y)).toEqual([...Array(1000).keys()]);
  });

  it('duplicates whole packets, and corrupts only the TCP segment (never the IPv4 header the relay checks)', async () => {
    const d = await run({ duplicate: 0.05, seed: 3 });
    expect(d.out.length).toBe(1000 + d.path.counts.duplicated);
    const c = await run({ corrupt: 0.05, seed: 4 });
    const changed = c.out.filter((p, i) => p.some((b, j) => b !== packet(i)[j]));
    expect(changed.length).toBe(c.path.counts.corrupted);
    expect(changed.length).toBeGreaterThan(20);
    for (const p of changed) expect(p.subarray(0, 20)).toEqual(packet(seqOf(p)).subarray(0, 20));
  });

  it('delays every packet by the fixed delay', async () => {
    const out: number[] = [];
    const t0 = Date.now();
    const path = new FaultPath({ delayMs: 30 }, () => out.push(Date.now() - t0), 1);
    path.push(packet(1));
    await sleep(60);
    path.stop();
    expect(out.length).toBe(1);
    expect(out[0]).toBeGreaterThanOrEqual(29);
  });

  it('refuses bad settings with a reason, in the spec and on the command line', () => {
    expect(checkFaultSpec({ loss: 1.5 })).toMatch(/loss must be a probability/);
    expect(checkFaultSpec({ delayMs: -1 })).toMatch(/delay/);
    expect(parseKernelPeerArgs(['--room', 'lab', '--loss', 'x'])).toEqual({ ok: false, reason: '--loss needs a number, got "x"' });
    expect(parseKernelPeerArgs(['--loss', '0.1'])).toMatchObject({ ok: false, reason: expect.stringContaining('--room is required') });
    const ok = parseKernelPeerArgs(['--room', 'lab', '--host-namespace', '--delay', '20', '--seed', '9']);
    expect(ok).toMatchObject({ ok: true, value: { room: 'lab', netns: null, faults: { delayMs: 20, seed: 9 } } });
  });
});
