// The receive buffer: in-order bytes waiting for the user, and out-of-order bytes held for
// reassembly (RFC 9293 §3.10.7.4, seventh step: segments beyond RCV.NXT may be held).
// Positions are stream offsets (bytes since the start of the connection's data), plain numbers
// that never wrap, so the 2^32 sequence wrap stays in the connection's seq↔offset mapping.
// The capacity is fixed (it is the window we may offer, RFC 9293 §3.8.6); the ring behind it grows
// only as bytes are held, from the first unread byte to the last one held (ring-storage.ts).

export interface OffsetRange {
  start: number;
  end: number;
}

import { allocBytes } from './slab.ts';
import { grownSize, NO_STORAGE, storageWhenEmpty } from './ring-storage.ts';

export class RecvBuffer {
  /** Byte at stream offset o lives at o % ring.length; bytes in the gaps between ranges are junk. */
  private ring: Uint8Array = NO_STORAGE;
  /** Offset of the next byte the user will read. */
  private readOff = 0;
  /** Offset just past the last in-order byte: RCV.NXT as an offset. */
  private nxtOff = 0;
  /** Out-of-order ranges beyond nxtOff, sorted and disjoint (never touching). */
  private ooo: OffsetRange[] = [];
  /** Offset of the most recent out-of-order arrival: its range is reported first (RFC 2018 §4). */
  lastOutOfOrder = -1;

  constructor(readonly capacity: number) {}

  /** In-order bytes the user can read now. */
  get available(): number {
    return this.nxtOff - this.readOff;
  }

  /** Offset of RCV.NXT. */
  get nextOffset(): number {
    return this.nxtOff;
  }

  /** Space from RCV.NXT to the right edge of the buffer: the most we can offer as window. */
  get window(): number {
    return this.capacity - (this.nxtOff - this.readOff);
  }

  /** Out-of-order ranges held, oldest-offset first (what SACK reports). */
  get outOfOrder(): readonly OffsetRange[] {
    return this.ooo;
  }

  /** Bytes of memory the ring holds now (at most `capacity`). */
  get storageBytes(): number {
    return this.ring.byteLength;
  }

  get outOfOrderBytes(): number {
    let n = 0;
    for (const r of this.ooo) n += r.end - r.start;
    return n;
  }

  /**
   * Store bytes that start at stream offset `offset`. What lies before RCV.NXT (a duplicate) or beyond
   * the buffer's right edge is ignored. Returns how many bytes became in-order (RCV.NXT's advance).
   */
  insert(offset: number, bytes: Uint8Array): number {
    const rightEdge = this.readOff + this.capacity;
    const start = Math.max(offset, this.nxtOff);
    const end = Math.min(offset + bytes.length, rightEdge);
    if (end <= start) return 0;
    if (end - this.readOff > this.ring.length) this.grow(end - this.readOff);
    this.copyIn(start, bytes.subarray(start - offset, end - offset));
    if (start === this.nxtOff) {
      this.nxtOff = end;
      // Whole out-of-order ranges that the new bytes reach become in order.
      let i = 0;
      while (i < this.ooo.length && this.ooo[i]!.start <= this.nxtOff) {
        this.nxtOff = Math.max(this.nxtOff, this.ooo[i]!.end);
        i++;
      }
      if (i > 0) this.ooo.splice(0, i);
      return this.nxtOff - start;
    }
    this.lastOutOfOrder = start;
    this.addRange(start, end);
    return 0;
  }

  /** Take up to `max` in-order bytes (a copy). */
  read(max: number): Uint8Array {
    const n = Math.min(max, this.available);
    if (n <= 0) return NO_STORAGE;
    const out = allocBytes(n);
    this.readInto(out);
    return out;
  }

  /** Copy up to target.length in-order bytes into `target`; returns how many. No allocation. */
  readInto(target: Uint8Array): number {
    const n = Math.min(target.length, this.available);
    if (n <= 0) return 0;
    const size = this.ring.length;
    const pos = this.readOff % size;
    const first = Math.min(n, size - pos);
    target.set(this.ring.subarray(pos, pos + first), 0);
    if (n > first) target.set(this.ring.subarray(0, n - first), first);
    this.readOff += n;
    this.releaseIfEmpty();
    return n;
  }

  /** Drop in-order bytes unread (a closed socket discards what still arrives). */
  discard(): number {
    const n = this.available;
    this.readOff = this.nxtOff;
    this.releaseIfEmpty();
    return n;
  }

  private copyIn(offset: number, bytes: Uint8Array): void {
    const size = this.ring.length;
    const pos = offset % size;
    const first = Math.min(bytes.length, size - pos);
    this.ring.set(bytes.subarray(0, first), pos);
    if (bytes.length > first) this.ring.set(bytes.subarray(first), 0);
  }

  /**
   * Make the ring hold at least `span` bytes from readOff on. Every held byte (unread, and out of
   * order, with the gaps between) moves to its offset's place in the new ring.
   */
  private grow(span: number): void {
    const old = this.ring;
    const held = (this.ooo.length > 0 ? this.ooo[this.ooo.length - 1]!.end : this.nxtOff) - this.readOff;
    this.ring = new Uint8Array(grownSize(old.length, span, this.capacity));
    if (held === 0) return;
    const pos = this.readOff % old.length;
    const first = Math.min(held, old.length - pos);
    this.copyIn(this.readOff, old.subarray(pos, pos + first));
    if (held > first) this.copyIn(this.readOff + first, old.subarray(0, held - first));
  }

  /** Nothing unread and nothing out of order: a grown ring is let go (ring-storage.ts). */
  private releaseIfEmpty(): void {
    if (this.readOff === this.nxtOff && this.ooo.length === 0) this.ring = storageWhenEmpty(this.ring);
  }

  /** Merge [start, end) into the sorted, disjoint out-of-order list. */
  private addRange(start: number, end: number): void {
    const list = this.ooo;
    let i = 0;
    while (i < list.length && list[i]!.end < start) i++;
    let j = i;
    let s = start;
    let e = end;
    while (j < list.length && list[j]!.start <= e) {
      s = Math.min(s, list[j]!.start);
      e = Math.max(e, list[j]!.end);
      j++;
    }
    list.splice(i, j - i, { start: s, end: e });
  }
}
