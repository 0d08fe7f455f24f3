// <pg-main-view>: the display components composed around one selected connection. Left, the
// state diagram with the connection's numbered path; right, the ladder (or the sequence graph,
// the congestion window graph, the TCB); below, the packet log with the selected packet taken
// apart. Everything derives from one trace through the model's incremental index, so a live
// session and a saved one look the same. Selection lives in the root: a segment selected in any
// view is highlighted in all of them.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { theme } from '../components/theme.ts';
import '../components/index.ts';
import { appStyles } from './app-styles.ts';
import { appEvent } from './app-events.ts';
import { Throttled } from './throttle.ts';
import type { TraceStore } from './trace-store.ts';
import type { ConnKey } from '../model/keys.ts';
import type { ConnectionInfo } from '../model/connections.ts';
import { ladderRows } from '../model/ladder.ts';
import type { Ladder } from '../model/ladder.ts';
import { timeSeries } from '../model/series.ts';
import type { ConnSeries } from '../model/series.ts';
import { latestTcb } from '../model/tcb.ts';
import type { TcbSnapshot } from '../../workers/tcp/trace.ts';
import { NO_FILTER } from '../model/filter.ts';
import type { LogFilter } from '../model/filter.ts';
import type { SegmentRow } from '../model/segments.ts';
import { groupDigits } from '../model/labels.ts';

export type ViewTab = 'ladder' | 'seq' | 'cwnd' | 'tcb';

const TABS: readonly { id: ViewTab; label: string }[] = [
  { id: 'ladder', label: 'Ladder' },
  { id: 'seq', label: 'Sequence graph' },
  { id: 'cwnd', label: 'Congestion window' },
  { id: 'tcb', label: 'TCB' },
];

/** The connection to show when the user has not picked one: the newest. */
export function defaultConnection(conns: readonly ConnectionInfo[]): ConnKey | null {
  return conns[conns.length - 1]?.key ?? null;
}

/** Below this many records still to come the page is as good as up to date: no note. */
const BEHIND_NOTE = 1_000;

