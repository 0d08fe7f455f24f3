// Socket chores the worker does on the UI's behalf, driven by the host's socket events:
// writeAll() keeps feeding a connection's send buffer as it drains, and autoRead() empties the
// receive buffer as data arrives. Doing this inside the worker matters: a UI that waited for a
// 'readable' event to cross to the page and a read() to come back would throttle TCP to one
// receive buffer per round trip.

import type { Host, SocketEvent } from './tcp/host.ts';
import type { SocketError } from './tcp/errors.ts';
import type { ReceivedData, WriteProgress } from './api.ts';
import { ownBytes } from './clone-safe.ts';
import { crc32Update } from './crc32.ts';

const READ_CHUNK = 256 * 1024;
/** Bytes autoRead keeps for takeReceived() per connection; beyond it, it only counts. */
export const MAX_COLLECT = 64 * 1024 * 1024;

interface Writer {
  chunks: Uint8Array[];
  queued: number;
  /** CRC-32 of every byte queued, so the page need not hash (or keep) what it sends. */
  crc: number;
  /** Calls (shutdown, close) waiting until every queued byte is in the send buffer. */
  after: ((now: number) => void)[];
  written: number;
  error: SocketError | null;
}

interface Reader {
  collect: boolean;
  /** Keep at most this many of the newest bytes between two takeReceived() calls. */
  keep: number;
  chunks: Uint8Array[];
  kept: number;
  /** Bytes read but not kept since the last takeReceived() (beyond `keep`). */
  skipped: number;
  eof: boolean;
  error: SocketError | null;
}

/** Everything read on one connection through the API, by read() or auto-read. */
interface ReadTally {
  total: number;
  crc: number;
}

export class SocketPumps {
  private readonly writers = new Map<number, Writer>();
  private readonly readers = new Map<number, Reader>();
  private readonly tallies = new Map<number, ReadTally>();

  get active(): boolean {
    return this.writers.size > 0 || this.readers.size > 0;
  }

  writeAll(host: Host, conn: number, bytes: Uint8Array, now: number): WriteProgress {
    let w = this.writers.get(conn);
    if (w === undefined) {
      w = { chunks: [], queued: 0, crc: 0, after: [], written: 0, error: null };
      this.writers.set(conn, w);
    }
    if (bytes.length > 0) {
      w.chunks.push(bytes);
      w.queued += bytes.length;
      w.crc = crc32Update(w.crc, bytes);
    }
    this.pushWrites(host, conn, w, now);
    return progress(w);
  }

  /** writeAll() still has bytes the send buffer has not taken. */
  writing(conn: number): boolean {
    const w = this.writers.get(conn);
    return w !== undefined && w.chunks.length > 0 && w.error === null;
  }

  /**
   * Run `fn` once every byte queued with writeAll() is in the send buffer (RFC 9293 §3.10.4:
   * a CLOSE comes after the SENDs before it; writeAll's queue is those SENDs, held in the worker).
   * Only while writing(conn).
   */
  afterWrites(conn: number, fn: (now: number) => void): void {
    this.writers.get(conn)?.after.push(fn);
  }

  writeProgress(conn: number): WriteProgress | null {
    const w = this.writers.get(conn);
    return w === undefined ? null : progress(w);
  }

  autoRead(host: Host, conn: number, collect: boolean, now: number, keep = MAX_COLLECT): void {
    let r = this.readers.get(conn);
    if (r === undefined) {
      r = { collect, keep, chunks: [], kept: 0, skipped: 0, eof: false, error: null };
      this.readers.set(conn, r);
    }
    r.collect = collect;
    r.keep = Math.max(0, Math.min(MAX_COLLECT, keep));
    this.pullReads(host, conn, r, now);
  }

  /** Count bytes the user read with read() (auto-read counts its own). */
  tally(conn: number, data: Uint8Array): void {
    if (data.length === 0) return;
    const t = this.tallies.get(conn) ?? { total: 0, crc: 0 };
    t.total += data.length;
    t.crc = crc32Update(t.crc, data);
    this.tallies.set(conn, t);
  }

