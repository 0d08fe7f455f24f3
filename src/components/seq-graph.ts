// <tcp-seq-graph>: a time-sequence graph in the style of Stevens and tcptrace. Each segment
// sent is a vertical bar from its first to its last sequence number at the time it left; the
// ACK line steps up as acknowledgments arrive, and the window line above it shows how far the
// receiver allows the sender to go. Retransmissions stand out in their own colour, segments
// the network or the receiver dropped carry a cross.
import { LitElement, html, css, svg, nothing } from 'lit';
import type { SVGTemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ConnSeries, SeqSample } from '../model/series.ts';
import { decimate } from '../model/series.ts';
import { formatCount, padded } from '../model/scale.ts';
import { BoxSize } from './box-size.ts';
import { theme } from './theme.ts';
import { graphStyles } from './graph-styles.ts';
import { axes, frame, stepPath } from './chart-frame.ts';
import type { Frame } from './chart-frame.ts';
import { crossPath } from './svg-arrows.ts';
import { segmentSelect } from './events.ts';
import { TimeZoom } from './zoom.ts';

@customElement('tcp-seq-graph')
export class TcpSeqGraph extends LitElement {
  static override styles = [
    theme,
    graphStyles,
    css`
      .seg {
        stroke: var(--tcp-seq);
        stroke-width: calc(var(--tcp-stroke) * 1.4px);
        cursor: pointer;
      }
      .seg.retransmission {
        stroke: var(--tcp-retrans);
        stroke-width: calc(var(--tcp-stroke) * 2.4px);
      }
      .seg.selected {
        stroke: var(--tcp-accent);
        stroke-width: calc(var(--tcp-stroke) * 4px);
      }
      .hit {
        stroke: transparent;
        stroke-width: 10px;
        cursor: pointer;
      }
      .r {
        fill: var(--tcp-retrans);
        font-size: var(--tcp-small);
        font-weight: 700;
      }
      .cross {
        stroke: var(--tcp-drop);
        stroke-width: 2.5px;
      }
      .ackline {
        fill: none;
        stroke: var(--tcp-ack);
        stroke-width: calc(var(--tcp-stroke) * 1.4px);
      }
      .winline {
        fill: none;
        stroke: var(--tcp-win);
        stroke-width: calc(var(--tcp-stroke) * 1.2px);
        stroke-dasharray: 6 4;
      }
      .dupack {
        fill: var(--tcp-dup);
      }
      .legend .seq {
        color: var(--tcp-seq);
      }
      .legend .ack {
        color: var(--tcp-ack);
      }
      .legend .win {
        color: var(--tcp-win);
      }
      .legend .retr {
        color: var(--tcp-retrans);
      }
      .legend .drop {
        color: var(--tcp-drop);
      }
    `,
  ];

  /** The connection's series (model: timeSeries). */
  @property({ attribute: false }) series: ConnSeries | null = null;
  /** 'out': data this host sent and the ACKs it got back; 'in': data it received and its ACKs. */
  @property() direction: 'out' | 'in' = 'out';
  /** The selected segment's key, drawn heavier. */
  @property() selected: string | null = null;

  private readonly box = new BoxSize(this);
  private readonly zoom = new TimeZoom(this);

