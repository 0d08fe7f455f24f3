// Making data cheap to post to the page. The core carves packets and reads out of shared 256 KiB
// slabs (tcp/slab.ts), and structured clone copies a view's WHOLE buffer: a batch of trace events
// pointing into a dozen slabs would post megabytes for kilobytes of packets. Everything that
// crosses to the UI goes through here first and gets buffers of its own size.

import type { TraceRecord } from './api.ts';

/** The bytes in a buffer of their own (the same array when it already is). */
export function ownBytes(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

/** A record whose event holds no view into a shared buffer. The record in the log is left as it is. */
export function cloneSafeRecord(record: TraceRecord): TraceRecord {
  const e = record.event;
  if (!('bytes' in e) || !(e.bytes instanceof Uint8Array)) return record;
  const bytes = ownBytes(e.bytes);
  if ('seg' in e && e.seg !== null && e.seg !== undefined) {
    const p = e.seg.payload;
    // The payload is usually a view into the packet itself: keep it one, into the new copy.
    const inside = p.buffer === e.bytes.buffer && p.byteOffset >= e.bytes.byteOffset && p.byteOffset + p.length <= e.bytes.byteOffset + e.bytes.length;
    const payload = inside ? bytes.subarray(p.byteOffset - e.bytes.byteOffset, p.byteOffset - e.bytes.byteOffset + p.length) : ownBytes(p);
    if (bytes === e.bytes && payload === p) return record;
    return { ...record, event: { ...e, bytes, seg: { ...e.seg, payload } } } as TraceRecord;
  }
  if (bytes === e.bytes) return record;
  return { ...record, event: { ...e, bytes } } as TraceRecord;
}
