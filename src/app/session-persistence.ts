// The live session's SessionSink: the session's row and its records are written by the worker
// (workers/session-saver.ts), which has the trace already; the page only says when a session
// begins, what its hosts are and when it ends. Storing packets costs a synchronous clone on the
// writing thread, and on the page that thread is the one that draws.
import type { Remote } from 'comlink';
import type { ApiResult, LocalHostInfo, SaveRequest, SaveStatus } from '../../workers/api.ts';
import type { NewSession } from '../../workers/persistence/types.ts';
import type { SessionSink, SessionStart } from './live-session.ts';
import type { WorkerApi } from './worker-client.ts';

export interface PersistenceEvents {
  /** The session has its id (the app keeps it to reopen the session after a reload). */
  started(id: number): void;
  /** Saving failed (quota, private mode): the user should know the trace is not being kept. */
  failed(message: string): void;
}

/** What the sink calls on the worker (savingApi() of the endpoint's Remote, or a fake in tests). */
export interface SavingApi {
  saveSession(request: SaveRequest): Promise<ApiResult<number>>;
  noteSession(patch: Partial<NewSession>): Promise<ApiResult<void>>;
  endSession(patch?: Partial<NewSession>): Promise<ApiResult<void>>;
  flushSession(): Promise<SaveStatus>;
}

/** The saving calls of the worker, as a plain object (a comlink Remote answers every property). */
export function savingApi(api: Remote<WorkerApi>): SavingApi {
  return {
    saveSession: (r) => api.saveSession(r) as Promise<ApiResult<number>>,
    noteSession: (p) => api.noteSession(p) as Promise<ApiResult<void>>,
    endSession: (p) => api.endSession(p) as Promise<ApiResult<void>>,
    flushSession: () => api.flushSession(),
  };
}

export class WorkerSessionSink implements SessionSink {
  /** Bumped by every begin(): a late answer for an earlier session is not this one's id. */
  private generation = 0;

  constructor(
    private readonly api: SavingApi,
    private readonly events: PersistenceEvents,
    private readonly dbName?: string,
  ) {}

  begin(start: SessionStart, fromSeq: number): void {
    const generation = ++this.generation;
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
    this.api.saveSession({ meta, fromSeq, ...(this.dbName === undefined ? {} : { dbName: this.dbName }) }).then(
      (r) => {
        if (!r.ok) this.events.failed(`This session is not being saved: ${r.error.message}`);
        else if (generation === this.generation) this.events.started(r.value);
      },
      (e: unknown) => this.events.failed(`This session is not being saved: ${(e as Error)?.message ?? String(e)}`),
    );
  }

  hosts(hosts: readonly LocalHostInfo[]): void {
    if (hosts.length === 0) return;
    void this.api.noteSession({ hosts: hosts.map((h) => ({ address: h.address, hostname: h.hostname })) }).catch(() => {});
  }

  end(): void {
    this.generation++;
    void this.api.endSession({ endedAt: Date.now() }).catch(() => {});
  }

  /** Resolves when every record traced so far is stored. */
  flush(): Promise<SaveStatus> {
    return this.api.flushSession();
  }
}
