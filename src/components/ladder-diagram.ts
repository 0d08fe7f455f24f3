// <tcp-ladder>: a connection's packets as arrows between its two ends (a message sequence
// chart). Rows are events, not milliseconds (see model/ladder.ts), so the steepness of an
// arrow shows what happened while it was in flight. Only the rows in view are drawn: a
// spacer gives the scroller its full height and one SVG covers the visible window.
import { LitElement, html, css, svg, nothing } from 'lit';
import type { PropertyValues, SVGTemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Ladder, LadderArrow, LadderEnd, LadderMark } from '../model/ladder.ts';
import { LOST_FLIGHT, visibleArrows, visibleMarks } from '../model/ladder.ts';
import { formatMs, rowNotes, segmentLabel } from '../model/labels.ts';
import { VirtualList, keyMove } from './virtual-list.ts';
import { theme } from './theme.ts';
import { segmentSelect } from './events.ts';
import { arrowHead, crossPath } from './svg-arrows.ts';

/** Rows drawn beyond the visible window on each side, so a fast scroll shows no gap. */
const OVERSCAN_ROWS = 8;
/** When the element has no layout yet (tests, hidden tab). */
const FALLBACK_WIDTH = 760;
const FALLBACK_HEIGHT = 600;

@customElement('tcp-ladder')
export class TcpLadder extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 240px;
        height: 100%;
      }
      .ends {
        position: relative;
        flex: none;
        height: 3.4em;
        border-bottom: 1px solid var(--tcp-border);
        background: var(--tcp-panel);
      }
      .end {
        position: absolute;
        top: 0.3em;
        transform: translateX(-50%);
        text-align: center;
        white-space: nowrap;
        line-height: 1.35;
      }
      .end .addr {
        font-family: var(--tcp-mono);
        font-weight: 600;
      }
      .end .role {
        font-size: var(--tcp-small);
        color: var(--tcp-muted);
      }
      .scroller {
        position: relative;
        flex: 1 1 auto;
        overflow: auto;
        overscroll-behavior: contain;
      }
      .spacer {
        position: relative;
      }
      svg.window {
        position: absolute;
        left: 0;
        display: block;
      }
      .line {
        stroke: var(--tcp-fg);
        stroke-width: calc(var(--tcp-stroke) * 1.5px);
      }
      .time {
        fill: var(--tcp-muted);
        font-family: var(--tcp-mono);
        font-size: var(--tcp-small);
      }
      .mark text {
        fill: var(--tcp-path);
        font-weight: 600;
        font-family: var(--tcp-mono);
        font-size: var(--tcp-small);
      }
      .mark circle {
        fill: var(--tcp-path);
      }
      .arrow {
        cursor: pointer;
      }
      .arrow .shaft {
        stroke: var(--tcp-fg);
        stroke-width: calc(var(--tcp-stroke) * 1px);
        fill: none;
      }
      .arrow .head {
        fill: var(--tcp-fg);
      }
      .arrow .hit {
        stroke: transparent;
        stroke-width: 16px;
        fill: none;
      }
      .arrow text {
        fill: var(--tcp-fg);
        font-family: var(--tcp-mono);
        font-size: var(--tcp-small);
        paint-order: stroke;
        stroke: var(--tcp-bg);
        stroke-width: 4px;
        stroke-linejoin: round;
      }
      .arrow .note {
        font-family: var(--tcp-font);
        font-style: italic;
      }
      .arrow.retransmission .shaft {
        stroke: var(--tcp-retrans);
        stroke-dasharray: 7 4;
      }
      .arrow.retransmission .head,
      .arrow.retransmission .note {
        fill: var(--tcp-retrans);
      }
      .arrow.duplicate .shaft {
        stroke: var(--tcp-dup);
      }
      .arrow.duplicate .head,
      .arrow.duplicate .note {
        fill: var(--tcp-dup);
      }
      .arrow.lost .shaft,
      .arrow.discarded .shaft {
        stroke: var(--tcp-drop);
      }
      .arrow .cross {
        stroke: var(--tcp-drop);
        stroke-width: 3px;
      }
      .arrow.lost .note,
      .arrow.discarded .note {
        fill: var(--tcp-drop);
      }
      .arrow.assumed .shaft,
      .arrow.missing .shaft {
        stroke-dasharray: 2 4;
      }
      .arrow:hover .shaft {
        stroke-width: calc(var(--tcp-stroke) * 2px);
      }
      .arrow.selected .shaft {
        stroke: var(--tcp-accent);
        stroke-width: calc(var(--tcp-stroke) * 2.6px);
      }
      .arrow.selected .head {
        fill: var(--tcp-accent);
      }
      .arrow.selected text {
        font-weight: 700;
      }
      .selband {
        fill: var(--tcp-selected-bg);
      }
    `,
  ];

  /** The ladder of the selected connection (model: ladderRows / buildLadder). */
  @property({ attribute: false }) ladder: Ladder | null = null;
  /** Absolute sequence numbers instead of relative to each side's ISN. */
  @property({ type: Boolean }) absolute = false;
  /** The selected segment's key (SegmentRow.key of either end): highlighted and scrolled to. */
  @property() selected: string | null = null;
  /** Stay scrolled to the newest packet while already at the bottom. */
  @property({ type: Boolean }) follow = true;

  /** Row height: --tcp-ladder-row (30px; 42px in presentation mode, theme.ts). */
  private readonly list = new VirtualList(this, {
    rowVar: '--tcp-ladder-row',
    rowFallback: 30,
    fallbackHeight: FALLBACK_HEIGHT,
    fallbackWidth: FALLBACK_WIDTH,
    overscan: OVERSCAN_ROWS,
  });

  private get rowHeight(): number {
    return this.list.rowHeight;
  }

  private get width(): number {
    return this.list.width;
  }

  /** The y (px) of a slot position; slot -1 is the top padding where the first state marks go. */
  private y(slot: number): number {
    return (slot + 1.5) * this.rowHeight;
  }

  private xs(): [number, number] {
    const side = Math.min(170, Math.max(90, this.width * 0.2));
    const time = 78;
    return [time + side, Math.max(time + side + 200, this.width - side)];
  }

  /** A new ladder while following: draw the bottom window now (the scroll follows next frame). */
  protected override willUpdate(changed: PropertyValues<this>): void {
    this.list.follow = this.follow;
    const l = this.ladder;
    if (l && changed.has('ladder') && this.list.following && changed.get('ladder') !== undefined && !(changed.has('selected') && this.selected !== null)) {
      this.list.showBottom(this.y(l.slotCount) + this.rowHeight);
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!this.list.scroller || !this.ladder) return;
    if (changed.has('selected') && this.selected !== null) this.reveal(this.selected);
    else if (changed.has('ladder') && this.list.following && changed.get('ladder') !== undefined) {
      this.list.scrollToEnd(() => (this.ladder ? this.y(this.ladder.slotCount) + this.rowHeight : 0));
    }
  }

  /** Scroll the arrow with this key into view if it is not. */
  private reveal(key: string): void {
    const i = this.ladder?.byKey.get(key);
    if (i === undefined) return;
    const a = this.ladder!.arrows[i]!;
    this.list.revealCentred(this.y(Math.min(a.y0, a.y1)) - this.rowHeight, this.y(Math.max(a.y0, a.y1)) + this.rowHeight);
  }

  private select(key: string): void {
    this.dispatchEvent(segmentSelect(key));
  }

  private onKey(e: KeyboardEvent): void {
    const l = this.ladder;
    if (!l || l.arrows.length === 0) return;
    const cur = this.selected === null ? -1 : (l.byKey.get(this.selected) ?? -1);
    const next = keyMove(e.key, cur, l.arrows.length, null);
    if (next === undefined) return;
    e.preventDefault();
    this.select(l.arrows[next]!.key);
  }

  override render() {
    const l = this.ladder;
    if (!l) return html`<div class="empty">Select a connection to see its ladder diagram.</div>`;
    const [xL, xR] = this.xs();
    const row = this.rowHeight;
    const total = this.y(l.slotCount) + row;
    const { top, height } = this.list.pxWindow(total);
    const lo = top / row - 1.5;
    const hi = (top + height) / row - 1.5;
    const arrows = visibleArrows(l, lo, hi);
    const marks = visibleMarks(l, lo - 1, hi + 1);
    const selectedIndex = this.selected === null ? undefined : l.byKey.get(this.selected);
    return html`
      ${this.list.probe()}
      <div class="ends">
        ${this.renderEnd(l.ends[0], xL, 'left')} ${this.renderEnd(l.ends[1], xR, 'right')}
      </div>
      <div
        class="scroller"
        tabindex="0"
        role="listbox"
        aria-label="ladder diagram: ${l.arrows.length} packets; arrow keys move the selection"
        @scroll=${this.list.onScroll}
        @keydown=${this.onKey}
      >
        <div class="spacer" style=${this.list.spacerStyle(total, l.slotCount + 2.5)}>
          <svg class="window" style="top:${top}px" width=${this.width} height=${Math.max(0, height)} viewBox="0 ${top} ${this.width} ${Math.max(1, height)}">
            ${selectedIndex !== undefined ? this.renderBand(l.arrows[selectedIndex]!) : nothing}
            <line class="line" x1=${xL} x2=${xL} y1=${top} y2=${top + height}></line>
            <line class="line" x1=${xR} x2=${xR} y1=${top} y2=${top + height}></line>
            ${this.renderTimes(l, Math.max(0, Math.floor(lo)), Math.min(l.slotCount - 1, Math.ceil(hi)))}
            ${marks.map((m) => this.renderMark(m, m.end === 0 ? xL : xR))}
            ${arrows.map((a) => this.renderArrow(a, xL, xR, l.arrows[selectedIndex ?? -1] === a))}
          </svg>
        </div>
      </div>
    `;
  }

  private renderEnd(end: LadderEnd, x: number, side: string) {
    const role = end.role === 'active' ? 'client (active open)' : end.role === 'passive' ? 'server (passive open)' : end.host === null ? 'peer (no trace)' : 'peer';
    return html`<div class="end ${side}" style="left:${x}px">
      <div class="addr">${end.addr}:${end.port}</div>
      <div class="role">${role}</div>
    </div>`;
  }

  private renderBand(a: LadderArrow): SVGTemplateResult {
    const y0 = this.y(Math.min(a.y0, a.y1)) - this.rowHeight / 2;
    const y1 = this.y(Math.max(a.y0, a.y1)) + this.rowHeight / 2;
    return svg`<rect class="selband" x="0" width=${this.width} y=${y0} height=${y1 - y0}></rect>`;
  }

  private renderTimes(l: Ladder, from: number, to: number): SVGTemplateResult[] {
    const out: SVGTemplateResult[] = [];
    let prev: number | null = null;
    for (let s = from - 1; s >= 0 && prev === null; s--) prev = l.slotTimes[s] ?? null;
    for (let s = from; s <= to; s++) {
      const t = l.slotTimes[s];
      if (t === null || t === undefined) continue;
      // A time is written where it changes: a burst at one instant reads as one block.
      if (t !== prev) out.push(svg`<text class="time" x="6" y=${this.y(s) + 4}>${formatMs(t - l.t0)}</text>`);
      prev = t;
    }
    return out;
  }

  private renderMark(m: LadderMark, x: number): SVGTemplateResult {
    const left = m.end === 0;
    const y = this.y(m.y);
    return svg`<g class="mark" data-state=${m.to}>
      <title>${m.from} → ${m.to}: ${m.cause} (${formatMs(m.t)})</title>
      <circle cx=${x} cy=${y} r="4"></circle>
      <text x=${left ? x - 9 : x + 9} y=${y + 4} text-anchor=${left ? 'end' : 'start'}>${m.to}</text>
    </g>`;
  }

  private renderArrow(a: LadderArrow, xL: number, xR: number, selected: boolean): SVGTemplateResult {
    const xFrom = a.from === 0 ? xL : xR;
    const xTo = a.from === 0 ? xR : xL;
    const y0 = this.y(a.y0);
    let y1 = this.y(a.y1);
    let x1 = xTo;
    const stops = a.fate === 'lost' || a.fate === 'missing';
    if (stops) {
      x1 = xFrom + (xTo - xFrom) * LOST_FLIGHT;
      if (a.recv !== null) y1 = y0 + (y1 - y0) * LOST_FLIGHT; // lost on arrival: cross short of the line
    }
    const assumed = a.send === null || a.fate === 'unknown';
    const classes = [
      'arrow', a.fate,
      a.retransmission ? 'retransmission' : '',
      a.duplicate ? 'duplicate' : '',
      a.outOfOrder ? 'out-of-order' : '',
      a.dupAck ? 'dup-ack' : '',
      assumed ? 'assumed' : '',
      selected ? 'selected' : '',
    ].filter((c) => c !== '').join(' ');
    const label = segmentLabel(a.row, this.absolute);
    const notes = rowNotes(a);
    if (a.fate === 'missing') notes.push('never arrived');
    // The label runs along the arrow, just above it, starting near the sender: packets sent
    // back to back then get labels a row apart even when their arrows converge.
    const rightward = x1 >= xFrom;
    // A second arrival shares its send with the first: label it at its own end instead.
    const atEnd = a.duplicate && a.send !== null;
    // Tilted like a one-row flight at most: steeper labels would swing into their neighbours'.
    const maxTilt = (Math.atan2(this.rowHeight, xR - xL) * 180) / Math.PI;
    const tilt = (Math.atan2(y1 - y0, Math.abs(x1 - xFrom)) * 180) / Math.PI;
    const angle = (rightward ? 1 : -1) * Math.max(-maxTilt, Math.min(maxTilt, tilt));
    const lx = atEnd ? x1 + (rightward ? -14 : 14) : xFrom + (rightward ? 14 : -14);
    const ly = atEnd ? y1 - 14 * Math.tan((Math.abs(angle) * Math.PI) / 180) : y0 + 14 * Math.tan((Math.abs(angle) * Math.PI) / 180);
    const anchor = rightward !== atEnd ? 'start' : 'end';
    return svg`<g
        class=${classes}
        data-key=${a.key}
        role="option"
        aria-selected=${selected ? 'true' : 'false'}
        aria-label=${`${label}${notes.length ? `; ${notes.join(', ')}` : ''}`}
        @click=${() => this.select(a.key)}
      >
      <line class="hit" x1=${xFrom} y1=${y0} x2=${x1} y2=${y1}></line>
      <line class="shaft" x1=${xFrom} y1=${y0} x2=${x1} y2=${y1}></line>
      ${stops || a.fate === 'discarded'
        ? svg`<path class="cross" d=${crossPath(x1, y1)}></path>`
        : svg`<polygon class="head" points=${arrowHead(xFrom, y0, x1, y1, 11)}></polygon>`}
      <text x=${lx} y=${ly - 6} text-anchor=${anchor} transform="rotate(${angle} ${lx} ${ly})">${label}${notes.length ? svg`<tspan class="note"> ${notes.join(', ')}</tspan>` : nothing}</text>
    </g>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tcp-ladder': TcpLadder;
  }
}
