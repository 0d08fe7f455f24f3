// <tcp-playground>: the app's root. It owns the controller (all worker state), the session store
// (IndexedDB) and the user's selection, and decides the screen: join, live session, or a saved
// session opened read-only. Children get state as properties and send events up; this element
// turns the events into controller and store calls.
import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { TcpElement } from '../components/base.ts';
import type { ThemeName } from '../components/base.ts';
import { theme } from '../components/theme.ts';
import type { SegmentSelectDetail } from '../components/events.ts';
import { PlaygroundController } from './controller.ts';
import { TraceStore } from './trace-store.ts';
import { summarizeFaults } from './fault-summary.ts';
import type {
  ConnSelectDetail, FaultActionDetail, HoldActionDetail, HostPickDetail, JoinRequestDetail, NoticeDismissDetail,
  OfflineRequestDetail, SessionActionDetail, SocketActionDetail, TimeActionDetail,
} from './app-events.ts';
import type { HeaderAction } from './app-header.ts';
import { WorkerSessionSink, savingApi } from './session-persistence.ts';
import { openPlaygroundDb } from '../../workers/persistence/db.ts';
import { SessionStore } from '../../workers/persistence/session-store.ts';
import { DEFAULT_SETTINGS } from '../../workers/persistence/types.ts';
import type { SessionMeta, Settings } from '../../workers/persistence/types.ts';
import { decodeSessionFile, encodeSessionFile } from '../../workers/persistence/session-file.ts';
import { sessionPcap } from '../../workers/persistence/pcap-export.ts';
import { downloadFile, safeName, stamp } from './download.ts';
import { launchParams, roomHref } from './launch-params.ts';
import { defaultRelayUrl } from './join-screen.ts';
import { sessionTitle } from './sessions-panel.ts';
import { peerOf } from '../model/pairing.ts';
import type { ConnKey } from '../model/keys.ts';
import type { TcbSnapshot } from '../../workers/tcp/trace.ts';
import type { TraceRecord } from '../../workers/api.ts';
import './join-screen.ts';
import './app-header.ts';
import './control-sidebar.ts';
import './main-view.ts';
import './sessions-panel.ts';
import './notices-view.ts';
import '../workshop/teacher-view.ts';
import '../workshop/workshop-view.ts';
import type { TcpWorkshop } from '../workshop/workshop-view.ts';
import type { WorkshopWorker } from '../workshop/workshop-controller.ts';

/** This tab's live session id, kept across reloads of the tab (not shared with other tabs). */
const TAB_SESSION_KEY = 'tcp-playground.session';
const THEMES: readonly ThemeName[] = ['auto', 'light', 'dark'];
/** A saved session has no worker ahead of its trace. */
const NO_LIVE_TCBS: ReadonlyMap<ConnKey, TcbSnapshot> = new Map();

interface Archive {
  meta: SessionMeta;
  trace: TraceStore;
  /** Opened because the tab was reloaded: offer to continue where it was. */
  resumed: boolean;
}

