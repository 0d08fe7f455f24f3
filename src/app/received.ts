// What arrived on one connection, as the UI shows it: how many bytes, their running CRC-32, and
// the last few thousand characters as text (decoded as UTF-8 across chunk boundaries).
import { crc32Update, crc32UpdateChunked } from '../../workers/crc32.ts';

export const TAIL_CHARS = 4_000;
/** Bytes enough for TAIL_CHARS characters of UTF-8: what auto-read needs to send the page. */
export const TAIL_BYTES = TAIL_CHARS * 4;

export interface ReceivedView {
  bytes: number;
  crc: number;
  /** The end of what arrived, as text (replacement characters for bytes that are not UTF-8). */
  tail: string;
  eof: boolean;
  error: string | null;
}

export class ReceiveTracker {
  private decoder = new TextDecoder('utf-8', { fatal: false });
  private view: ReceivedView = { bytes: 0, crc: 0, tail: '', eof: false, error: null };

  get state(): ReceivedView {
    return this.view;
  }

  /** add(), hashing large data in slices with yields between them (no long task). */
  async addChunked(data: Uint8Array, eof = false, error: string | null = null): Promise<ReceivedView> {
    const crc = await crc32UpdateChunked(this.view.crc, data);
    return this.add(data, eof, error, crc);
  }

  /**
   * What auto-read took in the worker: the newest `data`, after `skipped` bytes that did not
   * cross to the page, and the worker's count and CRC-32 of everything read on the connection.
   */
  received(data: Uint8Array, skipped: number, total: number, crc: number, eof = false, error: string | null = null): ReceivedView {
    const v = this.view;
    // A gap (skipped > 0): what was decoded so far does not continue into `data`.
    const tail = data.length > 0 || eof || skipped > 0 ? this.appendTail(data, skipped > 0, eof) : v.tail;
    this.view = { bytes: total, crc, tail, eof: v.eof || eof, error: error ?? v.error };
    return this.view;
  }

  /** Add bytes read; returns the new view (a new object, so Lit sees the change). */
  add(data: Uint8Array, eof = false, error: string | null = null, crcAfter?: number): ReceivedView {
    const v = this.view;
    // Only the end can be shown: decode at most the last bytes that could fill the tail.
    const from = Math.max(0, data.length - TAIL_BYTES);
    const tail = data.length > 0 ? this.appendTail(data.subarray(from), from > 0, eof) : v.tail;
    this.view = {
      bytes: v.bytes + data.length,
      crc: crcAfter ?? (data.length > 0 ? crc32Update(v.crc, data) : v.crc),
      tail,
      eof: v.eof || eof,
      error: error ?? v.error,
    };
    return this.view;
  }

  /** The shown text after `data`; `restart` when it does not continue what was decoded so far. */
  private appendTail(data: Uint8Array, restart: boolean, eof: boolean): string {
    if (restart) this.decoder = new TextDecoder('utf-8', { fatal: false });
    const before = restart ? '' : this.view.tail;
    return (before + this.decoder.decode(data, { stream: !eof })).slice(-TAIL_CHARS);
  }
}
