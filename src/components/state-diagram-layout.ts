// RFC 9293 §3.3.2 Figure 5, laid out by hand in a 1000 × 1040 viewBox. As in the figure, CLOSED
// appears twice: at the top where connections start and at the bottom right where LAST-ACK and
// TIME-WAIT end. Arrows are polylines from box edge to box edge; each label sits beside its
// arrow with the event over the action, as the RFC writes them.
//
// Classic-figure styling (Stevens): the normal path of the active opener (the client) solid and
// heavy, the normal path of the passive opener (the server) dashed and heavy, the rest thin.
import type { TcpState } from '../../workers/tcp/state.ts';

export type NodeId = TcpState | 'CLOSED-END';

export interface DiagramNode {
  id: NodeId;
  state: TcpState;
  /** Centre. */
  x: number;
  y: number;
}

export interface DiagramEdge {
  from: TcpState;
  to: TcpState;
  /** Which box the arrow enters (the bottom CLOSED for the two closing arrows). */
  toNode: NodeId;
  kind: 'active' | 'passive' | 'other';
  event: string;
  /** Null where the RFC writes "x": no action. */
  action: string | null;
  points: readonly (readonly [number, number])[];
  label: { x: number; y: number; anchor: 'start' | 'middle' | 'end' };
}

export const VIEW_W = 1000;
export const VIEW_H = 1040;
export const BOX_W = 176;
export const BOX_H = 52;

export const NODES: readonly DiagramNode[] = [
  { id: 'CLOSED', state: 'CLOSED', x: 500, y: 70 },
  { id: 'LISTEN', state: 'LISTEN', x: 500, y: 220 },
  { id: 'SYN-RECEIVED', state: 'SYN-RECEIVED', x: 120, y: 380 },
  { id: 'SYN-SENT', state: 'SYN-SENT', x: 880, y: 380 },
  { id: 'ESTABLISHED', state: 'ESTABLISHED', x: 500, y: 540 },
  { id: 'FIN-WAIT-1', state: 'FIN-WAIT-1', x: 120, y: 700 },
  { id: 'CLOSE-WAIT', state: 'CLOSE-WAIT', x: 880, y: 700 },
  { id: 'FIN-WAIT-2', state: 'FIN-WAIT-2', x: 120, y: 860 },
  { id: 'CLOSING', state: 'CLOSING', x: 500, y: 860 },
  { id: 'LAST-ACK', state: 'LAST-ACK', x: 880, y: 860 },
  { id: 'TIME-WAIT', state: 'TIME-WAIT', x: 500, y: 1000 },
  { id: 'CLOSED-END', state: 'CLOSED', x: 880, y: 1000 },
];

