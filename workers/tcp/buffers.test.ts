import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SendBuffer } from './send-buffer.ts';
import { RecvBuffer } from './recv-buffer.ts';

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
