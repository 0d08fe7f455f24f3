// How much memory a buffer's ring holds, as opposed to its capacity (the configured limit that
// decides the window and how much a writer may queue). A connection that only shook hands, or went
// idle, should cost almost nothing: thousands of them share one relay process.
//
// Storage is empty until the first byte is held, then MIN_STORAGE, then doubles as bytes are
// actually held, never past the capacity. A buffer that empties drops storage above MIN_STORAGE,
// so a connection that went idle after a burst gives the memory back, while one that trickles small
// messages keeps its small ring and allocates nothing per message.

/** Holds one full-sized segment at the usual MSS of 1460 (RFC 9293 §3.7.1, MTU 1500) without growing. */
export const MIN_STORAGE = 2048;

/** A zero-length ring for a buffer that holds nothing; shared, since nothing is ever written to it. */
export const NO_STORAGE = new Uint8Array(0);

/** The storage size to grow to so that `needed` bytes fit: doubling from the current size, at most `capacity`. */
export function grownSize(current: number, needed: number, capacity: number): number {
  let size = Math.max(current, MIN_STORAGE);
  while (size < needed) size *= 2;
  return Math.min(size, capacity);
}

/** Storage to keep once a buffer holds nothing: a small ring stays, a grown one is let go. */
export function storageWhenEmpty(ring: Uint8Array): Uint8Array {
  return ring.length > MIN_STORAGE ? NO_STORAGE : ring;
}
