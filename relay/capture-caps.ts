// The capture directory's budget: every pcap file this relay writes is registered here, so the
// files together stay within pcapMaxTotalBytes and pcapMaxFiles. When a new file or new bytes
// would go over, the oldest closed files this relay wrote are deleted (files it did not write
// are never touched). If only open files are left, the new file is not opened, or the record is
// not written (and counted as dropped by the room's tap): the caps hold in every case.
import { mkdirSync, openSync, unlink } from 'node:fs';
import { join } from 'node:path';

export interface CaptureCaps {
  dir: string;
  maxFileBytes: number;
  maxTotalBytes: number;
  maxFiles: number;
}

/** One file this relay wrote. */
export interface CaptureFile {
  readonly path: string;
  bytes: number;
  open: boolean;
}

/** "20250314T093012-123Z": sortable, and free of ':' so it is a valid file name everywhere. */
function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace('.', '-');
}

export class CaptureStore {
  /** Oldest first. */
  private readonly files: CaptureFile[] = [];
  private total = 0;

  constructor(
    readonly caps: CaptureCaps,
    private readonly log: (line: string) => void,
    private readonly onDeleted: (path: string) => void = () => {},
  ) {}

  get totalBytes(): number {
    return this.total;
  }

  get fileCount(): number {
    return this.files.length;
  }

  /**
   * Create `<dir>/<room>-<UTC time>.pcap`, never overwriting a file (the same millisecond twice
   * gets "-2"), making room under pcapMaxFiles first. 'full' when every file kept is still
   * open; null, with a log line, when it cannot be created: a capture problem must not keep
   * students out of their room.
   */
  create(room: string, now: Date): { file: CaptureFile; fd: number } | 'full' | null {
    while (this.files.length >= this.caps.maxFiles && this.deleteOldestClosed()) {
      // made room
    }
    if (this.files.length >= this.caps.maxFiles) return 'full';
    const base = `${room}-${stamp(now)}`;
    try {
      mkdirSync(this.caps.dir, { recursive: true }); // it may have been removed since the relay started
    } catch (err) {
      this.log(`pcap: cannot create ${this.caps.dir}: ${(err as Error).message}`);
      return null;
    }
    for (let n = 1; n < 100; n++) {
      const path = join(this.caps.dir, n === 1 ? `${base}.pcap` : `${base}-${n}.pcap`);
      try {
        // Synchronous, once per file, so a bad directory is reported right away.
        const fd = openSync(path, 'wx');
        const file: CaptureFile = { path, bytes: 0, open: true };
        this.files.push(file);
        return { file, fd };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
        this.log(`pcap: cannot create ${path}: ${(err as Error).message}`);
        return null;
      }
    }
    this.log(`pcap: no free file name for ${base}.pcap`);
    return null;
  }

  /** May `n` more bytes go to `file`? Counts them when they may. Deletes old files to make room.
   *  `force` counts them whatever the caps say (a new file's 24-byte header). */
  reserve(file: CaptureFile, n: number, force = false): boolean {
    while (this.total + n > this.caps.maxTotalBytes && this.deleteOldestClosed()) {
      // made room
    }
    if (this.total + n > this.caps.maxTotalBytes && !force) return false;
    file.bytes += n;
    this.total += n;
    return true;
  }

  closed(file: CaptureFile): void {
    file.open = false;
  }

  private deleteOldestClosed(): boolean {
    const i = this.files.findIndex((f) => !f.open);
    if (i < 0) return false;
    const [f] = this.files.splice(i, 1) as [CaptureFile];
    this.total -= f.bytes;
    unlink(f.path, (err) => {
      if (err !== null && err.code !== 'ENOENT') this.log(`pcap: cannot delete ${f.path}: ${err.message}`);
    });
    this.log(`pcap: deleted ${f.path} to stay within the capture caps`);
    this.onDeleted(f.path);
    return true;
  }
}
