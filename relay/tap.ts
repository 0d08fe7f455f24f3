// The room tap: every frame the relay forwards in a room, streamed to one pcap file (link type
// raw IPv4) that Wireshark and tshark open. The file format is the shared pcap module's; this
// file only decides where the bytes go and what happens when the disk cannot keep up.
import { createWriteStream, mkdirSync, openSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { pcapHeader, pcapRecord } from '../workers/tcp/pcap.ts';

/** Records waiting for the disk beyond this are dropped (and counted), so a slow disk cannot
 *  make the relay's memory grow. */
const MAX_PENDING_BYTES = 8 * 1024 * 1024;

export interface TapSnapshot {
  file: string;
  records: number;
  /** Records not written because the disk was behind or failed. */
  dropped: number;
  failed: boolean;
}

/** "20250314T093012-123Z": sortable, and free of ':' so it is a valid file name everywhere. */
function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace('.', '-');
}

export class RoomTap {
  private readonly stream: WriteStream;
  private records = 0;
  private dropped = 0;
  private failed = false;
  private closing: Promise<void> | null = null;

  private constructor(
    readonly file: string,
    fd: number,
    log: (line: string) => void,
  ) {
    // The path is ignored when fd is given; it only names the stream in errors.
    this.stream = createWriteStream(file, { fd, autoClose: true });
    this.stream.on('error', (err) => {
      if (!this.failed) log(`pcap: writing ${file} failed, capture of this room stops: ${err.message}`);
      this.failed = true;
    });
    this.stream.write(pcapHeader());
  }

  /**
   * Open `<dir>/<room>-<UTC time>.pcap`, never overwriting a file (a room that ends and starts
   * again in the same millisecond gets "-2"). Null, with a log line, when the file cannot be
   * created: a capture problem must not keep students out of their room.
   */
  static open(dir: string, room: string, now: Date, log: (line: string) => void): RoomTap | null {
    const base = `${room}-${stamp(now)}`;
    try {
      mkdirSync(dir, { recursive: true }); // it may have been removed since the relay started
    } catch (err) {
      log(`pcap: cannot create ${dir}: ${(err as Error).message}`);
      return null;
    }
    for (let n = 1; n < 100; n++) {
      const file = join(dir, n === 1 ? `${base}.pcap` : `${base}-${n}.pcap`);
      try {
        // Opened synchronously, once per room, so a bad directory is reported right away.
        const fd = openSync(file, 'wx');
        return new RoomTap(file, fd, log);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
        log(`pcap: cannot create ${file}: ${(err as Error).message}`);
        return null;
      }
    }
    log(`pcap: no free file name for ${base}.pcap`);
    return null;
  }

  write(frame: Uint8Array, timeMs: number): void {
    if (this.failed || this.closing !== null) return;
    if (this.stream.writableLength > MAX_PENDING_BYTES) {
      this.dropped++;
      return;
    }
    // pcapRecord copies the frame, so later changes to the bytes cannot alter the capture.
    this.stream.write(pcapRecord(frame, timeMs));
    this.records++;
  }

  /** Flush and close; resolves when the file is complete on disk (or failed). Idempotent. */
  close(): Promise<void> {
    if (this.closing === null) {
      this.closing = new Promise<void>((resolve) => {
        if (this.stream.destroyed) return resolve();
        this.stream.once('close', () => resolve());
        this.stream.end();
      });
    }
    return this.closing;
  }

  snapshot(): TapSnapshot {
    return { file: this.file, records: this.records, dropped: this.dropped, failed: this.failed };
  }
}
