// <tcp-playground>: the app's root. It composes the feature stores (Playground: trace intake,
// hosts, sockets, notices, the live session) and the root's own controllers (settings, saved
// sessions, selection, drawers), decides the screen (join, live session, or a saved session
// opened read-only) and passes state down as properties; children send events up (AppActions).
// Its `theme` and `presentation` attributes carry the palette every element inside inherits.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ThemeName } from '../components/base.ts';
import { theme } from '../components/theme.ts';
import type { TraceRecord } from '../../workers/api.ts';
import type { ConnKey } from '../model/keys.ts';
import type { TcbSnapshot } from '../../workers/tcp/trace.ts';
import { Playground } from './playground.ts';
import { FeedController } from './change-feed.ts';
import { SettingsController } from './settings-controller.ts';
import { SessionLibrary } from './session-library.ts';
import { ViewSelection } from './view-selection.ts';
import { Drawers } from './drawers.ts';
import { LiveTicker } from './live-ticker.ts';
import { AppActions } from './app-actions.ts';
import type { TraceStore } from './trace-store.ts';
import { summarizeFaults } from './fault-summary.ts';
import { launchParams, roomHref } from './launch-params.ts';
import { defaultRelayUrl } from './join-screen.ts';
import { sessionTitle } from './sessions-panel.ts';
import { playgroundStyles } from './playground-styles.ts';
import type { Settings } from '../../workers/persistence/types.ts';
import './join-screen.ts';
import './app-header.ts';
import './control-sidebar.ts';
import './main-view.ts';
import './sessions-panel.ts';
import './notices-view.ts';
import '../workshop/teacher-view.ts';
import '../workshop/workshop-view.ts';
import type { WorkshopWorker } from '../workshop/workshop-controller.ts';

/** A saved session has no worker ahead of its trace. */
const NO_LIVE_TCBS: ReadonlyMap<ConnKey, TcbSnapshot> = new Map();
const NO_RECORDS: readonly TraceRecord[] = [];

@customElement('tcp-playground')
export class TcpPlayground extends LitElement {
  static override styles = [theme, playgroundStyles];

  /** 'light', 'dark', or 'auto' to follow the system: the palette of everything inside. */
  @property({ reflect: true }) theme: ThemeName = 'light';
  /** Larger type, strokes and rows for a projector, inside as well. */
  @property({ type: Boolean, reflect: true }) presentation = false;

  /** The feature stores (e2e tests and the UI benchmark read `trace`, `hosts`, `sockets`, `link`, `api`). */
  readonly controller = new Playground();
  private readonly settings = new SettingsController(this, this.controller.socketViews.prefs);
  private readonly view = new ViewSelection(this);
  private readonly drawers = new Drawers(this);
  private readonly library: SessionLibrary;
  private readonly actions: AppActions;
  @state() private ready = false;
  /** Trace records for the workshop's checklist since the last render (see onRecords below). */
  private workshopRecords: TraceRecord[] = [];
  private workshopShown = false;
  private stopRecords: (() => void) | null = null;
  /**
   * What the workshop may call on the worker, as a plain object: a comlink Remote is a proxy that
   * answers every property lookup, so Lit, checking a bound value for directive markers, would
   * take it for a directive.
   */
  private readonly workshopWorker: WorkshopWorker;

