// The growable send and receive rings against trivial reference models (a plain array of the bytes
// queued; a map from stream offset to byte held), over random operation sequences with fixed seeds.
// Capacities straddle the smallest ring so growth, clamping at the capacity, wrap-around and release
// when emptied all happen. A failure names the seed and the shrunk operation sequence.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SendBuffer } from './send-buffer.ts';
import { RecvBuffer, type OffsetRange } from './recv-buffer.ts';
import { MIN_STORAGE } from './ring-storage.ts';

const SEEDS = [1, 2, 3, 4];
const RUNS_PER_SEED = 150;
const CAPACITIES = [7, 100, MIN_STORAGE, 3000, 5000, 20_000];

/**
 * The byte at stream offset `o`: a hash, not `o & 0xff`, so a byte put at the wrong place in a
 * ring whose size is a multiple of 256 still shows.
 */
const streamByte = (o: number): number => Math.imul(o + 1, 2654435761) >>> 24;
const streamBytes = (from: number, n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => streamByte(from + i));

/** Run a property once per fixed seed; a failure throws with the seed to replay it. */
function checkEverySeed<T>(arb: fc.Arbitrary<T>, body: (input: T) => void): void {
  for (const seed of SEEDS) {
    const r = fc.check(
      fc.property(arb, (input) => {
        body(input);
      }),
      { seed, numRuns: RUNS_PER_SEED },
    );
    if (r.failed) {
      throw new Error(
        `failed with seed ${seed} (replay: { seed: ${seed}, path: '${r.counterexamplePath}' }) on ${fc.stringify(r.counterexample)}: ${String(r.errorInstance)}`,
      );
    }
  }
}

/** A view's start and length are thousandths of what is queued (integers: fast-check's doubles crowd near 0). */
type SendOp = { op: 'write'; n: number } | { op: 'consume'; n: number } | { op: 'view'; at: number; len: number } | { op: 'clear' };