export const EDGES: readonly DiagramEdge[] = [
  { from: 'CLOSED', to: 'LISTEN', toNode: 'LISTEN', kind: 'passive', event: 'passive OPEN', action: 'create TCB',
    points: [[470, 96], [470, 194]], label: { x: 458, y: 136, anchor: 'end' } },
  { from: 'LISTEN', to: 'CLOSED', toNode: 'CLOSED', kind: 'other', event: 'CLOSE', action: 'delete TCB',
    points: [[530, 194], [530, 96]], label: { x: 542, y: 136, anchor: 'start' } },
  { from: 'CLOSED', to: 'SYN-SENT', toNode: 'SYN-SENT', kind: 'active', event: 'active OPEN', action: 'create TCB, snd SYN',
    points: [[588, 60], [920, 60], [920, 354]], label: { x: 754, y: 24, anchor: 'middle' } },
  { from: 'SYN-SENT', to: 'CLOSED', toNode: 'CLOSED', kind: 'other', event: 'CLOSE', action: 'delete TCB',
    points: [[850, 354], [850, 84], [588, 84]], label: { x: 719, y: 112, anchor: 'middle' } },
  { from: 'LISTEN', to: 'SYN-RECEIVED', toNode: 'SYN-RECEIVED', kind: 'passive', event: 'rcv SYN', action: 'snd SYN,ACK',
    points: [[412, 240], [208, 360]], label: { x: 296, y: 266, anchor: 'end' } },
  { from: 'LISTEN', to: 'SYN-SENT', toNode: 'SYN-SENT', kind: 'other', event: 'SEND', action: 'snd SYN',
    points: [[588, 240], [792, 360]], label: { x: 704, y: 266, anchor: 'start' } },
  { from: 'SYN-SENT', to: 'SYN-RECEIVED', toNode: 'SYN-RECEIVED', kind: 'other', event: 'rcv SYN', action: 'snd SYN,ACK',
    points: [[792, 380], [208, 380]], label: { x: 500, y: 340, anchor: 'middle' } },
  { from: 'SYN-RECEIVED', to: 'LISTEN', toNode: 'LISTEN', kind: 'other', event: 'rcv RST', action: null,
    points: [[90, 354], [90, 220], [412, 220]], label: { x: 250, y: 208, anchor: 'middle' } },
  { from: 'SYN-SENT', to: 'ESTABLISHED', toNode: 'ESTABLISHED', kind: 'active', event: 'rcv SYN,ACK', action: 'snd ACK',
    points: [[830, 406], [588, 520]], label: { x: 722, y: 486, anchor: 'start' } },
  { from: 'SYN-RECEIVED', to: 'ESTABLISHED', toNode: 'ESTABLISHED', kind: 'passive', event: 'rcv ACK of SYN', action: null,
    points: [[170, 406], [412, 520]], label: { x: 278, y: 492, anchor: 'end' } },
  { from: 'SYN-RECEIVED', to: 'FIN-WAIT-1', toNode: 'FIN-WAIT-1', kind: 'other', event: 'CLOSE', action: 'snd FIN',
    points: [[120, 406], [120, 674]], label: { x: 132, y: 560, anchor: 'start' } },
  { from: 'ESTABLISHED', to: 'FIN-WAIT-1', toNode: 'FIN-WAIT-1', kind: 'active', event: 'CLOSE', action: 'snd FIN',
    points: [[412, 556], [208, 680]], label: { x: 322, y: 652, anchor: 'start' } },
  { from: 'ESTABLISHED', to: 'CLOSE-WAIT', toNode: 'CLOSE-WAIT', kind: 'passive', event: 'rcv FIN', action: 'snd ACK',
    points: [[588, 556], [792, 680]], label: { x: 678, y: 652, anchor: 'end' } },
  { from: 'FIN-WAIT-1', to: 'FIN-WAIT-2', toNode: 'FIN-WAIT-2', kind: 'active', event: 'rcv ACK of FIN', action: null,
    points: [[120, 726], [120, 834]], label: { x: 132, y: 774, anchor: 'start' } },
  { from: 'FIN-WAIT-1', to: 'CLOSING', toNode: 'CLOSING', kind: 'other', event: 'rcv FIN', action: 'snd ACK',
    points: [[208, 716], [412, 834]], label: { x: 290, y: 822, anchor: 'start' } },
  { from: 'FIN-WAIT-2', to: 'TIME-WAIT', toNode: 'TIME-WAIT', kind: 'active', event: 'rcv FIN', action: 'snd ACK',
    points: [[120, 886], [120, 1000], [412, 1000]], label: { x: 266, y: 964, anchor: 'middle' } },
  { from: 'CLOSING', to: 'TIME-WAIT', toNode: 'TIME-WAIT', kind: 'other', event: 'rcv ACK of FIN', action: null,
    points: [[500, 886], [500, 974]], label: { x: 512, y: 934, anchor: 'start' } },
  { from: 'CLOSE-WAIT', to: 'LAST-ACK', toNode: 'LAST-ACK', kind: 'passive', event: 'CLOSE', action: 'snd FIN',
    points: [[880, 726], [880, 834]], label: { x: 868, y: 774, anchor: 'end' } },
  { from: 'LAST-ACK', to: 'CLOSED', toNode: 'CLOSED-END', kind: 'passive', event: 'rcv ACK of FIN', action: null,
    points: [[880, 886], [880, 974]], label: { x: 868, y: 934, anchor: 'end' } },
  { from: 'TIME-WAIT', to: 'CLOSED', toNode: 'CLOSED-END', kind: 'active', event: 'Timeout=2MSL', action: 'delete TCB',
    points: [[588, 1000], [792, 1000]], label: { x: 690, y: 964, anchor: 'middle' } },
];

