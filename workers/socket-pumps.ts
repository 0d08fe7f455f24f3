// Socket chores the worker does on the UI's behalf, driven by the host's socket events:
// writeAll() keeps feeding a connection's send buffer as it drains, and autoRead() empties the
// receive buffer as data arrives. Doing this inside the worker matters: a UI that waited for a
// 'readable' event to cross to the page and a read() to come back would throttle TCP to one
// receive buffer per round trip.

import type { Host, SocketEvent } from './tcp/host.ts';
import type { SocketError } from './tcp/errors.ts';
import type { ReceivedData, WriteProgress } from './api.ts';
import { ownBytes } from './clone-safe.ts';

const READ_CHUNK = 256 * 1024;
/** Bytes autoRead keeps for takeReceived() per connection; beyond it, it only counts. */
export const MAX_COLLECT = 64 * 1024 * 1024;

interface Writer {
  chunks: Uint8Array[];
  queued: number;
  written: number;
  error: SocketError | null;
}

interface Reader {
  collect: boolean;
  chunks: Uint8Array[];
  kept: number;
  total: number;
  eof: boolean;
  error: SocketError | null;
}

export class SocketPumps {
  private readonly writers = new Map<number, Writer>();
  private readonly readers = new Map<number, Reader>();

  get active(): boolean {
    return this.writers.size > 0 || this.readers.size > 0;
  }

  writeAll(host: Host, conn: number, bytes: Uint8Array, now: number): WriteProgress {
    let w = this.writers.get(conn);
    if (w === undefined) {
      w = { chunks: [], queued: 0, written: 0, error: null };
      this.writers.set(conn, w);
    }
    if (bytes.length > 0) {
      w.chunks.push(bytes);
      w.queued += bytes.length;
    }
    this.pushWrites(host, conn, w, now);
    return progress(w);
  }

  writeProgress(conn: number): WriteProgress | null {
    const w = this.writers.get(conn);
    return w === undefined ? null : progress(w);
  }

  autoRead(host: Host, conn: number, collect: boolean, now: number): void {
    let r = this.readers.get(conn);
    if (r === undefined) {
      r = { collect, chunks: [], kept: 0, total: 0, eof: false, error: null };
      this.readers.set(conn, r);
    }
    r.collect = collect;
    this.pullReads(host, conn, r, now);
  }

  takeReceived(conn: number): ReceivedData | null {
    const r = this.readers.get(conn);
    if (r === undefined) return null;
    const data = concat(r.chunks, r.kept);
    r.chunks = [];
    r.kept = 0;
    return { data, total: r.total, eof: r.eof, error: r.error };
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
  }

  private pushWrites(host: Host, conn: number, w: Writer, now: number): void {
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
        r.total += data.length;
        if (r.collect && r.kept + data.length <= MAX_COLLECT) {
          r.chunks.push(data);
          r.kept += data.length;
        }
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
  return { queued: w.queued, written: w.written, done: w.written === w.queued, error: w.error };
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
