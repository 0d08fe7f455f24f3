// Per-source WebSocket limits: how many clients one source address may have in rooms at once, so
// one machine (a script, a runaway reload loop) cannot take every client slot of the relay.
import type { IncomingMessage } from 'node:http';
import { TokenBucket } from './token-bucket.ts';

/** The client's source address, with IPv4-mapped IPv6 ("::ffff:10.1.2.3") written as IPv4 so
 *  one machine counts once whichever way the socket was accepted. */
export function sourceOf(req: IncomingMessage): string {
  const a = req.socket.remoteAddress ?? 'unknown';
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

/**
 * Refusals of a full source that go through the WebSocket handshake, so the browser can show the
 * 4007 reason ("close some tabs"): a few per source every few seconds. Beyond that, the upgrade is
 * refused at once with HTTP 429, which costs the relay no handshake: a script opening hundreds of
 * sockets a second must not slow the rooms down by being told no.
 */
export const EXPLAINED_REFUSALS = { burst: 5, perSeconds: 10 } as const;

interface SourceEntry {
  clients: number;
  /** Explained refusals left, refilled one per perSeconds / burst. */
  explain: number;
  refilledAt: number;
}

/** Clients in rooms per source address. Holds one entry per source that has a client now, so
 *  its size is bounded by the relay's client count. */
export class SourceCounter {
  private readonly counts = new Map<string, SourceEntry>();

  constructor(private readonly max: number) {}

  /** May `source` have one more client? */
  allows(source: string): boolean {
    return (this.counts.get(source)?.clients ?? 0) < this.max;
  }

  /**
   * `source` is full: may this refusal still be explained with a close code (true), or must it be
   * the cheap HTTP 429 (false)? Only a full source has an entry, so this keeps nothing new.
   */
  mayExplain(source: string, nowMs: number): boolean {
    const e = this.counts.get(source);
    if (e === undefined) return true;
    const { burst, perSeconds } = EXPLAINED_REFUSALS;
    const refill = Math.floor(((nowMs - e.refilledAt) * burst) / (perSeconds * 1000));
    if (refill > 0) {
      e.explain = Math.min(burst, e.explain + refill);
      e.refilledAt = nowMs;
    }
    if (e.explain === 0) return false;
    e.explain--;
    return true;
  }

  add(source: string): void {
    const e = this.counts.get(source);
    if (e === undefined) this.counts.set(source, { clients: 1, explain: EXPLAINED_REFUSALS.burst, refilledAt: Date.now() });
    else e.clients++;
  }

  remove(source: string): void {
    const e = this.counts.get(source);
    if (e === undefined) return;
    if (--e.clients <= 0) this.counts.delete(source);
  }

  count(source: string): number {
    return this.counts.get(source)?.clients ?? 0;
  }

  /** Sources with at least one client. */
  get sources(): number {
    return this.counts.size;
  }
}

/** Sources whose join rate is remembered; past this the longest-unseen is forgotten (it gets a
 *  fresh burst, which a flood from that many addresses gets anyway). */
const MAX_JOIN_SOURCES = 4096;

/**
 * Joins per source address: a bucket of `burst` joins refilled at `perSecond`. Each join and leave
 * is told to the whole room (host-joined, host-left, the teacher's class list), so a loop of joins
 * from one machine would be a cost to every member; a real tab reconnects with backoff.
 */
export class JoinRate {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {}

  tryJoin(source: string, nowMs: number): boolean {
    let b = this.buckets.get(source);
    if (b === undefined) {
      if (this.buckets.size >= MAX_JOIN_SOURCES) this.buckets.delete(this.buckets.keys().next().value!);
      b = new TokenBucket(this.perSecond, this.burst, nowMs);
    } else {
      this.buckets.delete(source); // re-inserted below: the map's order is least recently seen first
    }
    this.buckets.set(source, b);
    return b.tryTake(1, nowMs);
  }

  get size(): number {
    return this.buckets.size;
  }
}
