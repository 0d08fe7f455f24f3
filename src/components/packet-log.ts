// <tcp-packet-log>: every segment in and out, one fixed-height row each, like Wireshark's
// packet list. Virtualised: the scroller holds a spacer as tall as all rows and only the rows
// in view (plus a margin) exist in the DOM, so 100,000 rows scroll as smoothly as 100.
import { LitElement, html, css, nothing } from 'lit';
import type { PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { SegmentRow } from '../model/segments.ts';
import type { ConnectionInfo } from '../model/connections.ts';
import { filterRows, NO_FILTER, withOtherEnd } from '../model/filter.ts';
import type { LogFilter } from '../model/filter.ts';
import { flagsText, formatMs, rowNotes } from '../model/labels.ts';
import { summarize } from '../../workers/tcp/wire/describe.ts';
import { Flag } from '../../workers/tcp/wire/types.ts';
import { VirtualList, keyMove } from './virtual-list.ts';
import { theme } from './theme.ts';
import { segmentSelect } from './events.ts';

/** Rows drawn beyond the view; while following a stream, only STREAM_OVERSCAN above it (VirtualList). */
const OVERSCAN = 10;
const STREAM_OVERSCAN = 2;
const FALLBACK_HEIGHT = 480;
const FLAG_FILTERS: readonly (readonly [string, number])[] = [
  ['SYN', Flag.SYN],
  ['FIN', Flag.FIN],
  ['RST', Flag.RST],
  ['PSH', Flag.PSH],
  ['ACK', Flag.ACK],
];

export interface FilterChangeDetail {
  filter: LogFilter;
}

@customElement('tcp-packet-log')
export class TcpPacketLog extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 200px;
        height: 100%;
      }
      .toolbar {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.4em 0.9em;
        padding: 0.35em 0.5em;
        background: var(--tcp-panel);
        border-bottom: 1px solid var(--tcp-border);
      }
      .toolbar .group {
        display: inline-flex;
        gap: 0.25em;
      }
      .toolbar .count {
        margin-left: auto;
        color: var(--tcp-muted);
      }
      .grid {
        font-family: var(--tcp-mono);
        font-size: var(--tcp-small);
        display: grid;
        grid-template-columns: 4.5em 7.5em 6.6em 2.4em 9em 9em 6.2em minmax(12em, 1fr) 11em;
        column-gap: 0.6em;
        align-items: center;
        padding: 0 0.5em;
        white-space: nowrap;
      }
      .grid > span {
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .head {
        font-family: var(--tcp-font);
        font-weight: 600;
        color: var(--tcp-muted);
        border-bottom: 1px solid var(--tcp-border);
        height: 1.9em;
      }
      .scroller {
        flex: 1 1 auto;
        overflow: auto;
        position: relative;
        overscroll-behavior: contain;
      }
      .spacer {
        position: relative;
      }
      .rows {
        position: absolute;
        left: 0;
        right: 0;
        top: 0;
      }
      .row {
        cursor: pointer;
        border-bottom: 1px solid var(--tcp-grid);
      }
      .row:hover {
        background: var(--tcp-hover-bg);
      }
      .row.dropped {
        color: var(--tcp-drop);
      }
      .row.retransmission .notes {
        color: var(--tcp-retrans);
      }
      .row.selected {
        background: var(--tcp-selected-bg);
        box-shadow: inset 3px 0 0 var(--tcp-accent);
      }
      .dir {
        text-align: center;
      }
      .num,
      .time {
        text-align: right;
      }
      .num {
        color: var(--tcp-muted);
      }
      .notes {
        font-family: var(--tcp-font);
        font-style: italic;
      }
    `,
  ];

  /** Every segment row (model: TraceIndex.rows / packetRows). */
  @property({ attribute: false }) rows: readonly SegmentRow[] = [];
  /** Connections, for the connection filter (model: TraceIndex.connections / listConnections). */
  @property({ attribute: false }) connections: readonly ConnectionInfo[] = [];
  @property() selected: string | null = null;
  /** Absolute sequence numbers instead of relative to each side's ISN. */
  @property({ type: Boolean }) absolute = false;
  /** The filter; the toolbar edits it and announces each change with 'filter-change'. */
  @property({ attribute: false }) filter: LogFilter = NO_FILTER;
  /** Stay scrolled to the newest row while already at the bottom. */
  @property({ type: Boolean }) follow = true;
  /** Rows arrive faster than anyone reads them (a bulk transfer): draw little beyond the view. */
  @property({ type: Boolean }) streaming = false;

  /** Row height: --tcp-log-row (24px; 32px in presentation mode, theme.ts). */
  private readonly list = new VirtualList(this, { rowVar: '--tcp-log-row', rowFallback: 24, fallbackHeight: FALLBACK_HEIGHT, overscan: OVERSCAN, streamOverscan: STREAM_OVERSCAN });
  private filtered: { rows: readonly SegmentRow[]; filter: LogFilter; hits: Int32Array | null } | null = null;

  get rowHeight(): number {
    return this.list.rowHeight;
  }

  /** Row positions passing the filter (null: all rows), recomputed only when rows or filter change. */
  private hits(): Int32Array | null {
    const f = this.filtered;
    if (f && f.rows === this.rows && f.filter === this.filter) return f.hits;
    const hits = filterRows(this.rows, this.filter);
    this.filtered = { rows: this.rows, filter: this.filter, hits };
    return hits;
  }

  private count(): number {
    return this.hits()?.length ?? this.rows.length;
  }

  private rowAt(i: number): SegmentRow {
    const hits = this.hits();
    return this.rows[hits === null ? i : hits[i]!]!;
  }

  /** Position of a row key among the filtered rows, or -1. */
  private positionOf(key: string | null): number {
    if (key === null) return -1;
    const n = this.count();
    // Rows are in log order and keys name a host's n-th row, so a scan is the simple, safe way;
    // it runs only on keyboard moves and selection changes, not while scrolling.
    for (let i = 0; i < n; i++) if (this.rowAt(i).key === key) return i;
    return -1;
  }

  private setFilter(patch: Partial<LogFilter>): void {
    this.filter = { ...this.filter, ...patch };
    this.dispatchEvent(new CustomEvent<FilterChangeDetail>('filter-change', { detail: { filter: this.filter }, bubbles: true, composed: true }));
  }

  /** New rows while following: draw the bottom window now (the scroll follows next frame). */
  protected override willUpdate(changed: PropertyValues<this>): void {
    this.list.follow = this.follow;
    this.list.streaming = this.streaming;
    if (changed.has('rows') && this.list.following && changed.get('rows') !== undefined && !(changed.has('selected') && this.selected !== null)) {
      this.list.showBottom(this.count() * this.rowHeight);
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!this.list.scroller) return;
    if (changed.has('selected') && this.selected !== null) this.reveal(this.positionOf(this.selected));
    else if (changed.has('rows') && this.list.following && changed.get('rows') !== undefined) {
      this.list.scrollToEnd(() => this.count() * this.rowHeight);
    }
  }

  private reveal(i: number): void {
    if (i < 0) return;
    const top = i * this.rowHeight;
    this.list.revealNearest(top, top + this.rowHeight);
  }

  private onKey(e: KeyboardEvent): void {
    const n = this.count();
    if (n === 0) return;
    const next = keyMove(e.key, this.positionOf(this.selected), n, this.list.pageRows);
    if (next === undefined) return;
    e.preventDefault();
    this.dispatchEvent(segmentSelect(this.rowAt(next).key));
  }

  override render() {
    const n = this.count();
    const rh = this.rowHeight;
    const { first, last } = this.list.rowWindow(n);
    const visible: SegmentRow[] = [];
    for (let i = first; i < last; i++) visible.push(this.rowAt(i));
    const f = this.filter;
    const connKey = f.conns?.[0] ?? '';
    return html`
      ${this.list.probe()}
      <div class="toolbar" role="toolbar" aria-label="packet filter">
        <label>Connection
          <select .value=${live(connKey)} @change=${(e: Event) => {
            const v = (e.target as HTMLSelectElement).value;
            this.setFilter({ conns: v === '' ? null : withOtherEnd(this.connections, v) });
          }}>
            <option value="" ?selected=${connKey === ''}>all</option>
            ${this.connections.map(
              (c) => html`<option value=${c.key} ?selected=${c.key === connKey}>${c.localAddr}:${c.localPort} ⇄ ${c.remoteAddr}:${c.remotePort} (${c.state})</option>`,
            )}
          </select>
        </label>
        <span class="group" role="group" aria-label="flags: show segments with all the pressed flags">
          ${FLAG_FILTERS.map(([name, bit]) => {
            const on = (f.flags & bit) !== 0;
            return html`<button type="button" aria-pressed=${on ? 'true' : 'false'} @click=${() => this.setFilter({ flags: f.flags ^ bit })}>${name}</button>`;
          })}
        </span>
        <label>Direction
          <select .value=${live(f.dir ?? '')} @change=${(e: Event) => {
            const v = (e.target as HTMLSelectElement).value;
            this.setFilter({ dir: v === 'in' || v === 'out' ? v : null });
          }}>
            <option value="" ?selected=${f.dir === null}>both</option>
            <option value="out" ?selected=${f.dir === 'out'}>out</option>
            <option value="in" ?selected=${f.dir === 'in'}>in</option>
          </select>
        </label>
        <label><input type="checkbox" .checked=${live(f.droppedOnly)} @change=${(e: Event) => this.setFilter({ droppedOnly: (e.target as HTMLInputElement).checked })} /> dropped</label>
        <label><input type="checkbox" .checked=${live(f.retransmissionsOnly)} @change=${(e: Event) => this.setFilter({ retransmissionsOnly: (e.target as HTMLInputElement).checked })} /> retransmissions</label>
        <span class="count" aria-live="polite">${n === this.rows.length ? `${n} segments` : `${n} of ${this.rows.length} segments`}</span>
      </div>
      <div class="grid head" aria-hidden="true">
        <span class="num">No.</span><span class="time">Time</span><span>Host</span><span class="dir">Dir</span><span>Source</span><span>Destination</span><span>Flags</span><span>Info</span><span>Notes</span>
      </div>
      <div
        class="scroller"
        tabindex="0"
        role="listbox"
        aria-label="segments; arrow keys move the selection"
        @scroll=${this.list.onScroll}
        @keydown=${this.onKey}
      >
        <div class="spacer" style=${this.list.spacerStyle(n * rh, n)}>
          <div class="rows" style="top:${first * rh}px">
            ${visible.map((r) => this.renderRow(r, rh))}
          </div>
        </div>
        ${n === 0 ? html`<div class="empty">${this.rows.length === 0 ? 'No segments yet.' : 'No segment matches the filter.'}</div>` : nothing}
      </div>
    `;
  }

  private renderRow(r: SegmentRow, rh: number) {
    const selected = r.key === this.selected;
    const notes = rowNotes(r).join(', ');
    const info = this.info(r);
    const classes = `grid row ${r.dir} ${r.drop ? 'dropped' : ''} ${r.retransmission ? 'retransmission' : ''} ${selected ? 'selected' : ''}`;
    return html`<div
      class=${classes}
      style="height:${rh}px"
      role="option"
      aria-selected=${selected ? 'true' : 'false'}
      data-key=${r.key}
      @click=${() => this.dispatchEvent(segmentSelect(r.key))}
    >
      <span class="num">${r.ordinal + 1}</span>
      <span class="time">${formatMs(r.t)}</span>
      <span>${r.host}</span>
      <span class="dir" title=${r.dir === 'out' ? 'sent' : 'received'}>${r.dir === 'out' ? '→' : '←'}</span>
      <span>${r.src}:${r.srcPort}</span>
      <span>${r.dst}:${r.dstPort}</span>
      <span>${flagsText(r)}</span>
      <span title=${info}>${info}</span>
      <span class="notes" title=${notes}>${notes}</span>
    </div>`;
  }

  private info(r: SegmentRow): string {
    if (r.seg === null) return r.drop?.detail ?? 'undecodable packet';
    if (this.absolute) return summarize(r.seg);
    return summarize(r.seg, { relativeTo: { seq: r.seqBase ?? 0, ack: r.ackBase ?? 0 } });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tcp-packet-log': TcpPacketLog;
  }
  interface HTMLElementEventMap {
    'filter-change': CustomEvent<FilterChangeDetail>;
  }
}
