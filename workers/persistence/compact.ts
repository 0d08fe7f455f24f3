// Records as databases before packed chunks (record-pack.ts) stored them: objects, with a segment
// event's decoded `seg` left out (its packet says it all). Reading decodes each packet again,
// exactly as the worker did; packed chunks do the same with segmentOf().
import type { TraceRecord } from './trace-record.ts';
import { segmentOf } from '../tcp/wire/peek.ts';

/** A record as older databases keep it: segment events may have `seg: null`. */
export type StoredRecord = TraceRecord | (Omit<TraceRecord, 'event'> & { event: Omit<Extract<TraceRecord['event'], { type: 'segment' }>, 'seg'> & { seg: null } });

/** The record as traced; null when a stored packet no longer decodes (a damaged database). */
export function expandRecord(r: StoredRecord): TraceRecord | null {
  const e = r.event;
  if (e.type !== 'segment' || e.seg !== null) return r as TraceRecord;
  const seg = segmentOf(e.bytes);
  return seg === null ? null : { seq: r.seq, real: r.real, event: { ...e, seg } };
}
