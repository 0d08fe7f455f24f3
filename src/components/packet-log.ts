// <tcp-packet-log>: every segment in and out, one fixed-height row each, like Wireshark's
// packet list. Virtualised: the scroller holds a spacer as tall as all rows and only the rows
// in view (plus a margin) exist in the DOM, so 100,000 rows scroll as smoothly as 100.
import { html, css, nothing } from 'lit';
import type { PropertyValues } from 'lit';
import { customElement, property, state, query } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { SegmentRow } from '../model/segments.ts';
import type { ConnectionInfo } from '../model/connections.ts';
import { filterRows, NO_FILTER, withOtherEnd } from '../model/filter.ts';
import type { LogFilter } from '../model/filter.ts';
import { flagsText, formatMs, rowNotes } from '../model/labels.ts';
import { summarize } from '../../workers/tcp/wire/describe.ts';
import { Flag } from '../../workers/tcp/wire/types.ts';
import { ResizeWatchedElement } from './measured.ts';
import { scrollNextFrame } from './scroll-next-frame.ts';
import { theme } from './theme.ts';
import { segmentSelect } from './events.ts';

const OVERSCAN = 10;
/**
 * Rows kept above the view while it follows a stream of new rows (`streaming`): each intake then
 * replaces every row drawn, and each row costs its text's layout and paint in a frame that shares
 * the CPU with the transfer. Scrolling up draws the full overscan again from the first scroll event.
 */
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
export class TcpPacketLog extends ResizeWatchedElement {
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

  @state() private viewTop = 0;
  @state() private viewHeight = FALLBACK_HEIGHT;
  @query('.scroller') private scroller!: HTMLElement | null;

  private filtered: { rows: readonly SegmentRow[]; filter: LogFilter; hits: Int32Array | null } | null = null;
  private atBottom = true;

  get rowHeight(): number {
    return this.presentation ? 32 : 24;
  }

  protected override resized(): void {
    this.measure();
  }

  private measure(): void {
    const h = this.scroller?.clientHeight ?? 0;
    if (h > 0) this.viewHeight = h;
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

  private onScroll(): void {
    const s = this.scroller!;
    this.viewTop = s.scrollTop;
    this.atBottom = s.scrollTop + s.clientHeight >= s.scrollHeight - this.rowHeight;
  }

  /** New rows while following: draw the bottom window now (the scroll follows next frame). */
  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('rows') && this.follow && this.atBottom && changed.get('rows') !== undefined && !(changed.has('selected') && this.selected !== null)) {
      // The scroll next frame lands here, so its scroll event changes nothing and draws nothing.
      this.viewTop = Math.max(0, this.count() * this.rowHeight - this.viewHeight);
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (this.viewHeight === FALLBACK_HEIGHT) this.measure();
    const s = this.scroller;
    if (!s) return;
    if (changed.has('selected') && this.selected !== null) this.reveal(this.positionOf(this.selected));
    // Rows have a fixed height, so the content height is known: reading scrollHeight here would
    // force a layout on every update while a transfer streams rows in. onScroll keeps atBottom.
    else if (changed.has('rows') && this.follow && this.atBottom && changed.get('rows') !== undefined) {
      scrollNextFrame(s, () => this.count() * this.rowHeight);
    }
  }

  private reveal(i: number): void {
    const s = this.scroller;
    if (!s || i < 0) return;
    const top = i * this.rowHeight;
    const height = s.clientHeight || this.viewHeight;
    if (top < s.scrollTop) s.scrollTop = top;
    else if (top + this.rowHeight > s.scrollTop + height) s.scrollTop = top + this.rowHeight - height;
    this.viewTop = s.scrollTop;
  }

  private onKey(e: KeyboardEvent): void {
    const n = this.count();
    if (n === 0) return;
    const cur = this.positionOf(this.selected);
    const page = Math.max(1, Math.floor(this.viewHeight / this.rowHeight) - 1);
    const moves: Record<string, number> = {
      ArrowDown: cur + 1,
      ArrowUp: cur < 0 ? n - 1 : cur - 1,
      PageDown: cur + page,
      PageUp: cur - page,
      Home: 0,
      End: n - 1,
    };
    const next = moves[e.key];
    if (next === undefined) return;
    e.preventDefault();
    this.dispatchEvent(segmentSelect(this.rowAt(Math.max(0, Math.min(n - 1, next))).key));
  }

  override render() {
    const n = this.count();
    const rh = this.rowHeight;
    const lean = this.streaming && this.follow && this.atBottom;
    const first = Math.max(0, Math.floor(this.viewTop / rh) - (lean ? STREAM_OVERSCAN : OVERSCAN));
    const last = Math.min(n, Math.ceil((this.viewTop + this.viewHeight) / rh) + OVERSCAN);
    const visible: SegmentRow[] = [];
    for (let i = first; i < last; i++) visible.push(this.rowAt(i));
    const f = this.filter;
    const connKey = f.conns?.[0] ?? '';
    return html`
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
        @scroll=${this.onScroll}
        @keydown=${this.onKey}
      >
        <div class="spacer" style="height:${n * rh}px">
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