@customElement('tcp-playground')
export class TcpPlayground extends TcpElement {
  static override styles = [
    theme,
    css`
      :host {
        display: flex;
        flex-direction: column;
        height: 100vh;
        height: 100dvh;
        overflow: hidden;
      }
      .body {
        flex: 1 1 auto;
        min-height: 0;
        display: grid;
        grid-template-columns: minmax(300px, 340px) minmax(0, 1fr);
      }
      :host([presentation]) .body {
        grid-template-columns: minmax(340px, 420px) minmax(0, 1fr);
      }
      .body.full {
        grid-template-columns: minmax(0, 1fr);
      }
      pg-main-view {
        padding: 6px;
        min-height: 0;
      }
      .scroll {
        flex: 1 1 auto;
        overflow: auto;
      }
      .resume {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5em 1em;
        align-items: center;
        padding: 0.45em 0.8em;
        background: var(--tcp-selected-bg);
        border-bottom: 1px solid var(--tcp-accent);
      }
      .resume strong {
        font-weight: 600;
      }
      pg-notices {
        position: fixed;
        right: 12px;
        bottom: 12px;
        z-index: 10;
      }
      .drawer {
        position: fixed;
        top: 0;
        right: 0;
        bottom: 0;
        width: min(40em, 100vw);
        z-index: 5;
        background: var(--tcp-bg);
        border-left: 1px solid var(--tcp-border);
        box-shadow: -4px 0 18px rgb(0 0 0 / 0.2);
        display: flex;
        flex-direction: column;
      }
      .drawer[hidden] {
        display: none;
      }
      .drawer header {
        display: flex;
        align-items: center;
        justify-content: space-between;
        padding: 0.5em 0.8em;
        border-bottom: 1px solid var(--tcp-border);
      }
      .drawer h2 {
        margin: 0;
        font-size: 1.1em;
      }
      .drawer.wide {
        width: min(64em, 100vw);
      }
      .drawer-body {
        padding: 0.5em 0.8em;
        overflow: auto;
      }
      .drawer pg-sessions-panel {
        padding: 0.5em 0.8em;
        overflow: auto;
      }
      .sessions-block {
        max-width: 44em;
        margin: 0 auto 2em;
        padding: 0 1em;
      }
      .sessions-block h2 {
        font-size: 1.1em;
      }
      button {
        font: inherit;
      }
      button.primary {
        background: var(--tcp-accent);
        border-color: var(--tcp-accent);
        color: #fff;
        font-weight: 600;
      }
    `,
  ];

  readonly controller = new PlaygroundController();
  private store: SessionStore | null = null;
  private sink: WorkerSessionSink | null = null;

  @state() private settings: Settings = { ...DEFAULT_SETTINGS };
  @state() private sessions: SessionMeta[] = [];
  @state() private liveSessionId: number | null = null;
  @state() private archive: Archive | null = null;
  @state() private conn: ConnKey | null = null;
  @state() private selected: string | null = null;
  @state() private absolute = false;
  @state() private activeHost = 0;
  @state() private pick: HostPickDetail | null = null;
  @state() private showSessions = false;
  /** Teachers: the class drawer (every host's connections). */
  @state() private showClass = false;
  /** The exercises drawer. The workshop element stays mounted while hidden, so its checklist sees every event. */
  @state() private showExercises = false;
  private stopRecords: (() => void) | null = null;
  /**
   * What the workshop may call on the worker, as a plain object: a comlink Remote is a proxy that
   * answers every property lookup, so Lit, checking a bound value for directive markers, would
   * take it for a directive.
   */
  private workshopWorker: WorkshopWorker | null = null;

  private workshopApi(): WorkshopWorker {
    const api = this.controller.api;
    this.workshopWorker ??= {
      mode: () => api.mode(),
      startOffline: (o) => api.startOffline(o),
      configure: (s, h) => api.configure(s, h),
      setFaults: (d, c, h) => api.setFaults(d, c, h),
      addRule: (d, r, h) => api.addRule(d, r, h),
      setHold: (on, h) => api.setHold(on, h),
      publishStatus: (st) => api.publishStatus(st),
    };
    return this.workshopWorker;
  }
  @state() private ready = false;
  /** Joining from the join form: its values, so the form shows them while the link comes up. */
  private join: JoinRequestDetail | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor() {
    super();
    this.listen();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.unsubscribe = this.controller.subscribe(() => this.requestUpdate());
    // Every trace batch goes to the exercise checklist as it arrives: renders are coalesced.
    this.stopRecords = this.controller.onRecords((records) => {
      const w = this.renderRoot?.querySelector<TcpWorkshop>('tcp-workshop');
      if (w) w.records = [...records];
    });
    // Timers count down and the reconnect delay ticks even when no update arrives. While the
    // trace streams the controller renders every quarter second anyway, in frames the worker
    // leaves the CPU to; a render of its own here would be one it does not.
    this.ticker = setInterval(() => {
      if (this.controller.phase === 'live' && !this.controller.busy) this.requestUpdate();
    }, 500);
    void this.init();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.stopRecords?.();
    if (this.ticker !== null) clearInterval(this.ticker);
  }

