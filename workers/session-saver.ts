// Writes the worker's trace to the app's database as saved sessions, from inside the worker:
// IndexedDB clones every value it stores synchronously on the calling thread, and on the page
// that was a third of the main thread's work during a bulk transfer (and the frames it delayed).
//
// Like a subscriber, the saver reads the TraceLog by cursor, so nothing waits in a second queue.
// One write at a time, `delayMs` after the first record that is not yet written, of at most
// `maxWrite` records: a fast trace becomes a few large transactions, and a reload or a crashed
// tab loses at most the records of the last delayMs and the write in flight. Records the log
// evicts before they are written (only if the database cannot keep up for a long while) are
// counted as missed, never waited for.
//
// A session runs from saveSession() to endSession() (or to the next saveSession(), which ends
// the one before). An ended session still gets every record up to its end, then its last patch.
import type { ApiResult, SaveStatus, TraceRecord } from './api.ts';
import type { NewSession } from './persistence/types.ts';
import type { TraceLog } from './trace-log.ts';
import type { TimerHandle, Timers } from './timers.ts';

/** What the saver needs of the database (SessionStore is one). */
export interface SessionWriter {
  create(meta: NewSession): Promise<number>;
  /** Store consecutive records and count them on the session row, with `patch` applied, atomically. */
  append(id: number, records: readonly TraceRecord[], patch: Partial<NewSession>): Promise<void>;
}

export interface SessionSaverOptions {
  log: TraceLog;
  timers: Timers;
  /** Opens the database (once; called on the first saveSession()). */
  open: (dbName: string | undefined) => Promise<SessionWriter>;
  /** Told when a session starts, ends or fails. */
  onStatus?: (status: SaveStatus) => void;
  delayMs?: number;
  maxWrite?: number;
}

export const DEFAULT_SAVE_DELAY_MS = 250;
/** 500 full-sized packets are about 750 KB to clone: a few ms of the worker's time per write. */
export const DEFAULT_MAX_WRITE = 500;

interface Saving {
  /** null while its row is being created. */
  id: number | null;
  /** Settles when the row was created (or could not be). */
  created: Promise<void>;
  cursor: number;
  /** seq one past the session's last record, once it ended. */
  end: number | null;
  patch: Partial<NewSession>;
  saved: number;
  missed: number;
}

export class SessionSaver {
  private readonly log: TraceLog;
  private readonly timers: Timers;
  private readonly openWriter: SessionSaverOptions['open'];
  private readonly onStatus: (status: SaveStatus) => void;
  private readonly delayMs: number;
  private readonly maxWrite: number;
  private writer: Promise<SessionWriter> | null = null;
  private dbName: string | undefined;
  /** Sessions with records still to write, oldest first; the last one may be the current. */
  private queue: Saving[] = [];
  private current: Saving | null = null;
  private timer: TimerHandle | null = null;
  private writing: Promise<void> | null = null;
  private error: string | null = null;

  constructor(options: SessionSaverOptions) {
    this.log = options.log;
    this.timers = options.timers;
    this.openWriter = options.open;
    this.onStatus = options.onStatus ?? (() => {});
    this.delayMs = options.delayMs ?? DEFAULT_SAVE_DELAY_MS;
    this.maxWrite = Math.max(1, options.maxWrite ?? DEFAULT_MAX_WRITE);
  }

  status(): SaveStatus {
    const s = this.current;
    if (s === null) return { id: null, saved: 0, pending: 0, missed: 0, error: this.error };
    const end = s.end ?? this.log.next;
    return { id: s.id, saved: s.saved, pending: Math.max(0, end - Math.max(s.cursor, this.log.first)), missed: s.missed + Math.max(0, Math.min(end, this.log.first) - s.cursor), error: this.error };
  }

