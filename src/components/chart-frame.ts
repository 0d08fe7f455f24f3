// The frame shared by the graphs: plot area, grid, tick labels and axis titles, in pixels.
import { svg } from 'lit';
import type { SVGTemplateResult } from 'lit';
import { linear, niceTicks } from '../model/scale.ts';
import type { Scale } from '../model/scale.ts';

export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  x: Scale;
  y: Scale;
}

export const MARGIN = { left: 84, right: 16, top: 14, bottom: 40 };

export function frame(width: number, height: number, xDomain: [number, number], yDomain: [number, number]): Frame {
  const left = MARGIN.left;
  const right = Math.max(left + 10, width - MARGIN.right);
  const top = MARGIN.top;
  const bottom = Math.max(top + 10, height - MARGIN.bottom);
  return { width, height, left, right, top, bottom, x: linear(xDomain, [left, right]), y: linear(yDomain, [bottom, top]) };
}

export function axes(f: Frame, xTitle: string, yTitle: string, formatY: (v: number) => string): SVGTemplateResult {
  const xt = niceTicks(f.x.domain[0], f.x.domain[1], Math.max(2, Math.floor((f.right - f.left) / 90)));
  const yt = niceTicks(f.y.domain[0], f.y.domain[1], Math.max(2, Math.floor((f.bottom - f.top) / 45)));
  return svg`<g class="axes">
    ${yt.map((v) => svg`<line class="grid" x1=${f.left} x2=${f.right} y1=${f.y(v)} y2=${f.y(v)}></line>
      <text class="tick" x=${f.left - 6} y=${f.y(v) + 4} text-anchor="end">${formatY(v)}</text>`)}
    ${xt.map((v) => svg`<line class="grid" x1=${f.x(v)} x2=${f.x(v)} y1=${f.top} y2=${f.bottom}></line>
      <text class="tick" x=${f.x(v)} y=${f.bottom + 16} text-anchor="middle">${+v.toFixed(3)}</text>`)}
    <rect class="plot" x=${f.left} y=${f.top} width=${f.right - f.left} height=${f.bottom - f.top}></rect>
    <text class="title" x=${(f.left + f.right) / 2} y=${f.height - 6} text-anchor="middle">${xTitle}</text>
    <text class="title" transform="rotate(-90)" x=${-(f.top + f.bottom) / 2} y="13" text-anchor="middle">${yTitle}</text>
  </g>`;
}

/** A staircase through points (each value holds until the next point), ending at `xEnd`. */
export function stepPath(points: readonly { x: number; y: number }[], xEnd: number): string {
  if (points.length === 0) return '';
  let d = `M ${points[0]!.x} ${points[0]!.y}`;
  for (let i = 1; i < points.length; i++) d += ` H ${points[i]!.x} V ${points[i]!.y}`;
  return `${d} H ${xEnd}`;
}
