// The room tap: every frame the relay forwards in a room, streamed to pcap files (link type raw
// IPv4) that Wireshark and tshark open. The file format is the shared pcap module's; this file
// decides where the bytes go: a file is only opened once the room has traffic, a full file
// (pcapMaxFileBytes) is closed and the capture goes on in a new one, and the relay-wide caps
// (capture-caps.ts) may refuse bytes. A slow disk cannot make the relay's memory grow either.
import { createWriteStream, type WriteStream } from 'node:fs';
import { pcapHeader, pcapRecord } from '../workers/tcp/pcap.ts';
import type { CaptureFile, CaptureStore } from './capture-caps.ts';

/** Records waiting for the disk beyond this are dropped (and counted), so a slow disk cannot
 *  make the relay's memory grow. */
const MAX_PENDING_BYTES = 8 * 1024 * 1024;

export interface TapSnapshot {
  /** The file being written, or the last one; null before the room had traffic. */
  file: string | null;
  /** Files this room's capture was written to (a full file is followed by a new one). */
  files: number;
  records: number;
  /** Records not written because the disk was behind or failed, or the caps were reached. */
  dropped: number;
  failed: boolean;
}

interface OpenFile {
  file: CaptureFile;
  stream: WriteStream;
}

export class RoomTap {
  private current: OpenFile | null = null;
  private lastPath: string | null = null;
  private files = 0;
  private records = 0;
  private dropped = 0;
  private failed = false;
  private ended = false;
  /** Files still being flushed after a rotation or the end. */
  private readonly closing = new Set<Promise<void>>();
  private done: Promise<void> | null = null;

  constructor(
    private readonly store: CaptureStore,
    private readonly room: string,
    private readonly log: (line: string) => void,
  ) {}

  write(frame: Uint8Array, timeMs: number): void {
    if (this.failed || this.ended) return;
    const size = 16 + frame.length; // pcap record header + the frame
    let open = this.current;
    if (open !== null && open.file.bytes + size > this.store.caps.maxFileBytes) {
      this.finish(open); // full: rotate
      open = null;
    }
    open ??= this.begin(timeMs);
    if (open === null || open.stream.writableLength > MAX_PENDING_BYTES || !this.store.reserve(open.file, size)) {
      this.dropped++;
      return;
    }
    // pcapRecord copies the frame, so later changes to the bytes cannot alter the capture.
    open.stream.write(pcapRecord(frame, timeMs));
    this.records++;
  }

  /** Flush and close; resolves when every file is complete on disk (or failed). Idempotent. */
  close(): Promise<void> {
    if (this.done === null) {
      this.ended = true;
      if (this.current !== null) this.finish(this.current);
      this.done = Promise.all([...this.closing]).then(() => {});
    }
    return this.done;
  }

  snapshot(): TapSnapshot {
    return { file: this.lastPath, files: this.files, records: this.records, dropped: this.dropped, failed: this.failed };
  }

  private begin(timeMs: number): OpenFile | null {
    const created = this.store.create(this.room, new Date(timeMs));
    if (created === 'full') return null; // this record is dropped; the next one tries again
    if (created === null) {
      this.failed = true; // logged by the store; trying again for every frame would flood the log
      return null;
    }
    const { file, fd } = created;
    // The path is ignored when fd is given; it only names the stream in errors.
    const stream = createWriteStream(file.path, { fd, autoClose: true });
    stream.on('error', (err) => {
      if (!this.failed) this.log(`pcap: writing ${file.path} failed, capture of room ${this.room} stops: ${err.message}`);
      this.failed = true;
    });
    const header = pcapHeader();
    this.store.reserve(file, header.length, true); // a file needs its header, whatever the cap
    stream.write(header);
    this.current = { file, stream };
    this.lastPath = file.path;
    this.files++;
    return this.current;
  }

  private finish(open: OpenFile): void {
    if (this.current === open) this.current = null;
    // Nothing more goes to it, so the caps may delete it from now on (on POSIX a file being
    // flushed can be unlinked; its last bytes then go nowhere, which is what deleting it means).
    this.store.closed(open.file);
    const closed = new Promise<void>((resolve) => {
      if (open.stream.destroyed) return resolve();
      open.stream.once('close', () => resolve());
      open.stream.end();
    }).finally(() => this.closing.delete(closed));
    this.closing.add(closed);
  }
}
