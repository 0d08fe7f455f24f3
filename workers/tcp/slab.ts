// Small byte arrays carved from shared slabs. Every segment sent and every read would otherwise
// allocate its own ArrayBuffer, and in V8 that allocation (plus its finalisation) costs more than
// the copy that fills it. A slab is released when no view into it is left.
//
// Views are 8-byte aligned (so the checksum can read 32-bit words) and each region is handed out
// once, so it starts zeroed. Never transfer a view's buffer to another thread: it is shared.

const SLAB_SIZE = 256 * 1024;
/** Larger requests get their own buffer: they would waste most of a slab. */
const DIRECT_OVER = 16 * 1024;

let slab = new ArrayBuffer(SLAB_SIZE);
let used = 0;

export function allocBytes(n: number): Uint8Array<ArrayBuffer> {
  if (n > DIRECT_OVER) return new Uint8Array(n);
  if (used + n > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    used = 0;
  }
  const view = new Uint8Array(slab, used, n);
  used += (n + 7) & ~7;
  return view;
}
