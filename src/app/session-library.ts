// Saved sessions: the IndexedDB store, the sink that has the worker save the live session, the
// list the sessions drawer shows, a saved session opened read-only (the archive), the reload
// offer, export and import. A Lit controller: the root re-renders when any of it changes.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { TraceRecord } from '../../workers/api.ts';
import { openPlaygroundDb } from '../../workers/persistence/db.ts';
import { SessionStore } from '../../workers/persistence/session-store.ts';
import type { SessionMeta } from '../../workers/persistence/types.ts';
import { decodeSessionFile } from '../../workers/persistence/session-file.ts';
import { WorkerSessionSink, savingApi } from './session-persistence.ts';
import { TraceStore } from './trace-store.ts';
import { exportJson, exportPcap, liveSession } from './session-export.ts';
import type { SessionRecords } from './session-export.ts';
import type { SessionActionDetail } from './app-events.ts';
import type { JoinRequest } from './live-session.ts';
import type { Playground } from './playground.ts';
import type { SettingsController } from './settings-controller.ts';

/** This tab's live session id, kept across reloads of the tab (not shared with other tabs). */
const TAB_SESSION_KEY = 'tcp-playground.session';

export interface Archive {
  meta: SessionMeta;
  trace: TraceStore;
  /** Opened because the tab was reloaded: offer to continue where it was. */
  resumed: boolean;
}

/** What the library asks of the rest of the app. */
export interface LibraryHooks {
  /** A session opens in place of what was shown: forget the selection. */
  resetView(): void;
  /** Start a new live session where a saved one was. */
  continueSession(meta: SessionMeta): Promise<void>;
  /** The sessions drawer has done its job. */
  closeDrawer(): void;
}

