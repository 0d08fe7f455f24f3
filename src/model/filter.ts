// The packet log's filter: by connection, flags, direction and dropped.
import type { ConnKey } from './keys.ts';
import type { ConnectionInfo } from './connections.ts';
import type { SegmentRow } from './segments.ts';

export interface LogFilter {
  /** Only rows of this connection (and of its other end, when given). */
  conns: ConnKey[] | null;
  /** Rows with all of these flag bits set (Flag values OR-ed; 0 for any). */
  flags: number;
  dir: 'in' | 'out' | null;
  droppedOnly: boolean;
  retransmissionsOnly: boolean;
}

export const NO_FILTER: LogFilter = Object.freeze({ conns: null, flags: 0, dir: null, droppedOnly: false, retransmissionsOnly: false });

export function isEmptyFilter(f: LogFilter): boolean {
  return f.conns === null && f.flags === 0 && f.dir === null && !f.droppedOnly && !f.retransmissionsOnly;
}

export function matches(row: SegmentRow, f: LogFilter): boolean {
  if (f.conns !== null && (row.conn === null || !f.conns.includes(row.conn))) return false;
  if (f.flags !== 0 && (row.flags & f.flags) !== f.flags) return false;
  if (f.dir !== null && row.dir !== f.dir) return false;
  if (f.droppedOnly && row.drop === null) return false;
  if (f.retransmissionsOnly && !row.retransmission) return false;
  return true;
}

/** Positions in `rows` of the rows that pass; null when the filter passes everything. Linear. */
export function filterRows(rows: readonly SegmentRow[], f: LogFilter): Int32Array | null {
  if (isEmptyFilter(f)) return null;
  const hits = new Int32Array(rows.length);
  let n = 0;
  for (let i = 0; i < rows.length; i++) if (matches(rows[i]!, f)) hits[n++] = i;
  return hits.subarray(0, n);
}

/**
 * A connection and, when the list has it, its other end (the reversed 4-tuple on another host):
 * "this connection" in the log means both hosts' records of it.
 */
export function withOtherEnd(connections: readonly ConnectionInfo[], key: ConnKey): ConnKey[] {
  const c = connections.find((x) => x.key === key);
  if (!c) return [key];
  const other = connections.filter(
    (d) => d.host !== c.host && d.localAddr === c.remoteAddr && d.localPort === c.remotePort && d.remoteAddr === c.localAddr && d.remotePort === c.localPort,
  );
  return [key, ...other.map((d) => d.key)];
}