  /** Resolves when the records handed to persistence so far are in IndexedDB (tests, benchmarks). */
  async flushPersistence(): Promise<void> {
    await this.sink?.flush();
  }

  private async init(): Promise<void> {
    await this.controller.start();
    try {
      this.store = new SessionStore(await openPlaygroundDb());
      this.settings = await this.store.loadSettings();
      this.sink = new WorkerSessionSink(savingApi(this.controller.api), {
        started: (id) => {
          this.liveSessionId = id;
          try {
            sessionStorage.setItem(TAB_SESSION_KEY, String(id));
          } catch {
            /* storage off: only the reload offer is lost */
          }
          void this.refreshSessions();
        },
        failed: (m) => this.controller.notify('error', m),
      });
      this.controller.setSink(this.sink);
      await this.refreshSessions();
    } catch (e) {
      this.controller.notify('warning', `Sessions cannot be saved in this browser (${(e as Error).message}); everything else works.`);
    }
    this.applySettings();
    const p = launchParams(location.search);
    if (p.room !== null) this.settings = { ...this.settings, room: p.room };
    if (p.name !== null) this.settings = { ...this.settings, name: p.name };
    if (p.relay !== null) this.settings = { ...this.settings, relayUrl: p.relay };
    // A reload of this tab: show what the session held and offer to carry on.
    const previous = Number(sessionStorageGet(TAB_SESSION_KEY));
    if (this.store && Number.isInteger(previous) && previous > 0) {
      const meta = await this.store.get(previous);
      if (meta) await this.openArchive(meta, true);
    }
    this.ready = true;
  }

  private applySettings(): void {
    this.theme = this.settings.theme;
    this.presentation = this.settings.presentation;
    this.controller.prefs.autoAccept = this.settings.autoAccept;
    this.controller.prefs.autoRead = this.settings.autoRead;
  }

  private saveSettings(patch: Partial<Settings>): void {
    this.settings = { ...this.settings, ...patch };
    this.applySettings();
    void this.store?.saveSettings(this.settings).catch(() => {});
  }

  private async refreshSessions(): Promise<void> {
    if (this.store) this.sessions = await this.store.list();
  }

  // ---------------------------------------------------------------------------------------------
  // Events from the children
  // ---------------------------------------------------------------------------------------------

