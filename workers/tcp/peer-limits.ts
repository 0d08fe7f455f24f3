// Connections per remote address and in all, for maxConnectionsPerPeer and maxConnections.
// TIME-WAIT is not counted: it holds no buffers and ends by itself after 2×MSL, and a server that
// closes first (daytime, HTTP/1.0) would otherwise refuse a client's next connections.
import type { Connection } from './connection.ts';
import type { StackSettings } from './settings.ts';
import { formatIpv4Address } from './wire/address.ts';

export interface LimitHit {
  reason: 'peer-limit' | 'conn-limit';
  detail: string;
}

export class PeerTable {
  private readonly byPeer = new Map<number, Set<Connection>>();
  private size = 0;

  add(c: Connection): void {
    let set = this.byPeer.get(c.remoteAddr);
    if (!set) this.byPeer.set(c.remoteAddr, (set = new Set()));
    if (!set.has(c)) {
      set.add(c);
      this.size++;
    }
  }

  remove(c: Connection): void {
    const set = this.byPeer.get(c.remoteAddr);
    if (!set?.delete(c)) return;
    this.size--;
    if (set.size === 0) this.byPeer.delete(c.remoteAddr);
  }

  /** Every connection with `remote`, TIME-WAIT included (for abortPeer). */
  with(remote: number): Connection[] {
    return [...(this.byPeer.get(remote) ?? [])];
  }

  /** Would one more connection with `remote` break a limit? */
  over(s: StackSettings, remote: number): LimitHit | null {
    if (s.maxConnectionsPerPeer > 0) {
      const n = live(this.byPeer.get(remote));
      if (n >= s.maxConnectionsPerPeer) {
        return { reason: 'peer-limit', detail: `connection limit: this host already has ${n} connections with ${formatIpv4Address(remote)} (maxConnectionsPerPeer ${s.maxConnectionsPerPeer})` };
      }
    }
    if (s.maxConnections > 0 && this.size >= s.maxConnections) {
      let n = 0;
      for (const set of this.byPeer.values()) n += live(set);
      if (n >= s.maxConnections) return { reason: 'conn-limit', detail: `connection limit: this host already has ${n} connections (maxConnections ${s.maxConnections})` };
    }
    return null;
  }
}

function live(set: Set<Connection> | undefined): number {
  if (!set) return 0;
  let n = 0;
  for (const c of set) if (c.state !== 'TIME-WAIT') n++;
  return n;
}
