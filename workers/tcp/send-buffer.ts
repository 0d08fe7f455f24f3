// The send buffer is the retransmission queue (RFC 9293 §3.10.4 SEND, §3.8.1): bytes the user wrote,
// from SND.UNA onwards, both sent-but-unacknowledged and not yet sent. Its capacity is fixed, so a
// writer is told how much fitted instead of growing memory without bound; the ring behind it grows
// only as bytes are held (ring-storage.ts), so an idle connection costs next to nothing.

import { grownSize, NO_STORAGE, storageWhenEmpty } from './ring-storage.ts';

export class SendBuffer {
  private ring: Uint8Array = NO_STORAGE;
  private head = 0;
  private used = 0;

  constructor(readonly capacity: number) {}

  get length(): number {
    return this.used;
  }

  get free(): number {
    return this.capacity - this.used;
  }

  /** Bytes of memory the ring holds now (at most `capacity`). */
  get storageBytes(): number {
    return this.ring.byteLength;
  }

  /** Copy as much of `bytes` as fits; returns how many bytes were taken. */
  write(bytes: Uint8Array): number {
    const n = Math.min(bytes.length, this.free);
    if (n === 0) return 0;
    if (this.used + n > this.ring.length) this.grow(this.used + n);
    const size = this.ring.length;
    const tail = (this.head + this.used) % size;
    const first = Math.min(n, size - tail);
    this.ring.set(bytes.subarray(0, first), tail);
    if (n > first) this.ring.set(bytes.subarray(first, n), 0);
    this.used += n;
    return n;
  }

  /**
   * `len` bytes starting `offset` bytes after the head. A view into the ring when contiguous
   * (valid only until the next write), otherwise a fresh copy. A ring that grows or shrinks is
   * replaced, never changed in place, so an earlier view keeps its bytes.
   */
  view(offset: number, len: number): Uint8Array {
    if (len === 0) return NO_STORAGE;
    const size = this.ring.length;
    const start = (this.head + offset) % size;
    if (start + len <= size) return this.ring.subarray(start, start + len);
    const out = new Uint8Array(len);
    const first = size - start;
    out.set(this.ring.subarray(start), 0);
    out.set(this.ring.subarray(0, len - first), first);
    return out;
  }

  /** Drop `n` acknowledged bytes from the head. */
  consume(n: number): void {
    const k = Math.min(n, this.used);
    if (k === 0) return;
    this.used -= k;
    if (this.used === 0) this.clear();
    else this.head = (this.head + k) % this.ring.length;
  }

  clear(): void {
    this.head = 0;
    this.used = 0;
    this.ring = storageWhenEmpty(this.ring);
  }

  /** Move the held bytes, in order, to the start of a larger ring. */
  private grow(needed: number): void {
    const next = new Uint8Array(grownSize(this.ring.length, needed, this.capacity));
    const size = this.ring.length;
    const first = Math.min(this.used, size - this.head);
    next.set(this.ring.subarray(this.head, this.head + first), 0);
    if (this.used > first) next.set(this.ring.subarray(0, this.used - first), first);
    this.ring = next;
    this.head = 0;
  }
}
