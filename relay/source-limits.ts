// Per-source WebSocket limits: how many clients one source address may have in rooms at once, so
// one machine (a script, a runaway reload loop) cannot take every client slot of the relay.
import type { IncomingMessage } from 'node:http';

/** The client's source address, with IPv4-mapped IPv6 ("::ffff:10.1.2.3") written as IPv4 so
 *  one machine counts once whichever way the socket was accepted. */
export function sourceOf(req: IncomingMessage): string {
  const a = req.socket.remoteAddress ?? 'unknown';
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

/** Clients in rooms per source address. Holds one entry per source that has a client now, so
 *  its size is bounded by the relay's client count. */
export class SourceCounter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** May `source` have one more client? */
  allows(source: string): boolean {
    return (this.counts.get(source) ?? 0) < this.max;
  }

  add(source: string): void {
    this.counts.set(source, (this.counts.get(source) ?? 0) + 1);
  }

  remove(source: string): void {
    const n = (this.counts.get(source) ?? 0) - 1;
    if (n > 0) this.counts.set(source, n);
    else this.counts.delete(source);
  }

  count(source: string): number {
    return this.counts.get(source) ?? 0;
  }

  /** Sources with at least one client. */
  get sources(): number {
    return this.counts.size;
  }
}