const sendOp: fc.Arbitrary<SendOp> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('write' as const), n: fc.integer({ min: 0, max: 6000 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('consume' as const), n: fc.integer({ min: 0, max: 6000 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('view' as const), at: fc.integer({ min: 0, max: 1000 }), len: fc.integer({ min: 0, max: 1000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('clear' as const) }) },
);

describe('SendBuffer against a plain array of queued bytes', () => {
  it('writes, views, consumes and clears like the model, holding storage only for bytes queued', () => {
    checkEverySeed(fc.record({ capacity: fc.constantFrom(...CAPACITIES), ops: fc.array(sendOp, { maxLength: 60 }) }), ({ capacity, ops }) => {
      const b = new SendBuffer(capacity);
      let model: number[] = [];
      let written = 0; // stream offset of the next byte a write offers
      for (const o of ops) {
        if (o.op === 'write') {
          const taken = b.write(streamBytes(written, o.n));
          const fits = Math.min(o.n, capacity - model.length);
          expect(taken).toBe(fits);
          for (let i = 0; i < fits; i++) model.push(streamByte(written + i));
          written += fits;
        } else if (o.op === 'consume') {
          b.consume(o.n);
          model = model.slice(Math.min(o.n, model.length));
        } else if (o.op === 'view') {
          const at = Math.floor((o.at / 1000) * model.length);
          const len = Math.floor((o.len / 1000) * (model.length - at));
          expect([...b.view(at, len)]).toEqual(model.slice(at, at + len));
        } else {
          b.clear();
          model = [];
        }
        expect(b.length).toBe(model.length);
        expect(b.free).toBe(capacity - model.length);
        expect(b.storageBytes).toBeGreaterThanOrEqual(model.length);
        expect(b.storageBytes).toBeLessThanOrEqual(capacity);
        if (model.length === 0) expect(b.storageBytes).toBeLessThanOrEqual(MIN_STORAGE);
      }
      expect([...b.view(0, model.length)]).toEqual(model);
    });
  });
});

/** What a receive buffer holds: RCV.NXT and the user's read point as offsets, and every byte held by offset. */
class RecvModel {
  readOff = 0;
  nxtOff = 0;
  lastOutOfOrder = -1;
  readonly held = new Map<number, number>();

  constructor(readonly capacity: number) {}

  insert(offset: number, bytes: Uint8Array): number {
    const before = this.nxtOff;
    let firstNew = -1;
    for (let i = 0; i < bytes.length; i++) {
      const o = offset + i;
      if (o < this.nxtOff || o >= this.readOff + this.capacity) continue;
      if (firstNew < 0) firstNew = o;
      this.held.set(o, bytes[i]!);
    }
    if (firstNew < 0) return 0;
    if (firstNew > before) {
      this.lastOutOfOrder = firstNew;
      return 0;
    }
    while (this.held.has(this.nxtOff)) this.nxtOff++;
    return this.nxtOff - before;
  }

  read(max: number): number[] {
    const n = Math.max(0, Math.min(max, this.nxtOff - this.readOff));
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      out.push(this.held.get(this.readOff)!);
      this.held.delete(this.readOff++);
    }
    return out;
  }

  discard(): number {
    return this.read(Infinity).length;
  }

  /** Held bytes beyond RCV.NXT as maximal runs of consecutive offsets. */
  outOfOrder(): OffsetRange[] {
    const offsets = [...this.held.keys()].filter((o) => o > this.nxtOff).sort((x, y) => x - y);
    const ranges: OffsetRange[] = [];
    for (const o of offsets) {
      const last = ranges[ranges.length - 1];
      if (last && last.end === o) last.end++;
      else ranges.push({ start: o, end: o + 1 });
    }
    return ranges;
  }

  /** Bytes from the first unread one to the last one held: what the ring must span. */
  span(): number {
    let end = this.nxtOff;
    for (const o of this.held.keys()) end = Math.max(end, o + 1);
    return end - this.readOff;
  }
}

type RecvOp =
  | { op: 'insert'; from: number; n: number }
  | { op: 'read'; n: number }
  | { op: 'readInto'; n: number }
  | { op: 'discard' };

const recvOp: fc.Arbitrary<RecvOp> = fc.oneof(
  // `from` is in thousandths of the capacity from the user's read point, reaching a little either side.
  { weight: 6, arbitrary: fc.record({ op: fc.constant('insert' as const), from: fc.integer({ min: -100, max: 1100 }), n: fc.integer({ min: 0, max: 4000 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('read' as const), n: fc.integer({ min: 0, max: 8000 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('readInto' as const), n: fc.integer({ min: 0, max: 8000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('discard' as const) }) },
);

describe('RecvBuffer against a map of bytes held by stream offset (RFC 9293 §3.10.7.4 step 7)', () => {
  it('reassembles, reads, discards and reports out-of-order ranges like the model, holding storage only for the span held', () => {
    checkEverySeed(fc.record({ capacity: fc.constantFrom(...CAPACITIES), ops: fc.array(recvOp, { maxLength: 80 }) }), ({ capacity, ops }) => {
      const b = new RecvBuffer(capacity);
      const m = new RecvModel(capacity);
      for (const o of ops) {
        if (o.op === 'insert') {
          const offset = Math.max(0, m.readOff + Math.round((o.from / 1000) * capacity));
          expect(b.insert(offset, streamBytes(offset, o.n))).toBe(m.insert(offset, streamBytes(offset, o.n)));
        } else if (o.op === 'read') {
          expect([...b.read(o.n)]).toEqual(m.read(o.n));
        } else if (o.op === 'readInto') {
          const target = new Uint8Array(o.n);
          const got = b.readInto(target);
          expect([...target.subarray(0, got)]).toEqual(m.read(o.n));
        } else {
          expect(b.discard()).toBe(m.discard());
        }
        expect(b.nextOffset).toBe(m.nxtOff);
        expect(b.available).toBe(m.nxtOff - m.readOff);
        expect(b.window).toBe(capacity - (m.nxtOff - m.readOff));
        expect(b.outOfOrder).toEqual(m.outOfOrder());
        expect(b.outOfOrderBytes).toBe(m.held.size - (m.nxtOff - m.readOff));
        expect(b.lastOutOfOrder).toBe(m.lastOutOfOrder);
        expect(b.storageBytes).toBeGreaterThanOrEqual(m.span());
        expect(b.storageBytes).toBeLessThanOrEqual(capacity);
        if (m.held.size === 0) expect(b.storageBytes).toBeLessThanOrEqual(MIN_STORAGE);
      }
      expect([...b.read(Infinity)]).toEqual(m.read(Infinity));
    });
  });
});
