import { describe, expect, it } from 'vitest';
import { encodePacket } from './tcp/wire/packet.ts';
import { Flag, type TcpSegment } from './tcp/wire/types.ts';
import { HoldQueue } from './hold-queue.ts';

const A = 0x0a000101; // 10.0.1.1
const B = 0x0a000102; // 10.0.1.2

function packet(flags: number, seq: number, payload = 0): Uint8Array {
  const seg: TcpSegment = {
    srcPort: 5000, dstPort: 6000, seq, ack: 0, flags, window: 65535, urgent: 0,
    options: flags & Flag.SYN ? { mss: 1460 } : {}, payload: new Uint8Array(payload),
  };
  return encodePacket({ src: A, dst: B }, seg);
}

const ids = (q: HoldQueue) => q.list().map((h) => h.id);

describe('HoldQueue', () => {
  it('describes each held packet once: id, summary, flags, length, addresses', () => {
    const q = new HoldQueue();
    const h = q.hold(packet(Flag.SYN, 100), 7);
    expect(h).toMatchObject({ id: 1, flags: Flag.SYN, flagNames: 'SYN', length: 0, src: '10.0.1.1', dst: '10.0.1.2', heldAt: 7 });
    expect(h.summary).toBe('10.0.1.1:5000 → 10.0.1.2:6000 [SYN] seq=100 win=65535 len=0 MSS=1460');
    const d = q.hold(packet(Flag.PSH | Flag.ACK, 101, 10), 8);
    expect(d).toMatchObject({ id: 2, flagNames: 'PSH,ACK', length: 10 });
  });

  it('keeps a copy of its own of each packet (the core reuses slab memory)', () => {
    const q = new HoldQueue();
    const p = packet(Flag.SYN, 1);
    const h = q.hold(p, 0);
    expect(h.bytes).toEqual(p);
    expect(h.bytes.buffer.byteLength).toBe(p.length);
  });

  it('releases one by id, or all in queue order, and forgets them', () => {
    const q = new HoldQueue();
    for (let i = 0; i < 4; i++) q.hold(packet(Flag.ACK, i), i);
    expect(q.release(3)?.id).toBe(3);
    expect(q.release(3)).toBeUndefined();
    expect(q.releaseAll().map((h) => h.id)).toEqual([1, 2, 4]);
    expect(q.size).toBe(0);
  });

  it('drops, duplicates right behind the original, and moves', () => {
    const q = new HoldQueue();
    for (let i = 0; i < 3; i++) q.hold(packet(Flag.ACK, i), 0);
    expect(q.drop(2)?.id).toBe(2);
    expect(ids(q)).toEqual([1, 3]);
    const copy = q.duplicate(1);
    expect(copy?.id).toBe(4);
    expect(copy?.bytes).toBe(q.get(1)?.bytes);
    expect(ids(q)).toEqual([1, 4, 3]);
    expect(q.move(3, 0)).toBe(true);
    expect(ids(q)).toEqual([3, 1, 4]);
    expect(q.move(3, 99)).toBe(true); // clamped to the end
    expect(ids(q)).toEqual([1, 4, 3]);
    expect(q.move(1, -5)).toBe(true);
    expect(ids(q)).toEqual([1, 4, 3]);
    expect(q.move(42, 0)).toBe(false);
    expect(q.duplicate(42)).toBeUndefined();
    expect(q.drop(42)).toBeUndefined();
  });

  it('reorders two held SYNs so the second leaves first', () => {
    const q = new HoldQueue();
    q.hold(packet(Flag.SYN, 1), 0);
    q.hold(packet(Flag.SYN | Flag.ACK, 2), 0);
    q.move(2, 0);
    expect(q.releaseAll().map((h) => h.flagNames)).toEqual(['SYN,ACK', 'SYN']);
  });

  it('still lists a packet it cannot decode', () => {
    const q = new HoldQueue();
    const bad = packet(Flag.SYN, 1);
    bad[bad.length - 1] = 0xff; // breaks the TCP checksum
    bad[25] = (bad[25] ?? 0) ^ 1;
    const h = q.hold(bad, 0);
    expect(h.summary).toMatch(/^undecodable packet/);
    expect(h.flagNames).toBe('SYN');
  });
});
