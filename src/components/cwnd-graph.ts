// <tcp-cwnd-graph>: the congestion window and the slow-start threshold over time (RFC 5681).
// Slow start doubles cwnd each round trip, congestion avoidance adds one MSS per round trip,
// and a loss cuts it: the sawtooth students look for.
import { LitElement, html, css, svg, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ConnSeries } from '../model/series.ts';
import { formatCount, padded } from '../model/scale.ts';
import { BoxSize } from './box-size.ts';
import { theme } from './theme.ts';
import { graphStyles } from './graph-styles.ts';
import { axes, frame, stepPath } from './chart-frame.ts';
import { TimeZoom } from './zoom.ts';

@customElement('tcp-cwnd-graph')
export class TcpCwndGraph extends LitElement {
  static override styles = [
    theme,
    graphStyles,
    css`
      .cwnd {
        fill: none;
        stroke: var(--tcp-cwnd);
        stroke-width: calc(var(--tcp-stroke) * 1.6px);
      }
      .ssthresh {
        fill: none;
        stroke: var(--tcp-ssthresh);
        stroke-width: calc(var(--tcp-stroke) * 1.4px);
        stroke-dasharray: 7 4;
      }
      .change {
        fill: var(--tcp-cwnd);
      }
      .legend .c {
        color: var(--tcp-cwnd);
      }
      .legend .s {
        color: var(--tcp-ssthresh);
      }
    `,
  ];

  private readonly box = new BoxSize(this);
  private readonly zoom = new TimeZoom(this);

  /** The connection's series (model: timeSeries); its `cwnd` samples are drawn. */
  @property({ attribute: false }) series: ConnSeries | null = null;

  override render() {
    const points = this.series?.cwnd ?? [];
    if (!this.series || points.length === 0) {
      return html`<div class="empty">No congestion window recorded for this connection (congestion control off, or no data sent yet).</div>`;
    }
    let hi = 1;
    for (const p of points) {
      if (p.cwnd > hi) hi = p.cwnd;
      if (p.ssthresh !== null && p.ssthresh > hi) hi = p.ssthresh;
    }
    const [t0, t1] = this.zoom.domain([Math.min(this.series.t0, points[0]!.t), Math.max(this.series.t1, points[points.length - 1]!.t)]);
    const f = frame(this.box.width, this.box.height, padded(t0, t1), [0, hi * 1.08]);
    this.zoom.use(f.x);
    const drag = this.zoom.drag;
    // ssthresh is drawn only where it is finite: before the first loss it is "infinite".
    const runs: { x: number; y: number }[][] = [];
    let run: { x: number; y: number }[] | null = null;
    for (const p of points) {
      if (p.ssthresh === null) {
        run = null;
        continue;
      }
      if (!run) runs.push((run = []));
      run.push({ x: f.x(p.t), y: f.y(p.ssthresh) });
    }
    return html`
      <svg
        width=${f.width}
        height=${f.height}
        tabindex="0"
        role="img"
        aria-label="congestion window over time: ${points.length} changes; drag to zoom, Escape to zoom out"
        @pointerdown=${this.zoom.down}
        @pointermove=${this.zoom.move}
        @pointerup=${this.zoom.up}
        @pointerleave=${this.zoom.up}
        @dblclick=${this.zoom.reset}
        @keydown=${this.zoom.key}
      >
        ${axes(f, 'time (ms)', 'bytes', formatCount)}
        <defs><clipPath id="plot"><rect x=${f.left} y=${f.top} width=${f.right - f.left} height=${f.bottom - f.top}></rect></clipPath></defs>
        <g clip-path="url(#plot)">
        ${runs.map((r) => svg`<path class="ssthresh" d=${stepPath(r, r[r.length - 1]!.x)}></path>`)}
        <path class="cwnd" d=${stepPath(points.map((p) => ({ x: f.x(p.t), y: f.y(p.cwnd) })), f.right)}></path>
        ${points.length <= 400
          ? points.map((p) => svg`<circle class="change" cx=${f.x(p.t)} cy=${f.y(p.cwnd)} r="2.5"><title>${p.t} ms: cwnd ${p.cwnd}${p.ssthresh !== null ? `, ssthresh ${p.ssthresh}` : ''} (${p.reason})</title></circle>`)
          : nothing}
        </g>
        ${drag ? svg`<rect class="zoombox" x=${Math.min(drag.from, drag.to)} y=${f.top} width=${Math.abs(drag.to - drag.from)} height=${f.bottom - f.top}></rect>` : nothing}
      </svg>
      <div class="legend" aria-hidden="true">
        <span class="c"><i></i>cwnd</span>
        <span class="s"><i style="border-top-style:dashed"></i>ssthresh</span>
      </div>
      ${this.zoom.range ? html`<button class="unzoom" type="button" @click=${this.zoom.reset}>zoom out</button>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tcp-cwnd-graph': TcpCwndGraph;
  }
}
