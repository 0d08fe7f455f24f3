// The send buffer is the retransmission queue (RFC 9293 §3.10.4 SEND, §3.8.1): bytes the user wrote,
// from SND.UNA onwards, both sent-but-unacknowledged and not yet sent. A ring of fixed capacity,
// so a writer is told how much fitted instead of growing memory.

export class SendBuffer {
  private readonly ring: Uint8Array;
  private head = 0;
  private used = 0;

  constructor(readonly capacity: number) {
    this.ring = new Uint8Array(capacity);
  }

  get length(): number {
    return this.used;
  }

  get free(): number {
    return this.capacity - this.used;
  }

  /** Copy as much of `bytes` as fits; returns how many bytes were taken. */
  write(bytes: Uint8Array): number {
    const n = Math.min(bytes.length, this.free);
    if (n === 0) return 0;
    const tail = (this.head + this.used) % this.capacity;
    const first = Math.min(n, this.capacity - tail);
    this.ring.set(bytes.subarray(0, first), tail);
    if (n > first) this.ring.set(bytes.subarray(first, n), 0);
    this.used += n;
    return n;
  }

  /**
   * `len` bytes starting `offset` bytes after the head. A view into the ring when contiguous
   * (valid only until the next write), otherwise a fresh copy.
   */
  view(offset: number, len: number): Uint8Array {
    const start = (this.head + offset) % this.capacity;
    if (start + len <= this.capacity) return this.ring.subarray(start, start + len);
    const out = new Uint8Array(len);
    const first = this.capacity - start;
    out.set(this.ring.subarray(start), 0);
    out.set(this.ring.subarray(0, len - first), first);
    return out;
  }

  /** Drop `n` acknowledged bytes from the head. */
  consume(n: number): void {
    const k = Math.min(n, this.used);
    this.head = (this.head + k) % this.capacity;
    this.used -= k;
  }

  clear(): void {
    this.head = 0;
    this.used = 0;
  }
}
