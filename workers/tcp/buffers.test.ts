import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SendBuffer } from './send-buffer.ts';
import { RecvBuffer } from './recv-buffer.ts';
import { MIN_STORAGE } from './ring-storage.ts';

const bytes = (from: number, n: number) => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);

describe('SendBuffer', () => {
  it('takes only what fits and reports it', () => {
    const b = new SendBuffer(10);
    expect(b.write(bytes(0, 7))).toBe(7);
    expect(b.write(bytes(7, 7))).toBe(3);
    expect(b.free).toBe(0);
    expect([...b.view(0, 10)]).toEqual([...bytes(0, 10)]);
  });

  it('wraps around the ring and views across the wrap', () => {
    const b = new SendBuffer(8);
    b.write(bytes(0, 6));
    b.consume(5);
    b.write(bytes(6, 6));
    expect(b.length).toBe(7);
    expect([...b.view(0, 7)]).toEqual([...bytes(5, 7)]);
    expect([...b.view(2, 3)]).toEqual([...bytes(7, 3)]);
  });
});

describe('RecvBuffer reassembly (RFC 9293 §3.10.7.4 step 7)', () => {
  it('delivers in-order bytes and holds out-of-order ones until the gap fills', () => {
    const b = new RecvBuffer(100);
    expect(b.insert(10, bytes(10, 10))).toBe(0);
    expect(b.outOfOrder).toEqual([{ start: 10, end: 20 }]);
    expect(b.insert(30, bytes(30, 5))).toBe(0);
    expect(b.insert(0, bytes(0, 10))).toBe(20);
    expect(b.nextOffset).toBe(20);
    expect(b.outOfOrder).toEqual([{ start: 30, end: 35 }]);
    expect([...b.read(100)]).toEqual([...bytes(0, 20)]);
  });

  it('ignores duplicates and trims what lies past the right edge', () => {
    const b = new RecvBuffer(16);
    expect(b.insert(0, bytes(0, 8))).toBe(8);
    expect(b.insert(0, bytes(0, 8))).toBe(0);
    expect(b.insert(4, bytes(4, 20))).toBe(8);
    expect(b.window).toBe(0);
    b.read(6);
    expect(b.window).toBe(6);
  });

  it('merges overlapping out-of-order ranges', () => {
    const b = new RecvBuffer(100);
    b.insert(10, bytes(10, 5));
    b.insert(20, bytes(20, 5));
    b.insert(13, bytes(13, 9));
    expect(b.outOfOrder).toEqual([{ start: 10, end: 25 }]);
    expect(b.outOfOrderBytes).toBe(15);
  });

  it('reassembles any arrival order into the original stream', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(200), fc.integer({ min: 1, max: 40 })), { maxLength: 60 }), (pieces) => {
        const b = new RecvBuffer(64);
        const stream = bytes(0, 400);
        const out: number[] = [];
        for (const [off, len] of pieces) {
          b.insert(off, stream.subarray(off, off + len));
          out.push(...b.read(7));
        }
        b.insert(0, stream.subarray(0, 400));
        while (b.available > 0) {
          out.push(...b.read(64));
          b.insert(0, stream);
        }
        expect(out).toEqual([...stream]);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe('RecvBuffer.readInto', () => {
  it('copies into the caller buffer across the wrap, like read()', () => {
    const b = new RecvBuffer(8);
    b.insert(0, bytes(0, 6));
    b.read(5);
    b.insert(6, bytes(6, 6));
    const target = new Uint8Array(4);
    expect(b.readInto(target)).toBe(4);
    expect([...target]).toEqual([...bytes(5, 4)]);
    expect(b.readInto(target)).toBe(3);
    expect([...target.subarray(0, 3)]).toEqual([...bytes(9, 3)]);
    expect(b.readInto(target)).toBe(0);
  });
});

describe('SendBuffer storage grows with the bytes held, not the capacity', () => {
  const KiB = 1024;

  it('holds no storage until written, then the smallest ring, with the full capacity free', () => {
    const b = new SendBuffer(256 * KiB);
    expect(b.storageBytes).toBe(0);
    expect(b.free).toBe(256 * KiB);
    b.write(bytes(0, 10));
    expect(b.storageBytes).toBe(MIN_STORAGE);
    expect(b.free).toBe(256 * KiB - 10);
  });

  it('takes writes up to the capacity, doubling its ring on the way and never past the capacity', () => {
    const b = new SendBuffer(256 * KiB);
    const sizes = new Set<number>();
    let taken = 0;
    for (;;) {
      const n = b.write(bytes(taken, 1000));
      if (n === 0) break;
      taken += n;
      sizes.add(b.storageBytes);
    }
    expect(taken).toBe(256 * KiB);
    expect([...sizes]).toEqual([2, 4, 8, 16, 32, 64, 128, 256].map((k) => k * KiB));
    expect([...b.view(0, taken)]).toEqual([...bytes(0, taken)]);
  });

  it('stops at a capacity that is not a power of two', () => {
    const b = new SendBuffer(5000);
    expect(b.write(bytes(0, 3000))).toBe(3000);
    expect(b.storageBytes).toBe(4096);
    expect(b.write(bytes(3000, 3000))).toBe(2000);
    expect(b.storageBytes).toBe(5000);
    expect([...b.view(0, 5000)]).toEqual([...bytes(0, 5000)]);
  });

  it('keeps byte order when it grows while the held bytes wrap around the ring', () => {
    const b = new SendBuffer(64 * KiB);
    b.write(bytes(0, 1500));
    b.consume(1000);
    b.write(bytes(1500, 1500)); // 2000 bytes held from position 1000 of a 2048-byte ring: wrapped
    expect(b.storageBytes).toBe(MIN_STORAGE);
    b.write(bytes(3000, 3000));
    expect(b.storageBytes).toBe(8 * KiB);
    expect(b.length).toBe(5000);
    expect([...b.view(0, 5000)]).toEqual([...bytes(1000, 5000)]);
    b.consume(4000);
    b.write(bytes(6000, 7000)); // wraps in the 8 KiB ring
    expect([...b.view(0, 8000)]).toEqual([...bytes(5000, 8000)]);
  });

  it('leaves a view taken before a growth unchanged (the grown ring is a new array)', () => {
    const b = new SendBuffer(64 * KiB);
    b.write(bytes(0, 2000));
    const v = b.view(0, 2000);
    b.write(bytes(2000, 10_000));
    expect([...v]).toEqual([...bytes(0, 2000)]);
  });

  it('gives a grown ring back when emptied, keeps the smallest one, and works again after', () => {
    const b = new SendBuffer(256 * KiB);
    b.write(bytes(0, 100 * KiB));
    expect(b.storageBytes).toBe(128 * KiB);
    b.consume(60 * KiB);
    expect(b.storageBytes).toBe(128 * KiB);
    b.consume(40 * KiB);
    expect(b.storageBytes).toBe(0);
    expect(b.free).toBe(256 * KiB);
    b.write(bytes(7, 300));
    expect(b.storageBytes).toBe(MIN_STORAGE);
    b.consume(300);
    expect(b.storageBytes).toBe(MIN_STORAGE); // an interactive connection does not allocate per message
    b.write(bytes(9, 3000));
    expect([...b.view(0, 3000)]).toEqual([...bytes(9, 3000)]);
    b.clear();
    expect(b.storageBytes).toBe(0);
    expect(b.length).toBe(0);
  });
});

describe('RecvBuffer storage grows with the bytes held, not the window (RFC 9293 §3.8.6)', () => {
  const KiB = 1024;

  it('holds no storage until a byte arrives, yet offers its whole capacity as window', () => {
    const b = new RecvBuffer(256 * KiB);
    expect(b.storageBytes).toBe(0);
    expect(b.window).toBe(256 * KiB);
    b.insert(0, bytes(0, 1460));
    expect(b.storageBytes).toBe(MIN_STORAGE);
    expect(b.window).toBe(256 * KiB - 1460);
  });

  it('takes in-order bytes up to the capacity and reads them back in order', () => {
    const b = new RecvBuffer(256 * KiB);
    let off = 0;
    while (b.window > 0) off += b.insert(off, bytes(off, 1460));
    expect(off).toBe(256 * KiB);
    expect(b.storageBytes).toBe(256 * KiB);
    expect([...b.read(256 * KiB)]).toEqual([...bytes(0, 256 * KiB)]);
    expect(b.storageBytes).toBe(0);
  });

  it('grows for an out-of-order segment far right of RCV.NXT within the window and reassembles in order', () => {
    const b = new RecvBuffer(256 * KiB);
    const stream = bytes(0, 201_460);
    expect(b.insert(200_000, stream.subarray(200_000))).toBe(0);
    expect(b.storageBytes).toBe(256 * KiB); // the ring must reach offset 201 460 from RCV.NXT = 0
    expect(b.outOfOrder).toEqual([{ start: 200_000, end: 201_460 }]);
    // Fill the gap back to front, in 1460-byte segments, so every one but the last is out of order.
    for (let s = Math.floor(199_999 / 1460) * 1460; s > 0; s -= 1460) expect(b.insert(s, stream.subarray(s, Math.min(s + 1460, 200_000)))).toBe(0);
    expect(b.insert(0, stream.subarray(0, 1460))).toBe(201_460);
    expect(b.outOfOrder).toEqual([]);
    expect([...b.read(300_000)]).toEqual([...stream]);
  });

  it('moves unread bytes that wrap around the small ring, and the out-of-order ones, when it grows', () => {
    const b = new RecvBuffer(64 * KiB);
    b.insert(0, bytes(0, 1500));
    b.read(1000);
    b.insert(1500, bytes(1500, 1000)); // unread 1000…2500 wraps in the 2048-byte ring
    expect(b.storageBytes).toBe(MIN_STORAGE);
    b.insert(2800, bytes(2800, 200)); // out of order, still inside the small ring
    expect(b.storageBytes).toBe(MIN_STORAGE);
    b.insert(20_000, bytes(20_000, 500)); // out of order, needs 19 500 bytes from the first unread one
    expect(b.storageBytes).toBe(32 * KiB);
    expect(b.outOfOrder).toEqual([{ start: 2800, end: 3000 }, { start: 20_000, end: 20_500 }]);
    expect(b.insert(2500, bytes(2500, 17_500))).toBe(18_000);
    expect([...b.read(100_000)]).toEqual([...bytes(1000, 19_500)]);
  });

  it('gives the grown ring back once everything is read, and takes bytes again after', () => {
    const b = new RecvBuffer(256 * KiB);
    b.insert(0, bytes(0, 50_000));
    expect(b.storageBytes).toBe(64 * KiB);
    b.read(49_999);
    expect(b.storageBytes).toBe(64 * KiB);
    b.read(1);
    expect(b.storageBytes).toBe(0);
    expect(b.window).toBe(256 * KiB);
    b.insert(50_000, bytes(50_000, 100));
    expect(b.storageBytes).toBe(MIN_STORAGE);
    expect([...b.read(1000)]).toEqual([...bytes(50_000, 100)]);
    expect(b.storageBytes).toBe(MIN_STORAGE);
  });

  it('keeps the ring while out-of-order bytes are held, even with nothing left to read', () => {
    const b = new RecvBuffer(256 * KiB);
    b.insert(0, bytes(0, 10_000));
    b.insert(20_000, bytes(20_000, 100));
    b.read(10_000);
    expect(b.storageBytes).toBe(32 * KiB);
    expect(b.insert(10_000, bytes(10_000, 10_000))).toBe(10_100);
    expect([...b.read(20_000)]).toEqual([...bytes(10_000, 10_100)]);
    expect(b.storageBytes).toBe(0);
  });

  it('gives the ring back when a closed socket discards what it held', () => {
    const b = new RecvBuffer(256 * KiB);
    b.insert(0, bytes(0, 10_000));
    expect(b.discard()).toBe(10_000);
    expect(b.storageBytes).toBe(0);
  });
});
