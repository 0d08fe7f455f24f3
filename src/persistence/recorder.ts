// Writes a live session's records to IndexedDB as they arrive. One write at a time: whatever
// arrives while a write is under way joins the next one, so a fast trace becomes a few large
// writes instead of thousands of small ones, and a reload or a crashed tab loses at most the
// batch in flight. IndexedDB clones a value synchronously inside put(), on the main thread: each
// write therefore takes at most MAX_WRITE records (well under a megabyte of packets, a few ms of
// cloning), and each write waits for an idle period of the main thread (requestIdleCallback,
// where the browser has it), so writing competes with neither rendering nor input. A trace that
// streams faster than idle time allows is written as soon as it slows down; a write never waits
// longer than MAX_WAIT_MS, so a crash loses at most about a second of trace.
import type { TraceRecord } from '../../workers/api.ts';
import type { NewSession } from './types.ts';
import type { SessionStore } from './session-store.ts';

const MAX_WRITE = 200;
const MAX_WAIT_MS = 1_000;

/** Resolves in an idle period (or after `timeout` ms at the latest). */
function idle(timeout: number): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout });
    else setTimeout(resolve, 0);
  });
}

export class SessionRecorder {
  private queue: TraceRecord[] = [];
  private patch: Partial<NewSession> = {};
  private writing: Promise<void> | null = null;
  private failed: unknown = null;

  constructor(
    private readonly store: SessionStore,
    readonly sessionId: number,
    /** Told once when a write fails (quota exceeded, database closed): the UI says so. */
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Records not yet written. */
  get pending(): number {
    return this.queue.length;
  }

  add(records: readonly TraceRecord[]): void {
    if (records.length === 0 || this.failed !== null) return;
    for (const r of records) this.queue.push(r);
    this.kick();
  }

  /** Change the session's metadata with the next write (hosts learned, session ended). */
  note(patch: Partial<NewSession>): void {
    Object.assign(this.patch, patch);
    this.kick();
  }

  /** Resolves when everything added so far is written (or writing failed). */
  async flush(): Promise<void> {
    while (this.writing !== null) await this.writing;
  }

  private kick(): void {
    if (this.writing !== null || this.failed !== null) return;
    this.writing = this.drain().finally(() => {
      this.writing = null;
    });
  }

  private async drain(): Promise<void> {
    while (this.failed === null && (this.queue.length > 0 || Object.keys(this.patch).length > 0)) {
      await idle(MAX_WAIT_MS);
      const batch = this.queue.length <= MAX_WRITE ? this.queue : this.queue.slice(0, MAX_WRITE);
      this.queue = batch === this.queue ? [] : this.queue.slice(MAX_WRITE);
      const patch = this.patch;
      this.patch = {};
      try {
        await this.store.append(this.sessionId, batch, patch);
      } catch (err) {
        this.failed = err;
        this.onError(err);
      }
    }
  }
}