@customElement('pg-main-view')
export class PgMainView extends LitElement {
  static override styles = [
    theme,
    appStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 6px;
        min-height: 0;
        height: 100%;
        background: transparent;
      }
      /* Two rows with their own column splits: the figures on top, the log and a packet below. */
      .top,
      .bottom {
        display: grid;
        gap: 6px;
        min-height: 0;
      }
      .top {
        flex: var(--tcp-figures-grow, 1.15) 1 0;
        grid-template-columns: minmax(240px, 44%) minmax(0, 1fr);
      }
      .bottom {
        flex: 1 1 0;
        grid-template-columns: minmax(0, 1fr) minmax(260px, 36%);
      }
      /* One pane enlarged: it takes the whole view (a projector, a small screen). */
      :host([enlarged]) .top,
      :host([enlarged]) .bottom {
        display: contents;
      }
      :host([enlarged]) .pane:not(.focused) {
        display: none;
      }
      :host([enlarged]) .pane.focused {
        flex: 1 1 auto;
      }
      .pane-head {
        display: flex;
        align-items: baseline;
        gap: 0.5em;
        /* The diagram scrolls to keep the current state in view; its title stays. */
        position: sticky;
        top: -0.3em;
        z-index: 1;
        background: var(--tcp-bg);
        padding-top: 0.2em;
      }
      .pane-head h2 {
        flex: 1 1 auto;
      }
      button.enlarge {
        font-size: var(--tcp-small);
        padding: 0 0.4em;
        min-height: 0;
      }
      .bar {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.3em 0.9em;
      }
      .bar select {
        max-width: 32em;
      }
      .xy {
        font-size: var(--tcp-small);
        color: var(--tcp-muted);
      }
      .xy b {
        color: var(--tcp-fg);
        font-family: var(--tcp-mono);
      }
      .pane {
        border: 1px solid var(--tcp-border);
        border-radius: 8px;
        background: var(--tcp-bg);
        min-height: 0;
        min-width: 0;
        overflow: hidden;
        display: flex;
        flex-direction: column;
        /* Each pane lays out and paints on its own: a new log row does not repaint the diagram. */
        contain: strict;
      }
      .diagram {
        overflow: auto;
        padding: 0.3em 0.5em;
      }
      .views {
      }
      .log {
      }
      .detail {
        overflow: auto;
      }
      .tabs {
        display: flex;
        gap: 0.2em;
        padding: 0.25em 0.3em 0;
        border-bottom: 1px solid var(--tcp-border);
        background: var(--tcp-panel);
        flex-wrap: wrap;
      }
      .tabs button[role='tab'] {
        border-bottom-left-radius: 0;
        border-bottom-right-radius: 0;
        border-bottom: none;
      }
      .tabs button[aria-selected='true'] {
        background: var(--tcp-bg);
        font-weight: 600;
        border-color: var(--tcp-accent);
      }
      .tabpanel {
        position: relative;
        flex: 1 1 auto;
        min-height: 0;
        overflow: auto;
        display: flex;
        flex-direction: column;
      }
      .tabpanel > * {
        flex: 1 1 auto;
        min-height: 0;
      }
      /* Sized by their panes, never by their rows: nothing streaming into them can change the size
         of anything around them. (Chromium still lays out from the page's root: they are flex items.)
         Not paint containment: it would clip the focus ring of their scroller. */
      tcp-packet-log,
      tcp-ladder {
        height: 100%;
        min-height: 0;
        contain: size layout style;
      }
      /* Over the view, not above it: a note that came and went with every burst would resize
         the view, and a resized ladder or graph lays out and draws again. */
      .stale,
      .behind {
        position: absolute;
        left: 0;
        right: 0;
        bottom: 0;
        z-index: 1;
        font-size: var(--tcp-small);
        color: var(--tcp-muted);
        padding: 0.15em 0.5em;
        background: var(--tcp-panel);
        border-top: 1px solid var(--tcp-border);
      }
      .graphbar {
        flex: none;
        padding: 0.2em 0.5em;
      }
      .empty {
        padding: 1em;
        color: var(--tcp-muted);
      }
      h2.pane-title {
        font-size: var(--tcp-small);
        color: var(--tcp-muted);
        margin: 0 0 0.2em;
        font-weight: 600;
      }
    `,
  ];

  @property({ attribute: false }) store: TraceStore | null = null;
  /** The store's revision: a new number makes Lit render the grown trace. */
  @property({ type: Number }) revision = 0;
  /** The connection the user picked, or null for the newest. */
  @property() conn: ConnKey | null = null;
  /** The selected segment row key. */
  @property() selected: string | null = null;
  @property({ type: Boolean }) absolute = false;
  /** Stack time now, for the timers in the TCB inspector. */
  @property({ type: Number }) now = 0;
  /**
   * The trace streams faster than anyone can read it (a bulk transfer). The ladder and the graphs
   * then keep what they show (marked stale, with "update now") and the log takes new rows once a
   * second: redrawing them a few times a second would leave the page no time to answer the user.
   */
  @property({ type: Boolean }) busy = false;
  /** Trace records the worker has made that this page has not taken yet (controller.behind). */
  @property({ type: Number }) behind = 0;
  /** The worker's newest TCB snapshots, where newer than the trace (controller.liveTcbs()). */
  @property({ attribute: false }) liveTcbs: ReadonlyMap<ConnKey, TcbSnapshot> = new Map();

  @state() private tab: ViewTab = 'ladder';
  /** The pane shown alone, enlarged; null for all of them. Reflected so CSS can lay it out. */
  @property({ reflect: true }) enlarged: 'diagram' | 'views' | null = null;
  private shownSteps = -1;
  @state() private filter: LogFilter = NO_FILTER;
  @state() private seqDirection: 'out' | 'in' = 'out';

  private readonly ladder = new Throttled<Ladder | null>(() => this.requestUpdate());
  private logRows: { rows: readonly SegmentRow[]; at: number } = { rows: [], at: -Infinity };
  private readonly series = new Throttled<ConnSeries | null>(() => this.requestUpdate());

  /** The connection shown: the picked one while it exists, else the newest. */
  shownConnection(): ConnKey | null {
    const ix = this.store?.index;
    if (!ix) return null;
    if (this.conn !== null && ix.connection(this.conn)) return this.conn;
    return defaultConnection(ix.connections());
  }

  private enlarge(pane: 'diagram' | 'views') {
    const on = this.enlarged === pane;
    return html`<button type="button" class="enlarge" aria-pressed=${on ? 'true' : 'false'} title=${on ? 'Back to all views' : 'Show this view alone, large'}
      @click=${() => (this.enlarged = on ? null : pane)}>${on ? '⤡ all views' : '⤢ enlarge'}</button>`;
  }

  /** Keep the current state in sight when the diagram is taller than its pane. */
  protected override updated(): void {
    const key = this.shownConnection();
    const steps = key === null ? 0 : (this.store?.index.path(key).length ?? 0);
    if (steps === this.shownSteps) return;
    this.shownSteps = steps;
    const diagram = this.renderRoot.querySelector('tcp-state-diagram');
    const pane = this.renderRoot.querySelector<HTMLElement>('.pane.diagram');
    if (!diagram || !pane) return;
    void diagram.updateComplete.then(() => {
      const box = diagram.shadowRoot?.querySelector('.state.current')?.getBoundingClientRect();
      if (!box) return;
      const view = pane.getBoundingClientRect();
      if (box.top < view.top + 30) pane.scrollTop -= view.top + 30 - box.top;
      else if (box.bottom > view.bottom - 10) pane.scrollTop += box.bottom - view.bottom + 10;
    });
  }

  /** The log's rows: all of them, or while busy the ones of a second ago at most. */
  private shownRows(rows: readonly SegmentRow[]): readonly SegmentRow[] {
    const now = performance.now();
    if (!this.busy || now - this.logRows.at >= 1_000 || this.logRows.rows.length > rows.length) this.logRows = { rows, at: now };
    return this.logRows.rows;
  }

  /** Said when a large view waits for the trace to settle before it is drawn again. */
  private staleNote(t: Throttled<unknown>) {
    return html`<div class="stale" role="status">
      ${t.manual
        ? 'This connection has so many packets that redrawing this view takes a moment: it waits for you.'
        : 'Many packets are arriving: this view catches up when they slow down.'}
      <button type="button" class="link" @click=${() => t.refresh()}>Update now</button>
    </div>`;
  }

  private selectTab(tab: ViewTab): void {
    this.tab = tab;
  }

  private tabKey(e: KeyboardEvent): void {
    const i = TABS.findIndex((t) => t.id === this.tab);
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : null;
    if (next === null) return;
    e.preventDefault();
    const t = TABS[(next + TABS.length) % TABS.length]!;
    this.tab = t.id;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${t.id}`)?.focus());
  }

  override render() {
    const store = this.store;
    if (!store) return html`<div class="empty">No trace.</div>`;
    const ix = store.index;
    const conns = ix.connections();
    const key = this.shownConnection();
    const c = key === null ? undefined : ix.connection(key);
    const r = ix.revisions;
    const rev = `${r.rows}/${r.conns}/${r.metrics}`;
    const tcb = key === null ? null : latestTcb(ix, key);
    const liveTcb = key === null ? undefined : this.liveTcbs.get(key);
    const metrics = key === null ? undefined : ix.metrics(key);
    // Only the tab on screen is derived: a hidden ladder costs nothing during a bulk transfer.
    const connRows = key === null ? 0 : ix.rowsOf(key).length;
    const ladder = key !== null && this.tab === 'ladder' ? this.ladder.get(key, rev, connRows, () => ladderRows(ix, key), this.busy) : null;
    const series = key !== null && (this.tab === 'seq' || this.tab === 'cwnd') ? this.series.get(key, rev, connRows, () => timeSeries(ix, key), this.busy) : null;
    const rows = this.shownRows(ix.rows());
    return html`
      <div class="bar">
        <label class="inline">Connection
          <select
            aria-label="connection shown in the diagrams"
            @change=${(e: Event) => this.dispatchEvent(appEvent('conn-select', { key: (e.target as HTMLSelectElement).value }))}
          >
            ${conns.length === 0 ? html`<option value="">none yet</option>` : nothing}
            ${conns.map(
              (x) => html`<option value=${x.key} ?selected=${x.key === key}>
                ${x.localAddr}:${x.localPort} ⇄ ${x.remoteAddr}:${x.remotePort} · ${x.state}${x.role ? ` · ${x.role === 'active' ? 'client' : 'server'}` : ''}
              </option>`,
            )}
          </select>
        </label>
        <label class="inline" title="Show sequence and acknowledgment numbers as sent, not counted from each side’s ISN">
          <input type="checkbox" .checked=${this.absolute} @change=${(e: Event) => this.dispatchEvent(new CustomEvent('absolute-change', { detail: (e.target as HTMLInputElement).checked, bubbles: true, composed: true }))} />
          absolute seq/ack
        </label>
        ${tcb && c
          ? html`<span class="xy" data-iss=${tcb.tcb.iss} data-irs=${tcb.tcb.irs}>
              ${c.role === 'passive' ? html`x = peer’s ISN = <b>${tcb.tcb.irs}</b> · y = our ISS = <b>${tcb.tcb.iss}</b>` : html`x = our ISS = <b>${tcb.tcb.iss}</b> · y = peer’s ISN = <b>${tcb.tcb.irs}</b>`}
              ${this.absolute ? '' : ' (relative numbers count from these)'}
            </span>`
          : nothing}
        ${store.missed > 0 ? html`<span class="error">${store.missed} events missing from this trace</span>` : nothing}
      </div>

      <div class="top">
      <section class="pane diagram ${this.enlarged === 'diagram' ? 'focused' : ''}" aria-label="state diagram">
        <div class="pane-head">
          <h2 class="pane-title">State diagram${c ? html` · ${c.localAddr}:${c.localPort} now <b>${c.state}</b>` : nothing}</h2>
          ${this.enlarge('diagram')}
        </div>
        ${key === null
          ? html`<div class="empty">No connection yet. Listen or connect (left) and its path through the diagram appears here.</div>`
          : html`<tcp-state-diagram .transitions=${ix.path(key)}></tcp-state-diagram>`}
      </section>

      <section class="pane views ${this.enlarged === 'views' ? 'focused' : ''}" aria-label="connection views">
        <div class="tabs" role="tablist" aria-label="connection views" @keydown=${this.tabKey}>
          ${TABS.map(
            (x) => html`<button
              id=${`tab-${x.id}`}
              type="button"
              role="tab"
              aria-selected=${x.id === this.tab ? 'true' : 'false'}
              aria-controls="viewpanel"
              tabindex=${x.id === this.tab ? '0' : '-1'}
              @click=${() => this.selectTab(x.id)}
            >${x.label}</button>`,
          )}
          <span style="flex:1"></span>${this.enlarge('views')}
        </div>
        <div class="tabpanel" id="viewpanel" role="tabpanel" aria-labelledby=${`tab-${this.tab}`}>
          ${this.tab === 'ladder'
            ? html`${this.ladder.stale ? this.staleNote(this.ladder) : nothing}<tcp-ladder .ladder=${ladder} .selected=${this.selected} ?absolute=${this.absolute}></tcp-ladder>`
            : this.tab === 'seq'
              ? html`<div class="graphbar">
                    <label class="inline">Data
                      <select @change=${(e: Event) => (this.seqDirection = (e.target as HTMLSelectElement).value as 'out' | 'in')}>
                        <option value="out" ?selected=${this.seqDirection === 'out'}>sent by this host</option>
                        <option value="in" ?selected=${this.seqDirection === 'in'}>received by this host</option>
                      </select>
                    </label>
                  </div>
                  ${this.series.stale ? this.staleNote(this.series) : nothing}
                  <tcp-seq-graph .series=${series} .direction=${this.seqDirection} .selected=${this.selected}></tcp-seq-graph>`
              : this.tab === 'cwnd'
                ? html`${this.series.stale ? this.staleNote(this.series) : nothing}<tcp-cwnd-graph .series=${series}></tcp-cwnd-graph>`
                : html`<tcp-tcb-inspector
                    .tcb=${liveTcb ?? tcb?.tcb ?? null}
                    .now=${this.now}
                    .timers=${liveTcb ? null : (metrics?.timers ?? null)}
                    .timerStarts=${metrics?.timerStarts ?? {}}
                    ?absolute=${this.absolute}
                  ></tcp-tcb-inspector>`}
        </div>
      </section>

      </div>
      <div class="bottom">
      <section class="pane log" aria-label="packet log">
        ${this.behind >= BEHIND_NOTE
          ? html`<div class="behind" role="status" title="While packets stream faster than anyone can read them, this page takes the trace a little at a time and the rest when the stream calms. The TCB inspector shows the newest values meanwhile.">
              ${groupDigits(this.behind)} more trace events to come: the log and the diagrams catch up when the stream calms.
            </div>`
          : nothing}
        <tcp-packet-log
          .rows=${rows}
          ?streaming=${this.busy}
          .connections=${conns}
          .selected=${this.selected}
          .filter=${this.filter}
          ?absolute=${this.absolute}
          @filter-change=${(e: CustomEvent<{ filter: LogFilter }>) => (this.filter = e.detail.filter)}
        ></tcp-packet-log>
      </section>

      <section class="pane detail" aria-label="packet detail">
        ${this.selected === null
          ? html`<div class="empty">Select a segment in the log, the ladder or a graph to take it apart here.</div>`
          : html`<tcp-packet-detail .row=${ix.row(this.selected) ?? null} ?absolute=${this.absolute}></tcp-packet-detail>`}
      </section>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pg-main-view': PgMainView;
  }
  interface HTMLElementEventMap {
    'absolute-change': CustomEvent<boolean>;
  }
}