  takeReceived(conn: number): ReceivedData | null {
    const r = this.readers.get(conn);
    if (r === undefined) return null;
    const data = concat(r.chunks, r.kept);
    const skipped = r.skipped;
    r.chunks = [];
    r.kept = 0;
    r.skipped = 0;
    const t = this.tallies.get(conn) ?? { total: 0, crc: 0 };
    return { data, skipped, total: t.total, crc: t.crc, eof: r.eof, error: r.error };
  }

  /** React to the host's socket events (call with every batch taken from host.takeEvents()). */
  handle(host: Host, events: readonly SocketEvent[], now: number): void {
    for (const ev of events) {
      if (ev.kind === 'writable' || ev.kind === 'error' || ev.kind === 'closed') {
        const w = this.writers.get(ev.conn);
        if (w !== undefined) this.pushWrites(host, ev.conn, w, now);
      }
      if (ev.kind === 'readable' || ev.kind === 'error' || ev.kind === 'closed') {
        const r = this.readers.get(ev.conn);
        if (r !== undefined) this.pullReads(host, ev.conn, r, now);
      }
    }
  }

  forget(conn: number): void {
    this.writers.delete(conn);
    this.readers.delete(conn);
    this.tallies.delete(conn);
  }

  private pushWrites(host: Host, conn: number, w: Writer, now: number): void {
    this.writeQueued(host, conn, w, now);
    // Done, or failed (then the waiting call runs anyway and the trace shows how it fared).
    if ((w.chunks.length === 0 || w.error !== null) && w.after.length > 0) {
      const calls = w.after;
      w.after = [];
      for (const fn of calls) fn(now);
    }
  }

  private writeQueued(host: Host, conn: number, w: Writer, now: number): void {
    while (w.chunks.length > 0 && w.error === null) {
      const chunk = w.chunks[0] as Uint8Array;
      const r = host.write(conn, chunk, now);
      if (!r.ok) {
        w.error = r.error;
        return;
      }
      w.written += r.value;
      if (r.value === chunk.length) w.chunks.shift();
      else {
        w.chunks[0] = chunk.subarray(r.value);
        return; // send buffer full: the next 'writable' brings us back
      }
    }
  }

  /** Keep `data` as the newest bytes, dropping the oldest beyond `keep` (counted as skipped). */
  private keepNewest(r: Reader, data: Uint8Array): void {
    const take = data.length > r.keep ? data.subarray(data.length - r.keep) : data;
    r.skipped += data.length - take.length;
    r.chunks.push(take);
    r.kept += take.length;
    while (r.kept > r.keep) {
      const first = r.chunks[0] as Uint8Array;
      const over = r.kept - r.keep;
      if (first.length <= over) {
        r.chunks.shift();
        r.kept -= first.length;
        r.skipped += first.length;
      } else {
        r.chunks[0] = first.subarray(over);
        r.kept -= over;
        r.skipped += over;
      }
    }
  }

  private pullReads(host: Host, conn: number, r: Reader, now: number): void {
    if (r.eof || r.error !== null) return;
    for (;;) {
      const res = host.read(conn, READ_CHUNK, now);
      if (!res.ok) {
        r.error = res.error;
        return;
      }
      const { data, eof } = res.value;
      if (data.length > 0) {
        this.tally(conn, data);
        if (r.collect) this.keepNewest(r, data);
        else r.skipped += data.length;
      }
      if (eof) {
        r.eof = true;
        return;
      }
      if (data.length === 0) return;
    }
  }
}

function progress(w: Writer): WriteProgress {
  return { queued: w.queued, written: w.written, crc: w.crc, done: w.written === w.queued, error: w.error };
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  // One chunk may be a view into a shared slab: copy it, as posting it would copy the whole slab.
  if (chunks.length === 1) return ownBytes(chunks[0] as Uint8Array);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