  private listen(): void {
    const c = this.controller;
    this.addEventListener('join-request', (e: CustomEvent<JoinRequestDetail>) => void this.startJoin(e.detail));
    this.addEventListener('offline-request', (e: CustomEvent<OfflineRequestDetail>) => void this.startOffline(e.detail));
    this.addEventListener('socket-action', (e: CustomEvent<SocketActionDetail>) => void this.socketAction(e.detail));
    this.addEventListener('fault-action', (e: CustomEvent<FaultActionDetail>) => {
      const d = e.detail;
      if (d.action === 'set') void c.setFaults(d.host, d.dir, d.config);
      else if (d.action === 'add-rule') void c.addRule(d.host, d.dir, d.rule);
      else if (d.action === 'remove-rule') void c.removeRule(d.host, d.dir, d.id);
      else void c.clearRules(d.host, d.dir);
    });
    this.addEventListener('hold-action', (e: CustomEvent<HoldActionDetail>) => {
      const d = e.detail;
      if (d.action === 'hold') void c.setHold(d.host, d.on);
      else if (d.action === 'release-all') void c.releaseAll(d.host);
      else if (d.action === 'release') void c.release(d.host, d.id);
      else if (d.action === 'drop') void c.dropHeld(d.host, d.id);
      else if (d.action === 'duplicate') void c.duplicateHeld(d.host, d.id);
      else if (d.action === 'move') void c.moveHeld(d.host, d.id, d.index);
    });
    this.addEventListener('time-action', (e: CustomEvent<TimeActionDetail>) => {
      const d = e.detail;
      if (d.action === 'factor') void c.setTimeFactor(d.factor);
      else if (d.action === 'pause') void c.pause();
      else if (d.action === 'resume') void c.resume();
      else void c.step();
    });
    this.addEventListener('session-action', (e: CustomEvent<SessionActionDetail>) => void this.sessionAction(e.detail));
    this.addEventListener('host-pick', (e: CustomEvent<HostPickDetail>) => (this.pick = { ...e.detail }));
    this.addEventListener('host-switch', (e: CustomEvent<number>) => (this.activeHost = e.detail));
    this.addEventListener('conn-select', (e: CustomEvent<ConnSelectDetail>) => {
      this.conn = e.detail.key === '' ? null : e.detail.key;
    });
    this.addEventListener('segment-select', (e: CustomEvent<SegmentSelectDetail>) => this.selectSegment(e.detail.key));
    this.addEventListener('absolute-change', (e: CustomEvent<boolean>) => (this.absolute = e.detail));
    this.addEventListener('notice-dismiss', (e: CustomEvent<NoticeDismissDetail>) => c.dismiss(e.detail.id));
    this.addEventListener('header-action', (e: CustomEvent<HeaderAction>) => void this.headerAction(e.detail));
    this.addEventListener('pref-change', (e: CustomEvent<Partial<Pick<Settings, 'autoAccept' | 'autoRead'>>>) => this.saveSettings(e.detail));
    this.addEventListener('clear-faults', () => void this.clearFaults());
    this.addEventListener('join-cancel', () => void c.leave());
    this.addEventListener('keydown', (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        this.showSessions = false;
        this.showClass = false;
      }
    });
  }

  private async startJoin(req: JoinRequestDetail): Promise<void> {
    this.join = req;
    this.saveSettings({ relayUrl: req.url, room: req.room, name: req.name, profile: req.profile });
    this.resetView();
    this.archive = null;
    await this.controller.join(req);
  }

  private async startOffline(req: OfflineRequestDetail): Promise<void> {
    this.saveSettings({ profile: req.profile });
    this.resetView();
    this.archive = null;
    await this.controller.startOffline(req.hosts, req.profile);
  }

  private resetView(): void {
    this.conn = null;
    this.selected = null;
    this.activeHost = 0;
    this.pick = null;
  }

  private async socketAction(d: SocketActionDetail): Promise<void> {
    const c = this.controller;
    switch (d.action) {
      case 'listen':
        if (await c.listen(d.host, d.port)) c.notify('info', `Listening on port ${d.port}.`);
        return;
      case 'unlisten':
        return c.unlisten(d.host, d.port);
      case 'accept':
        await c.accept(d.host, d.port);
        return;
      case 'connect': {
        const conn = await c.connect(d.host, d.remoteAddr, d.remotePort, d.localPort);
        // Show the new connection: that is what the student is about to watch.
        const address = c.hosts[d.host]?.info.address;
        if (conn !== undefined && address !== undefined) this.conn = `${address}#${conn}`;
        return;
      }
      case 'send-text':
        await c.sendText(d.host, d.conn, d.text);
        return;
      case 'send-file':
        await c.sendFile(d.host, d.conn, d.bytes);
        return;
      case 'read':
        return c.readNow(d.host, d.conn);
      case 'auto-read':
        return c.autoRead(d.host, d.conn);
      case 'shutdown':
        return c.shutdown(d.host, d.conn);
      case 'close':
        return c.close(d.host, d.conn);
      case 'abort':
        return c.abort(d.host, d.conn);
    }
  }

  /** A segment selected anywhere: select it everywhere, and show its connection if another one is shown. */
  private selectSegment(key: string): void {
    this.selected = key;
    const trace = this.trace();
    if (!trace) return;
    const ix = trace.index;
    const row = ix.row(key);
    if (!row || row.conn === null) return;
    const shown = this.shownConn(trace);
    if (shown === row.conn || (shown !== null && peerOf(ix, shown) === row.conn)) return;
    this.conn = row.conn;
  }

  private shownConn(trace: TraceStore): ConnKey | null {
    const ix = trace.index;
    if (this.conn !== null && ix.connection(this.conn)) return this.conn;
    return ix.connections().at(-1)?.key ?? null;
  }

  private async clearFaults(): Promise<void> {
    const c = this.controller;
    await c.clearAllFaults();
    if (c.clock && c.clock.factor !== 1) await c.setTimeFactor(1);
    if (c.clock?.paused) await c.resume();
  }

  private async headerAction(a: HeaderAction): Promise<void> {
    switch (a) {
      case 'theme': {
        const next = THEMES[(THEMES.indexOf(this.settings.theme) + 1) % THEMES.length]!;
        this.saveSettings({ theme: next });
        return;
      }
      case 'presentation': {
        // A projector wants the figures: presentation starts with the controls folded away
        // ("Controls" brings them back).
        const on = !this.settings.presentation;
        this.saveSettings(on ? { presentation: true, sidebar: false } : { presentation: false });
        return;
      }
      case 'sidebar':
        this.saveSettings({ sidebar: !this.settings.sidebar });
        return;
      case 'sessions':
        this.showSessions = !this.showSessions;
        this.showClass = false;
        if (this.showSessions) {
          await this.refreshSessions();
          // Keyboard users land in the drawer (Escape or Close leaves it).
          await this.updateComplete;
          this.renderRoot.querySelector<HTMLElement>('.drawer header button')?.focus();
        }
        return;
      case 'leave':
        await this.controller.leave();
        this.resetView();
        try {
          sessionStorage.removeItem(TAB_SESSION_KEY);
        } catch {
          /* nothing to forget */
        }
        this.liveSessionId = null;
        await this.refreshSessions();
        return;
      case 'exercises':
        this.showExercises = !this.showExercises;
        this.showSessions = false;
        this.showClass = false;
        return;
      case 'class':
        this.showClass = !this.showClass;
        this.showSessions = false;
        await this.updateComplete;
        if (this.showClass) this.renderRoot.querySelector<HTMLElement>('.drawer header button')?.focus();
        return;
      case 'adopt-address':
        return this.controller.adoptRelayAddress();
      case 'export-pcap':
      case 'export-json': {
        // A live session's newest records may still be on their way from the worker.
        if (!this.archive && !(await this.controller.caughtUp())) {
          this.controller.notify('warning', `This export lacks the newest ${this.controller.behind} trace events: the page could not take them from the TCP worker in time.`);
        }
        const current = this.currentSession();
        if (!current) return;
        if (a === 'export-pcap') this.exportPcap(current.meta, current.records, this.pcapHost(current.meta));
        else this.exportJson(current.meta, current.records);
        return;
      }
    }
  }

  /** The session on screen: the live one (records from memory, always complete) or the archive. */
  private currentSession(): { meta: SessionMeta; records: readonly TraceRecord[] } | null {
    if (this.archive) return { meta: this.archive.meta, records: this.archive.trace.records };
    const c = this.controller;
    if (c.phase !== 'live') return null;
    const stored = this.sessions.find((s) => s.id === this.liveSessionId);
    const meta: SessionMeta = stored ?? {
      id: 0,
      startedAt: c.trace.records[0]?.real ?? Date.now(),
      endedAt: null,
      mode: c.mode === 'offline' ? 'offline' : 'relay',
      room: this.join?.room ?? null,
      name: this.join?.name ?? null,
      url: this.join?.url ?? null,
      profile: this.join?.profile ?? null,
      hosts: c.hosts.map((h) => ({ address: h.info.address, hostname: h.info.hostname })),
      records: c.trace.records.length,
      segments: 0,
      lastReal: null,
      imported: false,
    };
    return { meta: { ...meta, hosts: c.hosts.length > 0 ? c.hosts.map((h) => ({ address: h.info.address, hostname: h.info.hostname })) : meta.hosts }, records: c.trace.records };
  }

  /** Which host's view a pcap of this session is: the active host offline, the only one otherwise. */
  private pcapHost(meta: SessionMeta): string | null {
    if (!this.archive && this.controller.mode === 'offline') return this.controller.hosts[this.activeHost]?.info.address ?? null;
    return meta.hosts[0]?.address ?? null;
  }

  private exportPcap(meta: SessionMeta, records: readonly TraceRecord[], host: string | null): void {
    const bytes = sessionPcap(records, host);
    const who = meta.hosts.find((h) => h.address === host)?.hostname ?? host ?? 'all';
    downloadFile(`tcp-${safeName(meta.room ?? meta.mode)}-${safeName(who)}-${stamp(meta.startedAt)}.pcap`, bytes, 'application/vnd.tcpdump.pcap');
  }

  private exportJson(meta: SessionMeta, records: readonly TraceRecord[]): void {
    downloadFile(`tcp-session-${safeName(meta.room ?? meta.mode)}-${stamp(meta.startedAt)}.json`, encodeSessionFile(meta, records), 'application/json');
  }

  private async sessionAction(d: SessionActionDetail): Promise<void> {
    const store = this.store;
    if (!store) {
      this.controller.notify('error', 'Saved sessions are not available in this browser.');
      return;
    }
    try {
      switch (d.action) {
        case 'open': {
          const meta = await store.get(d.id);
          if (!meta) return this.controller.notify('error', 'That session is gone (deleted in another tab?).');
          if (this.controller.phase === 'live' && d.id === this.liveSessionId) {
            this.showSessions = false;
            return;
          }
          if (this.controller.phase === 'live') {
            this.controller.notify('warning', 'Leave the running session first: a saved session opens in place of the live one.');
            return;
          }
          await this.openArchive(meta, false);
          this.showSessions = false;
          return;
        }
        case 'continue': {
          const meta = await store.get(d.id);
          if (meta) await this.continueSession(meta);
          this.showSessions = false;
          return;
        }
        case 'delete':
          await store.delete(d.id);
          if (this.archive?.meta.id === d.id) this.archive = null;
          await this.refreshSessions();
          return;
        case 'clear':
          await store.clear();
          this.archive = null;
          await this.refreshSessions();
          this.controller.notify('info', 'All saved sessions were deleted.');
          return;
        case 'export-json':
        case 'export-pcap': {
          const meta = await store.get(d.id);
          if (!meta) return;
          // The live session's rows may still be on their way to the database.
          if (d.id === this.liveSessionId) await this.sink?.flush();
          const records = await this.readSession(store, meta);
          if (d.action === 'export-pcap') this.exportPcap(meta, records, d.host);
          else this.exportJson(meta, records);
          return;
        }
        case 'import': {
          const decoded = decodeSessionFile(await d.file.text());
          if (!decoded.ok) return this.controller.notify('error', `${d.file.name}: ${decoded.reason}`);
          const id = await store.importSession(decoded.session, decoded.records);
          await this.refreshSessions();
          const meta = await store.get(id);
          this.controller.notify('info', `Imported ${decoded.records.length} events from ${d.file.name}.`);
          if (meta && this.controller.phase !== 'live') {
            await this.openArchive(meta, false);
            this.showSessions = false;
          }
          return;
        }
      }
    } catch (e) {
      this.controller.notify('error', `Saved sessions: ${(e as Error).message}`);
    }
  }

  /** A saved session's records; what a damaged database could not give back is said, not hidden. */
  private async readSession(store: SessionStore, meta: SessionMeta): Promise<TraceRecord[]> {
    const { records, problems } = await store.read(meta.id);
    if (problems.length > 0) {
      this.controller.notify('warning', `Saved session ${meta.id} is damaged; ${records.length} of ${meta.records} records could be read (${problems[0]}${problems.length > 1 ? `, and ${problems.length - 1} more` : ''}).`);
    }
    return records;
  }

  private async openArchive(meta: SessionMeta, resumed: boolean): Promise<void> {
    const records = this.store ? await this.readSession(this.store, meta) : [];
    this.resetView();
    this.archive = { meta, trace: TraceStore.from(records), resumed };
  }

  /** Start a new live session where an old one was: the same room and name, or offline again. */
  private async continueSession(meta: SessionMeta): Promise<void> {
    if (meta.mode === 'offline') return this.startOffline({ hosts: Math.max(2, meta.hosts.length), profile: meta.profile === 'textbook' ? 'textbook' : 'modern' });
    await this.startJoin({
      url: meta.url ?? this.settings.relayUrl ?? defaultRelayUrl(),
      room: meta.room ?? this.settings.room,
      name: meta.name ?? this.settings.name,
      profile: meta.profile === 'textbook' ? 'textbook' : 'modern',
    });
  }

  private trace(): TraceStore | null {
    if (this.controller.phase === 'live') return this.controller.trace;
    return this.archive?.trace ?? null;
  }

  // ---------------------------------------------------------------------------------------------
  // Rendering
  // ---------------------------------------------------------------------------------------------

  override render() {
    const c = this.controller;
    const live = c.phase === 'live';
    const mode = live ? 'live' : this.archive ? 'archive' : 'join';
    const t = this.theme;
    const p = this.presentation;
    const faults = summarizeFaults(
      c.hosts.map((h) => ({ hostname: h.info.hostname, faults: h.faults, hold: h.hold, held: h.held.length })),
      c.clock,
    );
    const room = live ? (c.link.status !== 'idle' && 'room' in c.link ? c.link.room : (this.join?.room ?? null)) : null;
    const relay = this.settings.relayUrl !== '' && this.settings.relayUrl !== defaultRelayUrl() ? this.settings.relayUrl : null;
    return html`
      <pg-app-header
        .theme=${t}
        ?presentation=${p}
        .mode=${mode}
        .link=${c.link}
        .local=${c.hosts.map((h) => h.info)}
        .room=${room}
        .name=${live && c.mode === 'relay' ? (this.join?.name ?? null) : null}
        .faults=${faults}
        .archiveTitle=${this.archive ? `${sessionTitle(this.archive.meta)} · ${new Date(this.archive.meta.startedAt).toLocaleString()}` : ''}
        ?sidebar=${this.settings.sidebar}
        .now=${Date.now()}
        .newTabHref=${room ? roomHref(room, relay) : ''}
        .themeChoice=${this.settings.theme}
        .classSize=${c.roomHosts.filter((h) => h.kind === 'client').length}
      ></pg-app-header>
      ${mode === 'live' ? this.renderLive() : mode === 'archive' ? this.renderArchive() : this.renderJoin()}
      ${this.showSessions ? this.renderSessionsDrawer() : nothing}
      ${this.showClass && c.link.status === 'joined' && c.link.role === 'teacher' ? this.renderClassDrawer() : nothing}
      ${live ? this.renderExercisesDrawer(room) : nothing}
      <pg-notices .theme=${t} ?presentation=${p} .notices=${c.notices}></pg-notices>
    `;
  }

  private renderJoin() {
    const c = this.controller;
    const s = this.settings;
    return html`<div class="scroll">
      ${this.ready
        ? html`<pg-join-screen
            .theme=${this.theme}
            ?presentation=${this.presentation}
            .relayUrl=${s.relayUrl || defaultRelayUrl()}
            .room=${s.room}
            .name=${s.name}
            .profile=${s.profile}
            .error=${c.joinError}
            ?connecting=${c.phase === 'connecting'}
          ></pg-join-screen>`
        : html`<p style="padding:1em">Starting…</p>`}
      <div class="sessions-block">
        <h2>Saved sessions</h2>
        <pg-sessions-panel .theme=${this.theme} ?presentation=${this.presentation} .sessions=${this.sessions} .current=${null}></pg-sessions-panel>
      </div>
    </div>`;
  }

  private renderArchive() {
    const a = this.archive!;
    const m = a.meta;
    const continueLabel = m.mode === 'offline' ? 'Start offline again' : `Continue in room ${m.room ?? ''} as ${m.name ?? ''}`;
    return html`
      <div class="resume" role="region" aria-label="saved session">
        ${a.resumed ? html`<strong>Your session before the reload.</strong>` : html`<strong>Saved session.</strong>`}
        <span>${m.segments} segments, read-only.</span>
        <button type="button" class="primary" @click=${() => void this.continueSession(m)}>${continueLabel}</button>
        <button type="button" @click=${() => ((this.archive = null), this.resetView())}>Back to the start</button>
      </div>
      <div class="body full">${this.renderMain(a.trace, a.trace.lastT)}</div>
    `;
  }

  private renderLive() {
    const c = this.controller;
    const trace = c.trace;
    const ix = trace.index;
    return html`<div class="body ${this.settings.sidebar ? '' : 'full'}">
      ${this.settings.sidebar
        ? html`<pg-control-sidebar
            .theme=${this.theme}
            ?presentation=${this.presentation}
            .hosts=${c.hosts}
            .active=${this.activeHost}
            .room=${c.roomHosts}
            .connections=${ix.connections()}
            .sockets=${c.sockets}
            .selected=${this.shownConn(trace)}
            .pick=${this.pick}
            .clock=${c.clock}
            .prefs=${{ autoAccept: this.settings.autoAccept, autoRead: this.settings.autoRead }}
          ></pg-control-sidebar>`
        : nothing}
      ${this.renderMain(trace, c.stackNow(), c.busy, c.behind, c.liveTcbs())}
    </div>`;
  }

  private renderMain(trace: TraceStore, now: number, busy = false, behind = 0, liveTcbs: ReadonlyMap<ConnKey, TcbSnapshot> = NO_LIVE_TCBS) {
    return html`<pg-main-view
      ?busy=${busy}
      .behind=${behind}
      .liveTcbs=${liveTcbs}
      .theme=${this.theme}
      ?presentation=${this.presentation}
      .store=${trace}
      .revision=${trace.revision}
      .conn=${this.conn}
      .selected=${this.selected}
      ?absolute=${this.absolute}
      .now=${now}
    ></pg-main-view>`;
  }

  /** Teachers: every host of the room with the connections it publishes. */
  private renderClassDrawer() {
    const c = this.controller;
    const code = c.link.status === 'joined' ? c.link.teacherCode : null;
    return html`<section class="drawer wide" role="dialog" aria-label="class">
      <header>
        <h2>Class: room ${c.link.status === 'joined' ? c.link.room : ''}</h2>
        <button type="button" @click=${() => (this.showClass = false)} aria-label="close the class view">Close</button>
      </header>
      <div class="drawer-body">
        ${code ? html`<p>Teacher code (another tab of yours joins as teacher with it): <code>${code}</code></p>` : nothing}
        <tcp-teacher-view .theme=${this.theme} ?presentation=${this.presentation} .hosts=${c.roomHosts} .statuses=${c.roomStatus}></tcp-teacher-view>
      </div>
    </section>`;
  }

  private renderExercisesDrawer(room: string | null) {
    const c = this.controller;
    const name = c.link.status === 'joined' ? c.link.hostname : (this.join?.name ?? 'offline');
    return html`<section class="drawer wide" role="dialog" aria-label="exercises" ?hidden=${!this.showExercises}>
      <header>
        <h2>Exercises</h2>
        <button type="button" @click=${() => (this.showExercises = false)} aria-label="close the exercises">Close</button>
      </header>
      <div class="drawer-body">
        <tcp-workshop
          .api=${this.workshopApi()}
          .link=${c.link}
          .roomStatus=${c.roomStatus}
          .room=${room ?? 'offline'}
          .hostName=${name}
        ></tcp-workshop>
      </div>
    </section>`;
  }

  private renderSessionsDrawer() {
    return html`<section class="drawer" role="dialog" aria-label="saved sessions">
      <header>
        <h2>Saved sessions</h2>
        <button type="button" @click=${() => (this.showSessions = false)} aria-label="close saved sessions">Close</button>
      </header>
      <pg-sessions-panel .theme=${this.theme} ?presentation=${this.presentation} .sessions=${this.sessions} .current=${this.controller.phase === 'live' ? this.liveSessionId : null}></pg-sessions-panel>
    </section>`;
  }
}

function sessionStorageGet(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tcp-playground': TcpPlayground;
  }
  interface HTMLElementEventMap {
    'pref-change': CustomEvent<Partial<Pick<Settings, 'autoAccept' | 'autoRead'>>>;
  }
}
