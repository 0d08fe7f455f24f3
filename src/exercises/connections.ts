// Which connection an event belongs to, so a check can say "the same connection" or "its peer".
//
// A connection END is one host's side of a connection: (host, conn id), which we name by its 4-tuple
// as that host sees it, "10.0.0.1:49152-10.0.0.7:7" (the host is the local address). Its PEER END is
// the other host's side, the reversed tuple "10.0.0.7:7-10.0.0.1:49152". Naming ends by tuple rather
// than by conn id is what lets a check relate events across two hosts' traces, and know the peer's
// name without ever seeing the peer's trace. (A tuple reused later by a new connection counts as
// the same end: exercises use fresh ephemeral ports, so this never matters in practice.)
//
// Some events carry no conn id: a SYN arriving at a listener is traced before the host creates the
// connection, and RSTs from closed ports belong to none. They are placed by their tuple.
import type { TraceEvent } from '../../workers/tcp/trace.ts';
import { tcpHeaderOffset } from '../../workers/tcp/sim/packet-peek.ts';
import { Flag } from '../../workers/tcp/wire/types.ts';

export interface ConnEnd {
  /** "local:port-remote:port" as this end sees it. */
  readonly key: string;
  /** The key of the other host's end of the same connection. */
  readonly peerKey: string;
  /** The same for both ends (the smaller key): counts "per connection" group by it. */
  readonly connKey: string;
  readonly localAddr: string;
  readonly localPort: number;
  readonly remoteAddr: string;
  readonly remotePort: number;
  /** From the host's 'conn' event; guessed 'passive' for a SYN that reached a listener first. */
  role: 'active' | 'passive' | null;
  /** The host's conn id, once its 'conn' event was seen. */
  conn: number | null;
}

export function endKey(localAddr: string, localPort: number, remoteAddr: string, remotePort: number): string {
  return `${localAddr}:${localPort}-${remoteAddr}:${remotePort}`;
}

/** Learns ends from 'conn' events and places every other event on one. One per checklist. */
export class ConnTracker {
  private readonly byTuple = new Map<string, ConnEnd>();
  private readonly byId = new Map<string, Map<number, ConnEnd>>();

  /** Call for every event, in order (only 'conn' events teach it anything). */
  observe(ev: TraceEvent): void {
    if (ev.type !== 'conn') return;
    const end = this.tuple(ev.localAddr, ev.localPort, ev.remoteAddr, ev.remotePort);
    end.role = ev.role;
    this.learn(ev.host, ev.conn, end);
  }

  private learn(host: string, conn: number, end: ConnEnd): void {
    end.conn = conn;
    let ids = this.byId.get(host);
    if (ids === undefined) this.byId.set(host, (ids = new Map()));
    ids.set(conn, end);
  }

  /** The end an event happened on, or null (a user call that failed, a drop with no segment…). */
  endOf(ev: TraceEvent): ConnEnd | null {
    switch (ev.type) {
      case 'segment': {
        if (ev.conn !== null) {
          const known = this.byId.get(ev.host)?.get(ev.conn);
          if (known !== undefined) return known;
        }
        const s = ev.seg;
        const end = ev.dir === 'out' ? this.tuple(ev.src, s.srcPort, ev.dst, s.dstPort) : this.tuple(ev.dst, s.dstPort, ev.src, s.srcPort);
        // A SYN for a listener is traced before its connection exists: it opens a passive end.
        if (end.role === null && ev.dir === 'in' && (s.flags & (Flag.SYN | Flag.ACK | Flag.RST)) === Flag.SYN) end.role = 'passive';
        // A trace that starts after the 'conn' event (evicted, or joined late): learn the id here.
        if (ev.conn !== null && end.conn === null) this.learn(ev.host, ev.conn, end);
        return end;
      }
      case 'drop': {
        if (ev.conn !== null) return this.byId.get(ev.host)?.get(ev.conn) ?? null;
        if (ev.seg === null || ev.bytes.length < 20) return null;
        return this.tuple(ev.host, ev.seg.dstPort, addrAt(ev.bytes, 12), ev.seg.srcPort);
      }
      case 'fault': {
        const off = tcpHeaderOffset(ev.bytes);
        if (off < 0) return null;
        const b = ev.bytes;
        const src = addrAt(b, 12);
        const dst = addrAt(b, 16);
        const sp = ((b[off] ?? 0) << 8) | (b[off + 1] ?? 0);
        const dp = ((b[off + 2] ?? 0) << 8) | (b[off + 3] ?? 0);
        return ev.dir === 'out' ? this.tuple(src, sp, dst, dp) : this.tuple(dst, dp, src, sp);
      }
      case 'user':
        return ev.conn === null ? null : this.byId.get(ev.host)?.get(ev.conn) ?? null;
      case 'syn-cookies':
        return null; // a listener's event, not one connection's
      default:
        return this.byId.get(ev.host)?.get(ev.conn) ?? null;
    }
  }

  private tuple(localAddr: string, localPort: number, remoteAddr: string, remotePort: number): ConnEnd {
    const key = endKey(localAddr, localPort, remoteAddr, remotePort);
    let end = this.byTuple.get(key);
    if (end === undefined) {
      const peerKey = endKey(remoteAddr, remotePort, localAddr, localPort);
      end = { key, peerKey, connKey: key < peerKey ? key : peerKey, localAddr, localPort, remoteAddr, remotePort, role: null, conn: null };
      this.byTuple.set(key, end);
    }
    return end;
  }
}

function addrAt(b: Uint8Array, i: number): string {
  return `${b[i] ?? 0}.${b[i + 1] ?? 0}.${b[i + 2] ?? 0}.${b[i + 3] ?? 0}`;
}