  async start(meta: NewSession, fromSeq: number, dbName?: string): Promise<ApiResult<number>> {
    if (typeof meta !== 'object' || meta === null) return { ok: false, error: { code: 'EINVAL', message: 'saveSession needs the session row (meta)' } };
    if (!Number.isInteger(fromSeq) || fromSeq < 0) return { ok: false, error: { code: 'EINVAL', message: `saveSession: fromSeq must be a whole number ≥ 0, not ${String(fromSeq)}` } };
    this.end({});
    this.error = null;
    // The session exists at once (notes and an end while its row is being created apply to it);
    // it is written once it has its id.
    let created = (): void => {};
    const s: Saving = { id: null, created: new Promise((r) => (created = r)), cursor: fromSeq, end: null, patch: {}, saved: 0, missed: 0 };
    this.current = s;
    this.queue.push(s);
    try {
      if (this.writer === null || dbName !== this.dbName) {
        this.dbName = dbName;
        this.writer = this.openWriter(dbName);
      }
      s.id = await (await this.writer).create({ ...meta, records: 0, segments: 0, lastReal: null });
    } catch (e) {
      return this.fail(e);
    } finally {
      created();
    }
    if (this.current === s) this.onStatus(this.status());
    this.schedule();
    return { ok: true, value: s.id };
  }

  /** Patch the current session's row with its next write. */
  note(patch: Partial<NewSession>): ApiResult<void> {
    if (this.current === null) return { ok: false, error: { code: 'EMODE', message: 'no session is being saved' } };
    Object.assign(this.current.patch, patch);
    this.schedule();
    return { ok: true, value: undefined };
  }

  /** End the current session at the record traced last; what is left of it is still written. */
  end(patch: Partial<NewSession>): void {
    const s = this.current;
    if (s === null) return;
    Object.assign(s.patch, patch);
    s.end = this.log.next;
    this.current = null;
    this.schedule();
  }

  recordsAdded(): void {
    if (this.current !== null && this.current.id !== null) this.schedule();
  }

  /** Resolves when everything traced (and patched) so far is written, or writing failed. */
  async flush(): Promise<SaveStatus> {
    if (this.timer !== null) {
      this.timers.clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.error === null) {
      const head = this.queue[0];
      if (head !== undefined && head.id === null) await head.created;
      else if (this.writing !== null) await this.writing;
      else if (this.hasWork()) this.kick();
      else break;
    }
    return this.status();
  }

  private hasWork(): boolean {
    return this.queue.some((s) => s.cursor < (s.end ?? this.log.next) || Object.keys(s.patch).length > 0 || s.end !== null);
  }

  private schedule(): void {
    if (this.timer !== null || this.writing !== null || this.error !== null || this.queue.length === 0) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.kick();
    }, this.delayMs);
  }

  private kick(): void {
    if (this.writing !== null || this.error !== null) return;
    this.writing = this.drain().finally(() => {
      this.writing = null;
      // Records traced during the last write: the next one after the usual delay.
      if (this.error === null && this.queue.some((s) => s.cursor < (s.end ?? this.log.next))) this.schedule();
    });
  }

  private async drain(): Promise<void> {
    const writer = await this.writer;
    if (writer === null || writer === undefined) return;
    while (this.error === null) {
      const s = this.queue[0];
      if (s === undefined || s.id === null) return;
      if (s.cursor < this.log.first) {
        s.missed += this.log.first - s.cursor;
        s.cursor = this.log.first;
      }
      const limit = s.end ?? this.log.next;
      const batch = this.log.slice(s.cursor, Math.min(this.maxWrite, limit - s.cursor));
      const patch = s.patch;
      const hasPatch = Object.keys(patch).length > 0;
      if (batch.length === 0 && !hasPatch) {
        if (s.end === null) return;
        this.queue.shift();
        continue;
      }
      s.patch = {};
      try {
        await writer.append(s.id, batch, patch);
      } catch (e) {
        this.fail(e);
        return;
      }
      s.cursor += batch.length;
      s.saved += batch.length;
      // Only the current session writes at its own pace; an ended one is written out at once.
      if (s.end === null && s.cursor >= this.log.next) return;
    }
  }

  private fail(e: unknown): ApiResult<never> {
    const message = e instanceof Error ? e.message : String(e);
    this.error = message;
    this.writer = null;
    this.queue = [];
    this.current = null;
    this.onStatus(this.status());
    return { ok: false, error: { code: 'ESTORAGE', message: `the session cannot be saved: ${message}` } };
  }
}
