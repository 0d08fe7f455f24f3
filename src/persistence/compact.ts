// Records as stored: a segment event's decoded `seg` is left out, because it says nothing its
// packet `bytes` do not, and IndexedDB clones values synchronously on the writing thread: an
// object graph per packet (options, payload view) costs far more to clone than one byte array. Reading a session
// back decodes each packet again, exactly as the worker did.
import type { TraceRecord } from '../../workers/api.ts';
import { cloneSafeRecord, ownBytes } from '../../workers/clone-safe.ts';
import { decodeIpv4 } from '../../workers/tcp/wire/ipv4.ts';
import { decodeTcp } from '../../workers/tcp/wire/tcp.ts';
import type { TcpSegment } from '../../workers/tcp/wire/types.ts';

/** A record as IndexedDB keeps it: segment events may have `seg: null`. */
export type StoredRecord = TraceRecord | (Omit<TraceRecord, 'event'> & { event: Omit<Extract<TraceRecord['event'], { type: 'segment' }>, 'seg'> & { seg: null } });

/**
 * The record as stored. Every packet gets a buffer of its own: in the worker a packet is a view
 * into a shared slab, and IndexedDB, like postMessage, would store the whole slab with it.
 */
export function compactRecord(r: TraceRecord): StoredRecord {
  const e = r.event;
  if (e.type === 'segment' && e.bytes.length > 0) return { seq: r.seq, real: r.real, event: { ...e, seg: null, bytes: ownBytes(e.bytes) } };
  return cloneSafeRecord(r);
}

/** The TCP segment of a packet, checksums not checked (they were when it was traced). */
function segmentOf(bytes: Uint8Array): TcpSegment | null {
  const ip = decodeIpv4(bytes);
  if (!ip.ok) return null;
  const d = decodeTcp(ip.value.payload, ip.value.header.src, ip.value.header.dst, { verifyChecksum: false });
  return d.ok ? d.value : null;
}

/** The record as traced; null when a stored packet no longer decodes (a damaged database). */
export function expandRecord(r: StoredRecord): TraceRecord | null {
  const e = r.event;
  if (e.type !== 'segment' || e.seg !== null) return r as TraceRecord;
  const seg = segmentOf(e.bytes);
  return seg === null ? null : { seq: r.seq, real: r.real, event: { ...e, seg } };
}
