// <tcp-state-diagram>: RFC 9293's state diagram with one connection's path drawn on it.
// Each state the connection entered carries its step number (1 = where it started), so the
// diagram reads as the connection's timeline; the current state is highlighted and the last
// transition is drawn in as it happens. Transitions the figure has no arrow for (a reset, an
// abort) appear as dotted curves labelled with their cause.
import { LitElement, html, css, svg, nothing } from 'lit';
import type { SVGTemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { STATE_DESCRIPTIONS } from '../../workers/tcp/state.ts';
import type { TcpState } from '../../workers/tcp/state.ts';
import type { Transition } from '../model/connections.ts';
import { formatMs } from '../model/labels.ts';
import { theme } from './theme.ts';
import { arrowHead } from './svg-arrows.ts';
import {
  BOX_H, BOX_W, EDGES, NODES, VIEW_H, VIEW_W, edgeFor, node, offFigureArrow, polyline, targetNode,
} from './state-diagram-layout.ts';
import type { DiagramEdge, DiagramNode, NodeId } from './state-diagram-layout.ts';

interface Visit {
  step: number;
  node: NodeId;
  state: TcpState;
  /** The transition that entered it; undefined for the start state. */
  via?: Transition;
}

/** Badges shown per box before the rest fold into "+n". */
const MAX_BADGES = 4;

function edgeKey(e: Pick<DiagramEdge, 'from' | 'to'>): string {
  return `${e.from}>${e.to}`;
}

@customElement('tcp-state-diagram')
export class TcpStateDiagram extends LitElement {
  static override styles = [
    theme,
    css`
      figure {
        margin: 0;
      }
      svg {
        display: block;
        width: 100%;
        height: auto;
        max-height: var(--tcp-diagram-max-height, none);
      }
      .edge {
        fill: none;
        stroke: var(--tcp-muted);
        stroke-width: calc(var(--tcp-stroke) * 1px);
      }
      .edge.active {
        stroke: var(--tcp-fg);
        stroke-width: calc(var(--tcp-stroke) * 2px);
      }
      .edge.passive {
        stroke: var(--tcp-fg);
        stroke-width: calc(var(--tcp-stroke) * 2px);
        stroke-dasharray: 10 7;
      }
      .head {
        fill: var(--tcp-muted);
      }
      .head.active,
      .head.passive {
        fill: var(--tcp-fg);
      }
      .taken .edge {
        stroke: var(--tcp-path);
        stroke-width: calc(var(--tcp-stroke) * 2.6px);
      }
      .taken .head {
        fill: var(--tcp-path);
      }
      .taken .label text {
        fill: var(--tcp-path);
        font-weight: 600;
      }
      .label text {
        fill: var(--tcp-fg);
        font-size: var(--tcp-diagram-label, 18px);
        paint-order: stroke;
        stroke: var(--tcp-bg);
        stroke-width: 5px;
        stroke-linejoin: round;
      }
      .label line {
        stroke: var(--tcp-muted);
        stroke-width: 1;
      }
      .off .edge {
        stroke: var(--tcp-path);
        stroke-dasharray: 2 6;
        stroke-linecap: round;
        stroke-width: calc(var(--tcp-stroke) * 2.4px);
      }
      .off .head {
        fill: var(--tcp-path);
      }
      .draw {
        fill: none;
        stroke: var(--tcp-current);
        stroke-width: calc(var(--tcp-stroke) * 5px);
        stroke-linecap: round;
        opacity: 0.55;
        stroke-dasharray: 1 1;
        animation: draw 0.9s ease-out both;
      }
      @keyframes draw {
        from {
          stroke-dashoffset: 1;
        }
        to {
          stroke-dashoffset: 0;
        }
      }
      .state {
        cursor: default;
      }
      .state:focus {
        outline: none;
      }
      .state rect.box {
        fill: var(--tcp-panel);
        stroke: var(--tcp-fg);
        stroke-width: calc(var(--tcp-stroke) * 1.2px);
      }
      .state.visited rect.box {
        stroke: var(--tcp-path);
        stroke-width: calc(var(--tcp-stroke) * 2px);
      }
      .state.current rect.box {
        fill: var(--tcp-current-bg);
        stroke: var(--tcp-current);
        stroke-width: calc(var(--tcp-stroke) * 3.5px);
      }
      .state:focus-visible rect.box,
      .state:hover rect.box {
        stroke: var(--tcp-focus);
        stroke-width: calc(var(--tcp-stroke) * 3px);
      }
      /* The pulse fades a wide ring: opacity only. A growing stroke-width changed the geometry, so
         every frame of it (2.4 s after each state change, just when a transfer starts) laid the
         page out again. */
      .halo {
        fill: none;
        stroke: var(--tcp-current);
        stroke-width: 12;
        animation: pulse 1.2s ease-out 2;
        opacity: 0;
      }
      @keyframes pulse {
        from {
          opacity: 0.8;
        }
        to {
          opacity: 0;
        }
      }
      .state text.name {
        fill: var(--tcp-fg);
        font-size: var(--tcp-diagram-state, 20px);
        font-weight: 600;
        text-anchor: middle;
        dominant-baseline: central;
      }
      .badge circle {
        fill: var(--tcp-path);
      }
      .current .badge.last circle {
        fill: var(--tcp-current);
      }
      .badge text {
        fill: #fff;
        font-size: 16px;
        font-weight: 700;
        text-anchor: middle;
        dominant-baseline: central;
      }
      .legend {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4em 1.4em;
        font-size: var(--tcp-small);
        color: var(--tcp-muted);
        margin: 0.3em 0;
      }
      .legend svg {
        display: inline-block;
        width: 36px;
        height: 10px;
        vertical-align: middle;
      }
      .legend line {
        stroke: var(--tcp-fg);
        stroke-width: 3;
      }
      .legend .thin {
        stroke: var(--tcp-muted);
        stroke-width: 1.5;
      }
      .legend .path {
        stroke: var(--tcp-path);
      }
      .legend .off {
        stroke: var(--tcp-path);
        stroke-dasharray: 2 5;
        stroke-linecap: round;
      }
      .desc {
        margin: 0.3em 0;
        min-height: 2.6em;
      }
      .desc strong {
        font-family: var(--tcp-mono);
      }
      ol.steps {
        margin: 0.3em 0;
        padding-left: 2.2em;
        font-size: var(--tcp-small);
      }
      ol.steps .cause {
        font-family: var(--tcp-mono);
      }
    `,
  ];

  /** The selected connection's transitions, in order (model: connectionPath / TraceIndex.path). */
  @property({ attribute: false }) transitions: readonly Transition[] = [];

  /** The state under the pointer or keyboard focus, whose RFC description is shown. */
  @state() private pointed: NodeId | null = null;

  private visits(): Visit[] {
    const first = this.transitions[0];
    if (!first) return [];
    const start: NodeId = first.from === 'CLOSED' ? 'CLOSED' : first.from;
    const out: Visit[] = [{ step: 1, node: start, state: first.from }];
    for (const tr of this.transitions) {
      out.push({ step: out.length + 1, node: targetNode(tr.from, tr.to, tr.cause), state: tr.to, via: tr });
    }
    return out;
  }

  override render() {
    const visits = this.visits();
    const badges = new Map<NodeId, Visit[]>();
    for (const v of visits) {
      const list = badges.get(v.node);
      if (list) list.push(v);
      else badges.set(v.node, [v]);
    }
    const taken = new Set<string>();
    const off: { from: NodeId; to: NodeId; cause: string; key: string }[] = [];
    for (let i = 1; i < visits.length; i++) {
      const tr = visits[i]!.via!;
      if (edgeFor(tr.from, tr.to, tr.cause)) taken.add(edgeKey(tr));
      else {
        const key = `${visits[i - 1]!.node}>${visits[i]!.node}`;
        if (!off.some((o) => o.key === key)) off.push({ from: visits[i - 1]!.node, to: visits[i]!.node, cause: tr.cause, key });
      }
    }
    const current = visits[visits.length - 1];
    const shown = this.pointed ?? current?.node ?? null;
    const shownState = shown === null ? null : node(shown).state;
    return html`
      <figure>
        <svg viewBox="0 0 ${VIEW_W} ${VIEW_H}" role="group" aria-label="TCP connection state diagram, RFC 9293 figure 5">
          <g class="edges">${EDGES.map((e) => this.renderEdge(e, taken.has(edgeKey(e))))}</g>
          <g class="off-figure">${off.map((o) => this.renderOff(o.from, o.to, o.cause))}</g>
          ${current?.via ? keyed(visits.length, this.renderDraw(visits[visits.length - 2]!.node, current.node, current.via)) : nothing}
          <g class="nodes">${NODES.map((n) => this.renderNode(n, badges.get(n.id) ?? [], current?.node === n.id, visits.length))}</g>
        </svg>
        <div class="legend" aria-hidden="true">
          <span><svg viewBox="0 0 36 10"><line x1="0" y1="5" x2="36" y2="5"></line></svg> client (active open) path</span>
          <span><svg viewBox="0 0 36 10"><line x1="0" y1="5" x2="36" y2="5" stroke-dasharray="8 5"></line></svg> server (passive open) path</span>
          <span><svg viewBox="0 0 36 10"><line class="thin" x1="0" y1="5" x2="36" y2="5"></line></svg> other transitions</span>
          <span><svg viewBox="0 0 36 10"><line class="path" x1="0" y1="5" x2="36" y2="5"></line></svg> this connection</span>
          <span><svg viewBox="0 0 36 10"><line class="off" x1="0" y1="5" x2="36" y2="5"></line></svg> not in the figure</span>
        </div>
        <p class="desc" aria-live="polite">
          ${shownState === null
            ? html`<span class="muted">Hover or focus a state for its RFC 9293 description.</span>`
            : html`<strong>${shownState}</strong> ${STATE_DESCRIPTIONS[shownState]}`}
        </p>
        ${visits.length > 0
          ? html`<ol class="steps" aria-label="this connection's path">
              ${visits.map(
                (v) => html`<li>
                  <strong>${v.state}</strong>
                  ${v.via ? html` <span class="muted">at ${formatMs(v.via.t)}:</span> <span class="cause">${v.via.cause}</span>` : html` <span class="muted">start</span>`}
                </li>`,
              )}
            </ol>`
          : nothing}
      </figure>
    `;
  }

  private renderEdge(e: DiagramEdge, taken: boolean): SVGTemplateResult {
    const pts = e.points;
    const [x1, y1] = pts[pts.length - 2]!;
    const [x2, y2] = pts[pts.length - 1]!;
    const { x, y, anchor } = e.label;
    return svg`<g class="figure-edge ${taken ? 'taken' : ''}" data-edge=${edgeKey(e)}>
      <path class="edge ${e.kind}" d=${polyline(pts)}></path>
      <polygon class="head ${e.kind}" points=${arrowHead(x1, y1, x2, y2, 14)}></polygon>
      <g class="label">
        <text x=${x} y=${y} text-anchor=${anchor}>${e.event}</text>
        ${e.action === null
          ? nothing
          : svg`<line x1=${anchor === 'end' ? x - 90 : anchor === 'middle' ? x - 55 : x} x2=${anchor === 'end' ? x : anchor === 'middle' ? x + 55 : x + 90} y1=${y + 6} y2=${y + 6}></line>
                <text x=${x} y=${y + 24} text-anchor=${anchor}>${e.action}</text>`}
      </g>
    </g>`;
  }

  private renderOff(from: NodeId, to: NodeId, cause: string): SVGTemplateResult {
    const { d, lx, ly, end, before } = this.offGeometry(from, to);
    return svg`<g class="off" data-edge=${`${from}>${to}`}>
      <path class="edge" d=${d}></path>
      <polygon class="head" points=${arrowHead(before[0], before[1], end[0], end[1], 14)}></polygon>
      <g class="label"><text x=${lx} y=${ly} text-anchor="middle">${cause}</text></g>
    </g>`;
  }

  private offGeometry(from: NodeId, to: NodeId) {
    const { d, lx, ly } = offFigureArrow(from, to);
    // The path ends with "… cx cy x2 y2" (Q) or "… x y" (C): read the last two points back.
    const nums = d.split(/[^-\d.]+/).filter((s) => s !== '').map(Number);
    const end: [number, number] = [nums[nums.length - 2]!, nums[nums.length - 1]!];
    const before: [number, number] = [nums[nums.length - 4]!, nums[nums.length - 3]!];
    return { d, lx, ly, end, before };
  }

  /** The last transition, drawn in over its arrow. */
  private renderDraw(from: NodeId, to: NodeId, tr: Transition): SVGTemplateResult {
    const edge = edgeFor(tr.from, tr.to, tr.cause);
    const d = edge ? polyline(edge.points) : this.offGeometry(from, to).d;
    return svg`<path class="draw" pathLength="1" d=${d}></path>`;
  }

  private renderNode(n: DiagramNode, visits: Visit[], current: boolean, total: number): SVGTemplateResult {
    const x = n.x - BOX_W / 2;
    const y = n.y - BOX_H / 2;
    const shownBadges = visits.length > MAX_BADGES ? visits.slice(0, MAX_BADGES - 1) : visits;
    const folded = visits.length - shownBadges.length;
    // Badges end at the box's top-right corner and read left to right in step order.
    const count = shownBadges.length + (folded > 0 ? 1 : 0);
    const firstBadge = x + BOX_W - 14 - (count - 1) * 31;
    const label = `${n.state}${visits.length ? `, step ${visits.map((v) => v.step).join(' and ')}` : ''}${current ? ', current state' : ''}`;
    return svg`<g
        class="state ${visits.length ? 'visited' : ''} ${current ? 'current' : ''}"
        data-state=${n.state}
        data-node=${n.id}
        tabindex="0"
        role="img"
        aria-label=${label}
        @pointerenter=${() => (this.pointed = n.id)}
        @pointerleave=${() => (this.pointed = null)}
        @focus=${() => (this.pointed = n.id)}
        @blur=${() => (this.pointed = null)}
      >
      <title>${n.state}: ${STATE_DESCRIPTIONS[n.state]}</title>
      ${current ? keyed(total, svg`<rect class="halo" x=${x} y=${y} width=${BOX_W} height=${BOX_H} rx="10"></rect>`) : nothing}
      <rect class="box" x=${x} y=${y} width=${BOX_W} height=${BOX_H} rx="10"></rect>
      <text class="name" x=${n.x} y=${n.y}>${n.state}</text>
      ${shownBadges.map((v, i) => this.renderBadge(firstBadge + i * 31, y - 4, String(v.step), v.step === total))}
      ${folded > 0 ? this.renderBadge(firstBadge + shownBadges.length * 31, y - 4, `+${folded}`, false) : nothing}
    </g>`;
  }

  private renderBadge(cx: number, cy: number, text: string, last: boolean): SVGTemplateResult {
    return svg`<g class="badge ${last ? 'last' : ''}"><circle cx=${cx} cy=${cy} r="14"></circle><text x=${cx} y=${cy}>${text}</text></g>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tcp-state-diagram': TcpStateDiagram;
  }
}
