// The two ends of one connection, each in its own host's trace: the same 4-tuple reversed.
// A packet seen leaving one and arriving at the other is the proof; when no packet joins them
// (nothing arrived yet, or the clocks of two tabs differ), the reversed tuple opened nearest in
// time is the best guess.
import type { TraceEvent } from '../../workers/tcp/trace.ts';
import type { ConnectionInfo } from './connections.ts';
import type { ConnKey } from './keys.ts';
import { indexFor, TraceIndex } from './trace-index.ts';

export interface ConnectionPair {
  /** The active opener when known, else the connection met first. */
  a: ConnectionInfo;
  /** The other end, or null when the trace holds only one. */
  b: ConnectionInfo | null;
}

/** The connection at the other end of `key`, or null. */
export function peerOf(ix: TraceIndex, key: ConnKey): ConnKey | null {
  const c = ix.connection(key);
  if (!c) return null;
  for (const row of ix.rowsOf(key)) {
    const other = row.peer;
    if (other && other.host !== c.host && other.conn !== null) return other.conn;
  }
  let best: ConnectionInfo | null = null;
  for (const d of ix.conns.withWireTuple(c.remoteAddr, c.remotePort, c.localAddr, c.localPort)) {
    if (d.host === c.host) continue;
    if (best === null || Math.abs(d.opened - c.opened) < Math.abs(best.opened - c.opened)) best = d;
  }
  return best?.key ?? null;
}

/** Every connection once, paired with its other end when the trace has it. Linear in the rows. */
export function pairConnections(events: readonly TraceEvent[] | TraceIndex): ConnectionPair[] {
  const ix = events instanceof TraceIndex ? events : indexFor(events);
  const done = new Set<ConnKey>();
  const out: ConnectionPair[] = [];
  for (const c of ix.connections()) {
    if (done.has(c.key)) continue;
    done.add(c.key);
    const peerKey = peerOf(ix, c.key);
    const d = peerKey !== null && !done.has(peerKey) ? ix.connection(peerKey) ?? null : null;
    if (d) done.add(d.key);
    const swap = d !== null && c.role !== 'active' && d.role === 'active';
    out.push(swap ? { a: d, b: c } : { a: c, b: d });
  }
  return out;
}
