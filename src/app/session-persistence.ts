// The controller's SessionSink backed by IndexedDB: a session row is created when a session
// begins, its records are written as they arrive (SessionRecorder batches them), and leaving
// marks it ended. Records that arrive while the row is still being created wait with the
// session they belong to, so nothing is lost and nothing lands in the wrong session.
import type { LocalHostInfo, TraceRecord } from '../../workers/api.ts';
import { SessionRecorder } from '../persistence/recorder.ts';
import type { SessionStore } from '../persistence/session-store.ts';
import type { NewSession } from '../persistence/types.ts';
import type { SessionSink, SessionStart } from './controller.ts';

export interface PersistenceEvents {
  /** The session has its id (the app keeps it to reopen the session after a reload). */
  started(id: number): void;
  /** Writing failed (quota, private mode): the user should know the trace is not being kept. */
  failed(message: string): void;
}

/** One session being written: its recorder once the row exists, what waits until then. */
class Pending {
  recorder: SessionRecorder | null = null;
  records: TraceRecord[] = [];
  patch: Partial<NewSession> = {};

  add(records: readonly TraceRecord[]): void {
    if (this.recorder) this.recorder.add(records);
    else for (const r of records) this.records.push(r);
  }

  note(patch: Partial<NewSession>): void {
    if (this.recorder) this.recorder.note(patch);
    else Object.assign(this.patch, patch);
  }

  attach(rec: SessionRecorder): void {
    this.recorder = rec;
    rec.add(this.records);
    if (Object.keys(this.patch).length > 0) rec.note(this.patch);
    this.records = [];
    this.patch = {};
  }
}

export class PersistentSessionSink implements SessionSink {
  private current: Pending | null = null;
  private failedOnce = false;

  constructor(
    private readonly store: SessionStore,
    private readonly events: PersistenceEvents,
  ) {}

  begin(start: SessionStart, records: readonly TraceRecord[]): void {
    const session = new Pending();
    session.add(records);
    this.current = session;
    const meta: NewSession = {
      startedAt: Date.now(),
      endedAt: null,
      mode: start.mode,
      room: start.room,
      name: start.name,
      url: start.url,
      profile: start.profile,
      hosts: start.hosts.map((h) => ({ address: h.address, hostname: h.hostname })),
      records: 0,
      segments: 0,
      lastReal: null,
      imported: false,
    };
    this.store.create(meta).then(
      (id) => {
        session.attach(new SessionRecorder(this.store, id, (e) => this.fail(e)));
        if (this.current === session) this.events.started(id);
      },
      (e: unknown) => this.fail(e),
    );
  }

  records(records: readonly TraceRecord[]): void {
    this.current?.add(records);
  }

  hosts(hosts: readonly LocalHostInfo[]): void {
    if (hosts.length === 0) return;
    this.current?.note({ hosts: hosts.map((h) => ({ address: h.address, hostname: h.hostname })) });
  }

  end(): void {
    this.current?.note({ endedAt: Date.now() });
    this.current = null;
  }

  /** Resolves when what was handed over so far is stored. */
  async flush(): Promise<void> {
    await this.current?.recorder?.flush();
  }

  private fail(e: unknown): void {
    if (this.failedOnce) return;
    this.failedOnce = true;
    this.events.failed(`This session is no longer being saved: ${(e as Error)?.message ?? String(e)}`);
  }
}