function sessionStorageGet(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

export class SessionLibrary implements ReactiveController {
  sessions: SessionMeta[] = [];
  liveSessionId: number | null = null;
  /** A saved session shown read-only, or null. */
  archive: Archive | null = null;
  private store: SessionStore | null = null;
  private sink: WorkerSessionSink | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly pg: Playground,
    private readonly settings: SettingsController,
    private readonly hooks: LibraryHooks,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** Open the database, load the settings and have the worker save live sessions. */
  async open(): Promise<void> {
    try {
      this.store = new SessionStore(await openPlaygroundDb());
      await this.settings.load(this.store);
      this.sink = new WorkerSessionSink(savingApi(this.pg.api), {
        started: (id) => {
          this.liveSessionId = id;
          try {
            sessionStorage.setItem(TAB_SESSION_KEY, String(id));
          } catch {
            /* storage off: only the reload offer is lost */
          }
          void this.refresh();
        },
        failed: (m) => this.pg.notices.notify('error', m),
      });
      this.pg.session.setSink(this.sink);
      await this.refresh();
    } catch (e) {
      this.pg.notices.notify('warning', `Sessions cannot be saved in this browser (${(e as Error).message}); everything else works.`);
    }
  }

  /** A reload of this tab: show what the session held and offer to carry on. */
  async resumeTab(): Promise<void> {
    const previous = Number(sessionStorageGet(TAB_SESSION_KEY));
    if (this.store && Number.isInteger(previous) && previous > 0) {
      const meta = await this.store.get(previous);
      if (meta) await this.openArchive(meta, true);
    }
  }

  /** Resolves when the records handed to persistence so far are in IndexedDB (tests, benchmarks). */
  async flush(): Promise<void> {
    await this.sink?.flush();
  }

  async refresh(): Promise<void> {
    if (this.store) {
      this.sessions = await this.store.list();
      this.host.requestUpdate();
    }
  }

  closeArchive(): void {
    this.archive = null;
    this.host.requestUpdate();
  }

  /** The live session ended by the user: nothing to offer after a reload. */
  async forgetLive(): Promise<void> {
    try {
      sessionStorage.removeItem(TAB_SESSION_KEY);
    } catch {
      /* nothing to forget */
    }
    this.liveSessionId = null;
    await this.refresh();
  }

  /** The session on screen: the live one (records from memory, always complete) or the archive. */
  current(join: JoinRequest | null): SessionRecords | null {
    if (this.archive) return { meta: this.archive.meta, records: this.archive.trace.records };
    if (this.pg.session.phase !== 'live') return null;
    return liveSession(this.pg, this.sessions.find((s) => s.id === this.liveSessionId), join);
  }

  /** Export what is on screen; `activeHost` is whose view a pcap of an offline session is. */
  async exportCurrent(kind: 'pcap' | 'json', join: JoinRequest | null, activeHost: number): Promise<void> {
    const pg = this.pg;
    // A live session's newest records may still be on their way from the worker.
    if (!this.archive && !(await pg.intake.caughtUp())) {
      pg.notices.notify('warning', `This export lacks the newest ${pg.intake.behind} trace events: the page could not take them from the TCP worker in time.`);
    }
    const current = this.current(join);
    if (!current) return;
    if (kind === 'pcap') exportPcap(current.meta, current.records, this.pcapHost(current.meta, activeHost));
    else exportJson(current.meta, current.records);
  }

  /** Which host's view a pcap of this session is: the active host offline, the only one otherwise. */
  private pcapHost(meta: SessionMeta, activeHost: number): string | null {
    if (!this.archive && this.pg.session.mode === 'offline') return this.pg.hostControls.hosts[activeHost]?.info.address ?? null;
    return meta.hosts[0]?.address ?? null;
  }

  async action(d: SessionActionDetail): Promise<void> {
    const store = this.store;
    const notices = this.pg.notices;
    const phase = this.pg.session.phase;
    if (!store) {
      notices.notify('error', 'Saved sessions are not available in this browser.');
      return;
    }
    try {
      switch (d.action) {
        case 'open': {
          const meta = await store.get(d.id);
          if (!meta) return notices.notify('error', 'That session is gone (deleted in another tab?).');
          if (phase === 'live' && d.id === this.liveSessionId) return this.hooks.closeDrawer();
          if (phase === 'live') {
            notices.notify('warning', 'Leave the running session first: a saved session opens in place of the live one.');
            return;
          }
          await this.openArchive(meta, false);
          this.hooks.closeDrawer();
          return;
        }
        case 'continue': {
          const meta = await store.get(d.id);
          if (meta) await this.hooks.continueSession(meta);
          this.hooks.closeDrawer();
          return;
        }
        case 'delete':
          await store.delete(d.id);
          if (this.archive?.meta.id === d.id) this.closeArchive();
          await this.refresh();
          return;
        case 'clear':
          await store.clear();
          this.closeArchive();
          await this.refresh();
          notices.notify('info', 'All saved sessions were deleted.');
          return;
        case 'export-json':
        case 'export-pcap': {
          const meta = await store.get(d.id);
          if (!meta) return;
          // The live session's rows may still be on their way to the database.
          if (d.id === this.liveSessionId) await this.sink?.flush();
          const records = await this.read(store, meta);
          if (d.action === 'export-pcap') exportPcap(meta, records, d.host);
          else exportJson(meta, records);
          return;
        }
        case 'import': {
          const decoded = decodeSessionFile(await d.file.text());
          if (!decoded.ok) return notices.notify('error', `${d.file.name}: ${decoded.reason}`);
          const id = await store.importSession(decoded.session, decoded.records);
          await this.refresh();
          const meta = await store.get(id);
          notices.notify('info', `Imported ${decoded.records.length} events from ${d.file.name}.`);
          if (meta && this.pg.session.phase !== 'live') {
            await this.openArchive(meta, false);
            this.hooks.closeDrawer();
          }
          return;
        }
      }
    } catch (e) {
      notices.notify('error', `Saved sessions: ${(e as Error).message}`);
    }
  }

  /** A saved session's records; what a damaged database could not give back is said, not hidden. */
  private async read(store: SessionStore, meta: SessionMeta): Promise<TraceRecord[]> {
    const { records, problems } = await store.read(meta.id);
    if (problems.length > 0) {
      this.pg.notices.notify('warning', `Saved session ${meta.id} is damaged; ${records.length} of ${meta.records} records could be read (${problems[0]}${problems.length > 1 ? `, and ${problems.length - 1} more` : ''}).`);
    }
    return records;
  }

  private async openArchive(meta: SessionMeta, resumed: boolean): Promise<void> {
    const records = this.store ? await this.read(this.store, meta) : [];
    this.hooks.resetView();
    this.archive = { meta, trace: TraceStore.from(records), resumed };
    this.host.requestUpdate();
  }
}