  constructor() {
    super();
    new FeedController(this, this.controller.feed);
    new LiveTicker(this, this.controller);
    this.actions = new AppActions({
      pg: this.controller,
      settings: this.settings,
      library: (this.library = new SessionLibrary(this, this.controller, this.settings, {
        resetView: () => this.view.reset(),
        continueSession: (meta) => this.actions.continueSession(meta),
        closeDrawer: () => this.drawers.set({ sessions: false }),
      })),
      view: this.view,
      drawers: this.drawers,
      trace: () => this.trace(),
    });
    this.actions.listen(this);
    const api = this.controller.api;
    this.workshopWorker = {
      mode: () => api.mode(),
      startOffline: (o) => api.startOffline(o),
      configure: (s, h) => api.configure(s, h),
      setFaults: (d, c, h) => api.setFaults(d, c, h),
      addRule: (d, r, h) => api.addRule(d, r, h),
      setHold: (on, h) => api.setHold(on, h),
      publishStatus: (st) => api.publishStatus(st),
    };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Every trace batch goes to the exercise checklist, bound at the next render (renders are
    // coalesced; the batches in between are handed over together).
    this.stopRecords = this.controller.intake.onRecords((records) => {
      if (this.workshopShown) this.workshopRecords.push(...records);
    });
    void this.init();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopRecords?.();
  }

  /** Resolves when the records handed to persistence so far are in IndexedDB (tests, benchmarks). */
  flushPersistence(): Promise<void> {
    return this.library.flush();
  }

  private async init(): Promise<void> {
    await this.controller.start();
    await this.library.open();
    this.settings.apply();
    const p = launchParams(location.search);
    if (p.room !== null) this.settings.override({ room: p.room });
    if (p.name !== null) this.settings.override({ name: p.name });
    if (p.relay !== null) this.settings.override({ relayUrl: p.relay });
    await this.library.resumeTab();
    this.ready = true;
  }

  private trace(): TraceStore | null {
    if (this.controller.session.phase === 'live') return this.controller.intake.trace;
    return this.library.archive?.trace ?? null;
  }

  // ---------------------------------------------------------------------------------------------
  // Rendering
  // ---------------------------------------------------------------------------------------------

  override render() {
    const c = this.controller;
    const session = c.session;
    const hosts = c.hostControls.hosts;
    const archive = this.library.archive;
    const s = this.settings.settings;
    const join = this.actions.join;
    const live = session.phase === 'live';
    const mode = live ? 'live' : archive ? 'archive' : 'join';
    const faults = summarizeFaults(
      hosts.map((h) => ({ hostname: h.info.hostname, faults: h.faults, hold: h.hold, held: h.held.length })),
      c.hostControls.clock,
    );
    const link = session.link;
    const room = live ? (link.status !== 'idle' && 'room' in link ? link.room : (join?.room ?? null)) : null;
    const relay = s.relayUrl !== '' && s.relayUrl !== defaultRelayUrl() ? s.relayUrl : null;
    return html`
      <pg-app-header
        .mode=${mode}
        .link=${link}
        .local=${hosts.map((h) => h.info)}
        .room=${room}
        .name=${live && session.mode === 'relay' ? (join?.name ?? null) : null}
        .faults=${faults}
        .archiveTitle=${archive ? `${sessionTitle(archive.meta)} · ${new Date(archive.meta.startedAt).toLocaleString()}` : ''}
        ?sidebar=${s.sidebar}
        .now=${Date.now()}
        .newTabHref=${room ? roomHref(room, relay) : ''}
        .themeChoice=${s.theme}
        ?presenting=${s.presentation}
        .classSize=${session.roomHosts.filter((h) => h.kind === 'client').length}
      ></pg-app-header>
      ${mode === 'live' ? this.renderLive() : mode === 'archive' ? this.renderArchive() : this.renderJoin()}
      ${this.drawers.sessions ? this.renderSessionsDrawer() : nothing}
      ${this.drawers.klass && link.status === 'joined' && link.role === 'teacher' ? this.renderClassDrawer() : nothing}
      ${this.renderExercisesDrawer(live, room)}
      <pg-notices .notices=${c.notices.all}></pg-notices>
    `;
  }

  private renderJoin() {
    const session = this.controller.session;
    const s: Settings = this.settings.settings;
    return html`<div class="scroll">
      ${this.ready
        ? html`<pg-join-screen
            .relayUrl=${s.relayUrl || defaultRelayUrl()}
            .room=${s.room}
            .name=${s.name}
            .profile=${s.profile}
            .error=${session.joinError}
            ?connecting=${session.phase === 'connecting'}
          ></pg-join-screen>`
        : html`<p style="padding:1em">Starting…</p>`}
      <div class="sessions-block">
        <h2>Saved sessions</h2>
        <pg-sessions-panel .sessions=${this.library.sessions} .current=${null}></pg-sessions-panel>
      </div>
    </div>`;
  }

  private renderArchive() {
    const a = this.library.archive!;
    const m = a.meta;
    const continueLabel = m.mode === 'offline' ? 'Start offline again' : `Continue in room ${m.room ?? ''} as ${m.name ?? ''}`;
    return html`
      <div class="resume" role="region" aria-label="saved session">
        ${a.resumed ? html`<strong>Your session before the reload.</strong>` : html`<strong>Saved session.</strong>`}
        <span>${m.segments} segments, read-only.</span>
        <button type="button" class="primary" @click=${() => void this.actions.continueSession(m)}>${continueLabel}</button>
        <button type="button" @click=${() => (this.library.closeArchive(), this.view.reset())}>Back to the start</button>
      </div>
      <div class="body full">${this.renderMain(a.trace, a.trace.lastT)}</div>
    `;
  }

  private renderLive() {
    const c = this.controller;
    const trace = c.intake.trace;
    const ix = trace.index;
    const s = this.settings.settings;
    const v = this.view;
    return html`<div class="body ${s.sidebar ? '' : 'full'}">
      ${s.sidebar
        ? html`<pg-control-sidebar
            .hosts=${c.hostControls.hosts}
            .active=${v.activeHost}
            .room=${c.session.roomHosts}
            .connections=${ix.connections()}
            .sockets=${c.socketViews.views}
            .selected=${v.shownConn(trace)}
            .pick=${v.pick}
            .clock=${c.hostControls.clock}
            .prefs=${{ autoAccept: s.autoAccept, autoRead: s.autoRead }}
          ></pg-control-sidebar>`
        : nothing}
      ${this.renderMain(trace, c.hostControls.stackNow(trace.lastT), c.intake.busy, c.intake.behind, c.intake.liveTcbs())}
    </div>`;
  }

  private renderMain(trace: TraceStore, now: number, busy = false, behind = 0, liveTcbs: ReadonlyMap<ConnKey, TcbSnapshot> = NO_LIVE_TCBS) {
    const v = this.view;
    return html`<pg-main-view
      ?busy=${busy}
      .behind=${behind}
      .liveTcbs=${liveTcbs}
      .store=${trace}
      .revision=${trace.revision}
      .conn=${v.conn}
      .selected=${v.selected}
      ?absolute=${v.absolute}
      .now=${now}
    ></pg-main-view>`;
  }

  /** Teachers: every host of the room with the connections it publishes. */
  private renderClassDrawer() {
    const session = this.controller.session;
    const link = session.link;
    const code = link.status === 'joined' ? link.teacherCode : null;
    return html`<section class="drawer wide" role="dialog" aria-label="class">
      <header>
        <h2>Class: room ${link.status === 'joined' ? link.room : ''}</h2>
        <button type="button" @click=${() => this.drawers.set({ klass: false })} aria-label="close the class view">Close</button>
      </header>
      <div class="drawer-body">
        ${code ? html`<p>Teacher code (another tab of yours joins as teacher with it): <code>${code}</code></p>` : nothing}
        <tcp-teacher-view .hosts=${session.roomHosts} .statuses=${session.roomStatus}></tcp-teacher-view>
      </div>
    </section>`;
  }

  /** The exercises drawer, while live. The workshop stays mounted while hidden, so its checklist sees every event. */
  private renderExercisesDrawer(live: boolean, room: string | null) {
    // The records since the last render, each batch handed over once (the workshop consumes what it is given).
    const records = this.workshopRecords.length > 0 ? this.workshopRecords : NO_RECORDS;
    this.workshopRecords = [];
    this.workshopShown = live;
    if (!live) return nothing;
    const session = this.controller.session;
    const link = session.link;
    const name = link.status === 'joined' ? link.hostname : (this.actions.join?.name ?? 'offline');
    return html`<section class="drawer wide" role="dialog" aria-label="exercises" ?hidden=${!this.drawers.exercises}>
      <header>
        <h2>Exercises</h2>
        <button type="button" @click=${() => this.drawers.set({ exercises: false })} aria-label="close the exercises">Close</button>
      </header>
      <div class="drawer-body">
        <tcp-workshop
          .api=${this.workshopWorker}
          .link=${link}
          .roomStatus=${session.roomStatus}
          .room=${room ?? 'offline'}
          .hostName=${name}
          .records=${records}
        ></tcp-workshop>
      </div>
    </section>`;
  }

  private renderSessionsDrawer() {
    return html`<section class="drawer" role="dialog" aria-label="saved sessions">
      <header>
        <h2>Saved sessions</h2>
        <button type="button" @click=${() => this.drawers.set({ sessions: false })} aria-label="close saved sessions">Close</button>
      </header>
      <pg-sessions-panel .sessions=${this.library.sessions} .current=${this.controller.session.phase === 'live' ? this.library.liveSessionId : null}></pg-sessions-panel>
    </section>`;
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