  override render() {
    const s = this.series;
    const flow = s?.[this.direction];
    if (!s || !flow || (flow.segments.length === 0 && flow.acks.length === 0)) {
      return html`<div class="empty">No ${this.direction === 'out' ? 'data sent' : 'data received'} on this connection yet.</div>`;
    }
    const [t0, t1] = this.zoom.domain([s.t0, s.t1]);
    const inView = <T extends { t: number }>(xs: readonly T[]) => xs.filter((x) => x.t >= t0 && x.t <= t1);
    const shown = inView(flow.segments);
    // The ACK in force when the view starts, so the ACK and window lines begin at the left edge.
    let before = -1;
    for (let i = 0; i < flow.acks.length && flow.acks[i]!.t < t0; i++) before = i;
    const acks = [...(before >= 0 ? [flow.acks[before]!] : []), ...inView(flow.acks)];
    let lo = Infinity;
    let dataHi = -Infinity;
    for (const x of shown) {
      lo = Math.min(lo, x.seq);
      dataHi = Math.max(dataHi, x.end);
    }
    for (const a of acks) {
      lo = Math.min(lo, a.ack);
      dataHi = Math.max(dataHi, a.ack);
    }
    if (lo === Infinity) [lo, dataHi] = [0, 1];
    // The window line can sit far above the data (a 256 KiB window for a 100-byte exchange):
    // show some of it, and let the rest run off the top rather than flatten the data.
    let hi = dataHi;
    for (const a of acks) hi = Math.max(hi, Math.min(a.right, dataHi + (dataHi - lo) * 0.6 + 1460));
    const f = frame(this.box.width, this.box.height, padded(t0, t1), padded(lo, hi));
    this.zoom.use(f.x);
    const segs = decimate(shown, Math.max(200, (f.right - f.left) * 2));
    const drag = this.zoom.drag;
    return html`
      <svg
        width=${f.width}
        height=${f.height}
        tabindex="0"
        role="img"
        aria-label="time-sequence graph: ${flow.segments.length} segments, ${flow.acks.length} acknowledgments; drag to zoom, Escape to zoom out"
        @pointerdown=${this.zoom.down}
        @pointermove=${this.zoom.move}
        @pointerup=${this.zoom.up}
        @pointerleave=${this.zoom.up}
        @dblclick=${this.zoom.reset}
        @keydown=${this.zoom.key}
      >
        ${axes(f, 'time (ms)', 'relative sequence number', formatCount)}
        <defs><clipPath id="plot"><rect x=${f.left} y=${f.top} width=${f.right - f.left} height=${f.bottom - f.top}></rect></clipPath></defs>
        <g clip-path="url(#plot)">
          <path class="winline" d=${stepPath(acks.map((a) => ({ x: f.x(a.t), y: f.y(a.right) })), f.right)}></path>
          <path class="ackline" d=${stepPath(acks.map((a) => ({ x: f.x(a.t), y: f.y(a.ack) })), f.right)}></path>
          ${acks.filter((a) => a.dupAck).map((a) => svg`<circle class="dupack" cx=${f.x(a.t)} cy=${f.y(a.ack)} r="3.5"><title>duplicate ACK ${a.ack} at ${a.t} ms</title></circle>`)}
          ${segs.map((x) => this.renderSeg(f, x))}
        </g>
        ${drag ? svg`<rect class="zoombox" x=${Math.min(drag.from, drag.to)} y=${f.top} width=${Math.abs(drag.to - drag.from)} height=${f.bottom - f.top}></rect>` : nothing}
      </svg>
      <div class="legend" aria-hidden="true">
        <span class="seq"><i></i>segment</span>
        <span class="retr"><i></i>retransmission</span>
        <span class="ack"><i></i>ACK</span>
        <span class="win"><i style="border-top-style:dashed"></i>ACK + window</span>
        <span class="drop">✕ dropped</span>
      </div>
      ${this.zoom.range ? html`<button class="unzoom" type="button" @click=${this.zoom.reset}>zoom out</button>` : nothing}
    `;
  }

  private renderSeg(f: Frame, x: SeqSample): SVGTemplateResult {
    const cx = f.x(x.t);
    const y0 = f.y(x.seq);
    // At least a few pixels tall, so a SYN or a FIN (one sequence number) is visible.
    const y1 = Math.min(f.y(x.end), y0 - 3);
    const cls = `seg ${x.retransmission ? 'retransmission' : ''} ${x.key === this.selected ? 'selected' : ''}`;
    return svg`<g data-key=${x.key} @click=${() => this.dispatchEvent(segmentSelect(x.key))}>
      <title>${x.retransmission ? 'retransmission ' : ''}${x.seq}–${x.end} at ${x.t} ms${x.dropped ? ', dropped' : ''}</title>
      <line class="hit" x1=${cx} x2=${cx} y1=${y0} y2=${y1}></line>
      <line class=${cls} x1=${cx} x2=${cx} y1=${y0} y2=${y1}></line>
      <line class=${cls} x1=${cx - 3} x2=${cx + 3} y1=${y0} y2=${y0}></line>
      <line class=${cls} x1=${cx - 3} x2=${cx + 3} y1=${y1} y2=${y1}></line>
      ${x.retransmission ? svg`<text class="r" x=${cx + 4} y=${y1 - 2}>R</text>` : nothing}
      ${x.dropped ? svg`<path class="cross" d=${crossPath(cx, y1 - 6, 4)}></path>` : nothing}
    </g>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tcp-seq-graph': TcpSeqGraph;
  }
}