const byPair = new Map<string, DiagramEdge>(EDGES.map((e) => [`${e.from}>${e.to}`, e]));
const nodeById = new Map<NodeId, DiagramNode>(NODES.map((n) => [n.id, n]));

/**
 * The figure's arrow for a transition, or undefined when the figure has none (a reset, an
 * abort…). With a cause ("rcv RST / delete TCB"), its event must be the arrow's too: SYN-SENT
 * to CLOSED on a RST is not the figure's "CLOSE" arrow, and drawing it there would mislead.
 */
export function edgeFor(from: TcpState, to: TcpState, cause?: string): DiagramEdge | undefined {
  const edge = byPair.get(`${from}>${to}`);
  if (!edge || cause === undefined || cause === '') return edge;
  const event = cause.split(' / ')[0]!.trim().toLowerCase();
  return event === edge.event.toLowerCase() ? edge : undefined;
}

export function node(id: NodeId): DiagramNode {
  return nodeById.get(id)!;
}

/** The box a transition into `to` lands in: the bottom CLOSED once the connection was synchronized. */
export function targetNode(from: TcpState, to: TcpState, cause?: string): NodeId {
  const edge = edgeFor(from, to, cause);
  if (edge) return edge.toNode;
  if (to !== 'CLOSED') return to;
  return from === 'LISTEN' || from === 'SYN-SENT' || from === 'SYN-RECEIVED' || from === 'CLOSED' ? 'CLOSED' : 'CLOSED-END';
}

/** Where the segment from a box's centre towards (tx, ty) leaves the box. */
export function borderPoint(n: DiagramNode, tx: number, ty: number): [number, number] {
  const dx = tx - n.x;
  const dy = ty - n.y;
  if (dx === 0 && dy === 0) return [n.x, n.y];
  const sx = dx === 0 ? Infinity : BOX_W / 2 / Math.abs(dx);
  const sy = dy === 0 ? Infinity : BOX_H / 2 / Math.abs(dy);
  const s = Math.min(sx, sy);
  return [n.x + dx * s, n.y + dy * s];
}

/**
 * A curved arrow between two boxes for a transition the figure does not draw (a RST in
 * ESTABLISHED, FIN-WAIT-1 straight to TIME-WAIT on a FIN that also ACKs our FIN, …).
 * Returns the path and the point to write its cause at.
 */
export function offFigureArrow(from: NodeId, to: NodeId): { d: string; lx: number; ly: number } {
  const a = node(from);
  const b = node(to);
  if (from === to) {
    // A loop above the box (e.g. a state re-entered).
    const x = a.x + BOX_W / 2 - 20;
    const y = a.y - BOX_H / 2;
    return { d: `M ${x - 30} ${y} C ${x - 40} ${y - 60}, ${x + 40} ${y - 60}, ${x + 10} ${y}`, lx: x, ly: y - 52 };
  }
  // Bow the curve sideways so it does not run along the figure's straight arrows.
  const mx = (a.x + b.x) / 2;
  const my = (a.y + b.y) / 2;
  const len = Math.hypot(b.x - a.x, b.y - a.y);
  const bow = Math.min(120, len * 0.25);
  // Of the two sides, bow towards the outside of the figure, where there is room.
  const nx = ((b.y - a.y) / len) * bow;
  const ny = (-(b.x - a.x) / len) * bow;
  const [ox, oy] = [VIEW_W / 2, VIEW_H / 2];
  const outward = Math.hypot(mx + nx - ox, my + ny - oy) >= Math.hypot(mx - nx - ox, my - ny - oy) ? 1 : -1;
  const cx = mx + outward * nx;
  const cy = my + outward * ny;
  const [x1, y1] = borderPoint(a, cx, cy);
  const [x2, y2] = borderPoint(b, cx, cy);
  return { d: `M ${x1} ${y1} Q ${cx} ${cy} ${x2} ${y2}`, lx: (x1 + 2 * cx + x2) / 4, ly: (y1 + 2 * cy + y2) / 4 };
}

export function polyline(points: readonly (readonly [number, number])[]): string {
  return points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'} ${x} ${y}`).join(' ');
}
